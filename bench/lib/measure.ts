// Timed passes over a corpus, the unit of every throughput figure.
import type { Corpus } from './corpus.js';
import type { ThroughputRecord } from './contract.js';
import { median } from './stats.js';

const gc = (globalThis as { gc?: () => void }).gc;

export type Who = Pick<ThroughputRecord, 'subject' | 'api' | 'model' | 'vocabOf' | 'check'>;

export interface Contestant {
  who: Who;
  /** One full pass over the corpus; returns the number of ids. */
  pass: () => number;
  /** Untimed, before every timed pass (e.g. empty a cache). */
  beforePass?: () => void;
  /** Its output is random (sampling): the id count may change between passes. */
  random?: boolean;
}

/**
 * Times `reps` passes of each contestant, interleaved round by round (in a rotating order) so that
 * the load of a shared machine hits all of them alike and their ratios stay meaningful; a full GC
 * precedes every pass. Returns one record per contestant, for its median pass. The caller has
 * already run (and checked) one untimed warm-up pass of each.
 */
export function timeInterleaved(corpus: Corpus, reps: number, contestants: Contestant[]): ThroughputRecord[] {
  const seconds = contestants.map(() => [] as number[]);
  const tokens = contestants.map(() => [] as number[]);
  for (let r = 0; r < reps; r++) {
    for (let k = 0; k < contestants.length; k++) {
      const i = (k + r) % contestants.length;
      const c = contestants[i]!;
      c.beforePass?.();
      gc?.();
      const t0 = performance.now();
      const n = c.pass();
      seconds[i]!.push((performance.now() - t0) / 1000);
      if (!c.random && tokens[i]!.length > 0 && n !== tokens[i]![0]) {
        throw new Error(`${c.who.subject} ${c.who.model} ${corpus.name}: pass ${r} gave ${n} ids, the first ${tokens[i]![0]}`);
      }
      tokens[i]!.push(n);
    }
  }
  return contestants.map((c, i) => {
    const m = median(seconds[i]!);
    const n = median(tokens[i]!);
    return {
      ...c.who,
      corpus: corpus.name,
      docs: corpus.docs.length,
      bytes: corpus.bytes,
      tokens: n,
      seconds: seconds[i]!,
      mbps: corpus.bytes / m / 1e6,
      tokensPerSecond: n / m,
    };
  });
}

/** {@link timeInterleaved} for one contestant. */
export const timePasses = (corpus: Corpus, reps: number, pass: () => number, who: Who, beforePass?: () => void): ThroughputRecord =>
  timeInterleaved(corpus, reps, [{ who, pass, beforePass }])[0]!;

/** A pass: `count` over every document, summing the ids. */
export const passOf = (corpus: Corpus, count: (text: string) => number) => (): number => {
  let n = 0;
  for (const d of corpus.docs) n += count(d);
  return n;
};
