// How the CLI's summaries word counts and sizes: plurals that agree, and units that suit the size
// (a few bytes are not "0.0 MB").

/** `1 document`, `2 documents`, `1,234 tokens`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}

/** Bytes in B, kB or MB (decimal units, as the MB/s figures). */
export function size(bytes: number): string {
  if (bytes < 1e3) return count(bytes, 'byte');
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A throughput in kB/s or MB/s; `-` when too little time passed to measure one. */
export function rate(bytes: number, seconds: number): string {
  if (!(seconds > 0)) return '- MB/s';
  const perSecond = bytes / seconds;
  return perSecond < 1e6 ? `${(perSecond / 1e3).toFixed(1)} kB/s` : `${(perSecond / 1e6).toFixed(1)} MB/s`;
}

/** Seconds, with milliseconds when under one second. */
export function seconds(s: number): string {
  return s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(1)} s`;
}
