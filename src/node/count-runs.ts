// Writing counted n-grams as a sorted run (a stage file, stage-file.ts): what a counting kernel
// holds, in key order, section by section (orders 1..order, then chunk endings of 1..order−1
// bytes). Used on the counting threads and on the main thread alike.
import type { SortedCounts } from '../train/kernel-js.js';
import { writeStage, type StageHeader, type StageWriter } from './stage-file.js';

/** A kernel that can hand out its counts sorted. */
export interface SortedCountSource {
  sortedCounts(L: number, tail: boolean): SortedCounts;
}

/** Key lengths of the sections of an n-gram count file of this order. */
export function ngramSections(order: number): number[] {
  const s: number[] = [];
  for (let L = 1; L <= order; L++) s.push(L);
  for (let L = 1; L < order; L++) s.push(L);
  return s;
}

/** The parameters n-gram counts depend on (files merge only if these are equal). */
export function ngramParams(order: number, isolateDigits: boolean): StageHeader['params'] {
  return { order, isolateDigits };
}

/** Adds sorted packed keys (ngram-count.ts: last byte lowest) as n-gram bytes in reading order. */
export function addSorted(w: StageWriter, L: number, sorted: SortedCounts): void {
  const { words, width, counts } = sorted;
  const key = new Uint8Array(L);
  for (let i = 0; i < counts.length; i++) {
    const base = i * width;
    for (let j = 0; j < L; j++) {
      const m = L - 1 - j;
      key[j] = (words[base + (m >> 2)]! >>> ((m & 3) * 8)) & 0xff;
    }
    w.add(key, L, counts[i]!);
  }
}

/** Writes everything `source` counted (orders 1..order) as a run file at `path`. */
export async function writeCountRun(source: SortedCountSource, order: number, isolateDigits: boolean, path: string): Promise<void> {
  const header: StageHeader = { kind: 'ngrams', params: ngramParams(order, isolateDigits), sections: ngramSections(order), documents: 0, bytes: 0, chunks: 0 };
  await writeStage(path, header, (w) => {
    for (let L = 1; L <= order; L++) {
      w.beginSection();
      addSorted(w, L, source.sortedCounts(L, false));
    }
    for (let L = 1; L < order; L++) {
      w.beginSection();
      addSorted(w, L, source.sortedCounts(L, true));
    }
  });
}
