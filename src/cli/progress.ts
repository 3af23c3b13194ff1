// Progress on stderr: a live bar (bytes, MB/s, ETA) when stderr is a terminal, a plain line every
// few seconds otherwise (logs, CI), nothing with --quiet.

import cliProgress from 'cli-progress';
import { onAbort } from './errors.js';

export interface ProgressOptions {
  quiet: boolean;
  /** Seconds between plain lines when stderr is not a terminal. */
  interval: number;
  /** What is being done, e.g. "encode". */
  verb: string;
}

const MB = 1e6;

export class Progress {
  private done = 0;
  private readonly started = performance.now();
  private readonly bar?: cliProgress.SingleBar;
  private readonly timer?: ReturnType<typeof setInterval>;
  private readonly unregister: () => void;

  constructor(
    private readonly total: number | undefined,
    private readonly options: ProgressOptions,
  ) {
    if (!options.quiet && process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar({
        stream: process.stderr,
        format: (_opts, params) => this.line(params.value, true),
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
      });
      this.bar.start(total ?? 0, 0);
    } else if (!options.quiet) {
      this.timer = setInterval(() => process.stderr.write(`bytepiece: ${options.verb}: ${this.line(this.done, false)}\n`), options.interval * 1000);
      this.timer.unref();
    }
    this.unregister = onAbort(() => this.stop());
  }

  /** Adds processed input bytes. */
  add(bytes: number): void {
    this.done += bytes;
    this.bar?.update(this.done);
  }

  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** Stops the bar or the timer (idempotent). */
  stop(): void {
    this.bar?.stop();
    if (this.timer) clearInterval(this.timer);
    this.unregister();
  }

  /** Stops and prints the summary line (unless quiet). */
  finish(summary: string): void {
    this.stop();
    if (!this.options.quiet) process.stderr.write(`bytepiece: ${summary}\n`);
  }

  private line(done: number, bar: boolean): string {
    const seconds = this.seconds;
    const rate = seconds > 0 ? done / MB / seconds : 0;
    const parts: string[] = [];
    if (this.total !== undefined && this.total > 0) {
      const fraction = Math.min(1, done / this.total);
      if (bar) {
        const width = 24;
        const full = Math.round(fraction * width);
        parts.push(`${'█'.repeat(full)}${'░'.repeat(width - full)}`);
      }
      parts.push(`${(fraction * 100).toFixed(1)}%`, `${mb(done)}/${mb(this.total)} MB`, `${rate.toFixed(1)} MB/s`);
      parts.push(`ETA ${rate > 0 ? duration((this.total - done) / MB / rate) : '?'}`);
    } else {
      parts.push(`${mb(done)} MB`, `${rate.toFixed(1)} MB/s`);
    }
    return parts.join(bar ? ' | ' : ', ');
  }
}

const mb = (bytes: number) => (bytes / MB).toFixed(1);

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Peak resident memory of this process (all threads), in MiB. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
