// The trainer as mergeable stages (docs/design.md, "Training in stages"), each writing a stage
// file (stage-file.ts):
//   countNgrams(shard)        → raw n-gram counts (sorted runs spilled at the memory budget, merged)
//   mergeCounts(files)        → their sums; with minCount, the final, pruned n-gram counts
//   countPieces(shard, model) → piece counts of the n-gram Viterbi over the shard
//   mergeCounts(files)        → their sums
//   finish (trainer.ts)       → the prune loops and the models
// Counts are integers and sorted runs merge exactly, so any split into shards and any tree of
// merges gives the same bytes; `Trainer.train` is this pipeline on one machine.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forEachBatch, type TrainCorpus } from '../train/corpus.js';
import { JsTrainKernel, type NgramSizes, type PieceTotals } from '../train/kernel-js.js';
import { WasmTrainKernel, WASM_MAX_ORDER } from '../train/kernel-wasm.js';
import { trainWasmUrl } from '../train/kernel-module.js';
import { KeyTable } from '../train/key-table.js';
import { keyWidth } from '../train/ngram-count.js';
import { LnCache, type NgramModel } from '../train/ngram-model.js';
import { lnCorrectlyRounded } from '../model/ln.js';
import type { TrainProgress } from '../train/options.js';
import { bytesToKey, recordsToCounts, type PieceCounts, type PieceRecords } from '../train/piece-set.js';
import { ngramParams, ngramSections, writeCountRun } from './count-runs.js';
import { compareKeys, StageReader, writeStage, type StageHeader } from './stage-file.js';
import { TrainThreads } from './train-threads.js';

let trainModule: WebAssembly.Module | undefined;

/** The trainer's WebAssembly kernel, read from disk next to this module once. */
export function trainKernelModule(): WebAssembly.Module {
  return (trainModule ??= new WebAssembly.Module(readFileSync(fileURLToPath(trainWasmUrl()))));
}

/** Options of the counting stages (checked by the caller, see options.ts). */
export interface StageOptions {
  order: number;
  isolateDigits: boolean;
  ensureUnicode: boolean;
  engine: 'wasm' | 'js';
  workers: number;
  /** Bytes of n-gram counts held before a sorted run is spilled. */
  memoryBudget: number;
  onProgress?: (p: TrainProgress) => void;
}

/** Bytes one held n-gram costs at most (hash slot at the lowest load, growth, export and sort copies). */
const BYTES_PER_NGRAM = 96;

type CountingKernel = WasmTrainKernel | JsTrainKernel | TrainThreads;

function countingKernel(o: StageOptions): CountingKernel | Promise<TrainThreads> {
  if (o.engine === 'wasm' && o.order <= WASM_MAX_ORDER) {
    if (o.workers > 1) return TrainThreads.start(trainKernelModule(), o.order, o.ensureUnicode, o.workers);
    return new WasmTrainKernel(trainKernelModule(), o.order, o.ensureUnicode);
  }
  return new JsTrainKernel(o.order, o.ensureUnicode);
}

/** The first pass over a shard: n-gram counts still held in `kernel`, and the sorted runs spilled so far. */
interface NgramPass {
  kernel: CountingKernel;
  runs: string[];
  /** Writes what the kernel holds as sorted runs (one per thread) and empties it. */
  spill(): Promise<void>;
  header: StageHeader;
}

/**
 * Counts the n-grams of a shard. When the counts held pass the memory budget they are written to
 * `runsDir` as a sorted run and counting starts afresh, so memory does not grow with the shard.
 * The caller closes the kernel.
 */
async function countPass(corpus: TrainCorpus, o: StageOptions, runsDir: string): Promise<NgramPass> {
  const kernel = await countingKernel(o);
  const parts = kernel instanceof TrainThreads ? kernel.parts : 1;
  const budget = Math.max(1 << 12, Math.floor(o.memoryBudget / BYTES_PER_NGRAM / parts));
  const runs: string[] = [];
  const spill = async () => {
    const paths = Array.from({ length: parts }, (_, i) => join(runsDir, `run-${runs.length + i}`));
    if (kernel instanceof TrainThreads) await kernel.writeRuns(paths, o.isolateDigits);
    else {
      await writeCountRun(kernel, o.order, o.isolateDigits, paths[0]!);
      kernel.resetCounts();
    }
    runs.push(...paths);
  };
  try {
    let chunks = 0;
    const read = await forEachBatch(corpus, o.isolateDigits, async (batch, done) => {
      chunks += batch.count;
      await kernel.countNgrams(batch);
      o.onProgress?.({ stage: 'count-ngrams', done });
      if (kernel.heldNgrams() > budget) await spill();
    });
    const header: StageHeader = {
      kind: 'ngrams',
      params: ngramParams(o.order, o.isolateDigits),
      sections: ngramSections(o.order),
      documents: read.documents,
      bytes: read.bytes,
      chunks,
    };
    return { kernel, runs, spill, header };
  } catch (e) {
    await kernel.close?.();
    throw e;
  }
}

function emptyCorpus(documents: number): RangeError {
  return new RangeError(`the corpus is empty: ${documents} document(s), no text to train on`);
}

/**
 * Stage 1: counts the n-grams of a shard of the corpus into `output` (raw counts, mergeable; with
 * `prune`, the whole corpus's final, pruned counts, pruned at the merge of its runs).
 */
export async function countNgrams(corpus: TrainCorpus, o: StageOptions, output: string, prune?: { minCount: number }): Promise<StageHeader> {
  const runsDir = mkdtempSync(join(dirname(output), '.bytepiece-runs-'));
  try {
    const pass = await countPass(corpus, o, runsDir);
    try {
      await pass.spill();
    } finally {
      await pass.kernel.close?.();
    }
    if (prune) o.onProgress?.({ stage: 'prune-ngrams', done: 0 });
    if (prune && pass.header.bytes === 0) throw emptyCorpus(pass.header.documents);
    return await mergeInto(pass.runs, output, pass.header, prune);
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
}

/** What {@link trainLocally} hands to the finish stage. */
export interface LocalCounts {
  pieces: PieceRecords;
  total: number;
  documents: number;
  bytes: number;
  chunks: number;
  sizes: NgramSizes;
}

/**
 * The counting stages on one machine over the whole corpus, with `minCount` applied: stage 1,
 * the pruning merge (stage 2), stage 3. When nothing spilled (the counts fit the memory budget)
 * the stages hand their tables to each other in memory: the kernel prunes the counts it holds and
 * segments with them. Otherwise the runs go through the files, as separate stages would.
 */
export async function trainLocally(corpus: TrainCorpus, o: StageOptions & { minCount: number }, workDir: string): Promise<LocalCounts> {
  const runsDir = mkdtempSync(join(workDir, '.bytepiece-runs-'));
  let kernel: CountingKernel | undefined;
  try {
    const pass = await countPass(corpus, o, runsDir);
    kernel = pass.kernel;
    const first = pass.header;
    if (first.bytes === 0) throw emptyCorpus(first.documents);
    o.onProgress?.({ stage: 'prune-ngrams', done: 0 });
    let sizes: NgramSizes;
    if (pass.runs.length === 0) {
      sizes = await kernel.pruneNgrams(o.minCount);
    } else {
      await pass.spill();
      await kernel.close?.();
      kernel = undefined;
      const path = join(runsDir, 'model.ngrams');
      await mergeInto(pass.runs, path, first, { minCount: o.minCount });
      const model = loadNgramModel(path);
      kernel = await countingKernel({ ...o, memoryBudget: 0 });
      await setModel(kernel, model);
      sizes = { rawSizes: model.rawSizes, prunedSizes: model.prunedSizes };
    }
    rmSync(runsDir, { recursive: true, force: true });
    const second = await piecePass(corpus, kernel, o, first.bytes);
    if (second.bytes !== first.bytes || second.documents !== first.documents) {
      throw new Error(
        `the corpus changed between its two readings: ${first.documents} documents (${first.bytes} bytes), then ${second.documents} (${second.bytes} bytes); it must give the same texts each time`,
      );
    }
    return { pieces: second.pieces, total: second.total, documents: first.documents, bytes: first.bytes, chunks: first.chunks, sizes };
  } finally {
    await kernel?.close?.();
    rmSync(runsDir, { recursive: true, force: true });
  }
}

/** The header of a merge of `readers`: the same parameters, the sums of the figures. */
function mergedHeader(readers: StageReader[]): StageHeader {
  const first = readers[0]!;
  const params = JSON.stringify(first.header.params);
  for (const r of readers) {
    if (r.header.kind !== first.header.kind)
      throw new Error(`cannot merge ${r.path} (${r.header.kind} counts) with ${first.path} (${first.header.kind} counts)`);
    if (r.header.final)
      throw new Error(`cannot merge ${r.path}: it holds pruned, final n-gram counts (pruning is the last merge; merge the raw counts instead)`);
    if (JSON.stringify(r.header.params) !== params || JSON.stringify(r.header.sections) !== JSON.stringify(first.header.sections)) {
      throw new Error(`cannot merge ${r.path} with ${first.path}: counted with other parameters (${JSON.stringify(r.header.params)} vs ${params})`);
    }
  }
  const sum = (f: (h: StageHeader) => number) => readers.reduce((s, r) => s + f(r.header), 0);
  return {
    kind: first.header.kind,
    params: first.header.params,
    sections: first.header.sections,
    documents: sum((h) => h.documents),
    bytes: sum((h) => h.bytes),
    chunks: sum((h) => h.chunks),
  };
}

/**
 * Merges sorted runs section by section into `output`: equal keys' counts are summed. `keep`
 * filters the merged records (pruning); `distinct` receives each section's number of distinct keys.
 */
async function mergeInto(inputs: readonly string[], output: string, header: StageHeader | undefined, prune?: { minCount: number }): Promise<StageHeader> {
  const readers: StageReader[] = [];
  try {
    for (const path of inputs) readers.push(new StageReader(path));
    const merged = header ?? mergedHeader(readers);
    const order = merged.kind === 'ngrams' ? Number(merged.params.order) : 0;
    const distinct: number[] = [];
    const out: StageHeader = { ...merged };
    if (prune) {
      if (merged.kind !== 'ngrams') throw new Error('--min-count prunes n-gram counts; piece counts are pruned by the finish stage');
      if (merged.bytes === 0) throw new Error(`the corpus is empty: ${merged.documents} document(s), no text to train on`);
      out.final = { minCount: prune.minCount };
    }
    await writeStage(output, out, (w) => {
      for (let s = 0; s < merged.sections.length; s++) {
        w.beginSection();
        const live: StageReader[] = [];
        for (const r of readers) if (r.nextSection() && r.next()) live.push(r);
        // n-grams of order ≥ 2 below minCount are dropped; the chunk endings only give the raw sizes.
        const least = !prune ? 0 : s >= order ? Infinity : s >= 1 ? prune.minCount : 0;
        let n = 0;
        if (live.length === 1) {
          // One input left: its records as they are.
          const r = live[0]!;
          do {
            n++;
            if (r.count >= least) w.add(r.key, r.keyLength, r.count);
          } while (r.next());
          live.length = 0;
        }
        let key = new Uint8Array(64);
        while (live.length > 0) {
          let min = live[0]!;
          for (let i = 1; i < live.length; i++) if (compareKeys(live[i]!.key, live[i]!.keyLength, min.key, min.keyLength) < 0) min = live[i]!;
          const length = min.keyLength;
          if (key.length < length) key = new Uint8Array(length * 2);
          for (let i = 0; i < length; i++) key[i] = min.key[i]!;
          let count = 0;
          for (let i = 0; i < live.length; i++) {
            const r = live[i]!;
            if (compareKeys(r.key, r.keyLength, key, length) !== 0) continue;
            count += r.count;
            if (!r.next()) live.splice(i--, 1);
          }
          if (!Number.isSafeInteger(count)) throw new Error(`a count passes 2^53 while merging into ${output}`);
          n++;
          if (count >= least) w.add(key, length, count);
        }
        distinct.push(n);
      }
      for (const r of readers) if (r.nextSection()) throw new Error(`internal: ${r.path} has more sections`);
      if (prune) {
        // The reference's table sizes before pruning (its order-j table also holds chunk endings shorter than j).
        const rawSizes = [1];
        let tails = 0;
        for (let L = 1; L <= order; L++) {
          rawSizes.push(distinct[L - 1]! + tails);
          if (L < order) tails += distinct[order + L - 1]!;
        }
        w.footer = { rawSizes };
        out.final!.rawSizes = rawSizes;
      }
    });
    return out;
  } finally {
    for (const r of readers) r.close();
  }
}

/**
 * Stage 2 (and 4): merges count files of one kind and parameters into `output`; the sums do not
 * depend on the order or grouping of the merges. With `minCount` (n-gram counts only) the result
 * is pruned (SPEC §6.3) and final: the model the piece counting reads, never merged again.
 */
export async function mergeCounts(inputs: readonly string[], output: string, options: { minCount?: number } = {}): Promise<StageHeader> {
  if (inputs.length === 0) throw new RangeError('mergeCounts: no input files');
  const m = options.minCount;
  if (m !== undefined && (!Number.isSafeInteger(m) || m < 1)) throw new RangeError(`minCount must be a positive integer, got ${String(m)}`);
  return mergeInto(inputs, output, undefined, m === undefined ? undefined : { minCount: m });
}

/** A pruned n-gram model read from its stage file, in the forms both kernels take. */
export interface LoadedNgramModel {
  order: number;
  isolateDigits: boolean;
  minCount: number;
  documents: number;
  bytes: number;
  /** Identifies the file: piece counts made with other models do not merge. */
  id: string;
  rawSizes: number[];
  prunedSizes: number[];
  /** Per order L (index 0 unused): keys packed as in ngram-count.ts, width keyWidth(L), and log-probabilities. */
  words: Uint32Array[];
  values: Float64Array[];
}

/** Reads a final n-gram count file and turns its counts into log-probabilities (SPEC §6.3). */
export function loadNgramModel(path: string): LoadedNgramModel {
  const r = new StageReader(path);
  const h = r.header;
  try {
    if (h.kind !== 'ngrams') throw new Error(`${path}: holds ${h.kind} counts, not an n-gram model`);
    if (!h.final) throw new Error(`${path}: holds raw n-gram counts; prune them first (merge with a min count)`);
    const order = Number(h.params.order);
    const words: Uint32Array[] = [new Uint32Array(0)];
    const counts: Float64Array[] = [new Float64Array(0)];
    for (let L = 1; L <= order; L++) {
      r.nextSection();
      const w = keyWidth(L);
      let ks = new Uint32Array(1024 * w);
      let cs = new Float64Array(1024);
      let n = 0;
      while (r.next()) {
        if (n === cs.length) {
          const k2 = new Uint32Array(ks.length * 2);
          k2.set(ks);
          ks = k2;
          const c2 = new Float64Array(cs.length * 2);
          c2.set(cs);
          cs = c2;
        }
        for (let j = 0; j < L; j++) {
          const m = L - 1 - j;
          ks[n * w + (m >> 2)]! |= r.key[j]! << ((m & 3) * 8);
        }
        cs[n++] = r.count;
      }
      words.push(ks.slice(0, n * w));
      counts.push(cs.slice(0, n));
    }
    while (r.nextSection());
    // Every byte is a 1-gram (count 1 if unseen, and the total grows by 1 for each).
    const ones = new Float64Array(256);
    counts[1]!.forEach((c, i) => {
      ones[words[1]![i]!] = c;
    });
    let total = h.bytes;
    for (let b = 0; b < 256; b++)
      if (ones[b] === 0) {
        ones[b] = 1;
        total++;
      }
    words[1] = Uint32Array.from({ length: 256 }, (_, b) => b);
    counts[1] = ones;
    const logs = new LnCache();
    const lnTotal = lnCorrectlyRounded(total);
    const values: Float64Array[] = [new Float64Array(0), ones.map((c) => logs.ln(c) - lnTotal)];
    const prefix = new Uint32Array(keyWidth(order));
    for (let L = 2; L <= order; L++) {
      const w = keyWidth(L);
      const pw = keyWidth(L - 1);
      const ks = words[L]!;
      const pks = words[L - 1]!;
      const pcs = counts[L - 1]!;
      const cs = counts[L]!;
      const v = new Float64Array(cs.length);
      // Keys and their prefixes (the key shifted down 8 bits) both ascend: a merge join.
      let j = 0;
      for (let i = 0; i < cs.length; i++) {
        for (let k = 0; k < pw; k++) prefix[k] = (ks[i * w + k]! >>> 8) | ((k + 1 < w ? ks[i * w + k + 1]! : 0) << 24);
        for (;;) {
          if (j >= pcs.length) throw new Error(`${path}: corrupt (the prefix of a kept ${L}-gram is absent)`);
          let c = 0;
          for (let k = pw - 1; k >= 0 && c === 0; k--) c = pks[j * pw + k]! === prefix[k]! ? 0 : pks[j * pw + k]! < prefix[k]! ? -1 : 1;
          if (c === 0) break;
          if (c > 0) throw new Error(`${path}: corrupt (the prefix of a kept ${L}-gram is absent)`);
          j++;
        }
        v[i] = logs.ln(cs[i]!) - logs.ln(pcs[j]!);
      }
      values.push(v);
    }
    const rawSizes = r.footer.rawSizes as number[];
    if (!Array.isArray(rawSizes) || rawSizes.length !== order + 1) throw new Error(`${path}: corrupt (its footer lacks the raw n-gram table sizes)`);
    return {
      order,
      isolateDigits: h.params.isolateDigits === true,
      minCount: Number(h.final.minCount),
      documents: h.documents,
      bytes: h.bytes,
      id: `crc32:${r.checksum.toString(16).padStart(8, '0')}`,
      rawSizes,
      prunedSizes: [1, ...values.slice(1).map((x) => x.length)],
      words,
      values,
    };
  } finally {
    r.close();
  }
}

/** The model as the JS kernel's tables. */
function jsModel(m: LoadedNgramModel): NgramModel {
  const tables = [new KeyTable(1, 1)];
  for (let L = 1; L <= m.order; L++) {
    const w = keyWidth(L);
    const v = m.values[L]!;
    let bits = 4;
    while (1 << bits < 2 * v.length) bits++;
    const t = new KeyTable(w, bits);
    for (let i = 0; i < v.length; i++) t.add(m.words[L]!, i * w, v[i]!);
    tables.push(t);
  }
  return { order: m.order, tables, rawSizes: m.rawSizes, prunedSizes: m.prunedSizes };
}

/** The model as the WebAssembly kernel's tables (u64 keys). */
function wasmTables(m: LoadedNgramModel): { keys: BigUint64Array; values: Float64Array }[] {
  const tables = [{ keys: new BigUint64Array(0), values: new Float64Array(0) }];
  for (let L = 1; L <= m.order; L++) {
    const words = m.words[L]!;
    const n = m.values[L]!.length;
    let pairs = words;
    if (keyWidth(L) === 1) {
      pairs = new Uint32Array(2 * n);
      for (let i = 0; i < n; i++) pairs[2 * i] = words[i]!;
    }
    tables.push({ keys: new BigUint64Array(pairs.buffer as ArrayBuffer, pairs.byteOffset, n), values: m.values[L]! as Float64Array<ArrayBuffer> });
  }
  return tables;
}

/** The parameters piece counts depend on (files merge only if these are equal). */
function pieceParams(m: LoadedNgramModel, ensureUnicode: boolean): StageHeader['params'] {
  return {
    order: m.order,
    isolateDigits: m.isolateDigits,
    ensureUnicode,
    minCount: m.minCount,
    model: m.id,
    modelDocuments: m.documents,
    modelBytes: m.bytes,
    ngramsRaw: m.rawSizes.join(','),
    ngramsPruned: m.prunedSizes.join(','),
  };
}

/** Installs a loaded n-gram model on a kernel. */
async function setModel(kernel: CountingKernel, model: LoadedNgramModel): Promise<void> {
  if (kernel instanceof JsTrainKernel) kernel.setModel(jsModel(model));
  else await kernel.setPruned(wasmTables(model));
}

/** The second pass over a shard: the pieces of the n-gram Viterbi of the model `kernel` holds. */
async function piecePass(
  corpus: TrainCorpus,
  kernel: CountingKernel,
  o: { isolateDigits: boolean; onProgress?: (p: TrainProgress) => void },
  modelBytes: number,
): Promise<PieceTotals & { documents: number; bytes: number; chunks: number }> {
  let chunks = 0;
  const read = await forEachBatch(corpus, o.isolateDigits, async (batch, done) => {
    chunks += batch.count;
    await kernel.countPieces(batch);
    o.onProgress?.({ stage: 'count-pieces', done, total: modelBytes });
  });
  const { pieces, total } = await kernel.pieces();
  return { pieces, total, chunks, ...read };
}

/**
 * Stage 3: segments a shard with the n-gram Viterbi of the model in `modelPath` (a final n-gram
 * count file) and writes the pieces' counts to `output`. The order and isolateDigits are the model's.
 */
export async function countPieces(
  corpus: TrainCorpus,
  modelPath: string,
  o: Omit<StageOptions, 'order' | 'isolateDigits' | 'memoryBudget'>,
  output: string,
): Promise<StageHeader> {
  const model = loadNgramModel(modelPath);
  const kernel = await countingKernel({ ...o, order: model.order, isolateDigits: model.isolateDigits, memoryBudget: 0 });
  try {
    await setModel(kernel, model);
    const { pieces: records, documents, bytes, chunks } = await piecePass(corpus, kernel, { ...o, isolateDigits: model.isolateDigits }, model.bytes);
    await kernel.close?.();
    const header: StageHeader = {
      kind: 'pieces',
      params: pieceParams(model, o.ensureUnicode),
      sections: [0],
      documents,
      bytes,
      chunks,
    };
    // Keys are Latin-1 strings of the bytes: string order is byte order.
    const pieces = recordsToCounts(records);
    const keys = [...pieces.keys()].sort();
    await writeStage(output, header, (w) => {
      w.beginSection();
      let buf = new Uint8Array(64);
      for (const k of keys) {
        if (buf.length < k.length) buf = new Uint8Array(k.length * 2);
        for (let i = 0; i < k.length; i++) buf[i] = k.charCodeAt(i);
        w.add(buf, k.length, pieces.get(k)!);
      }
    });
    return header;
  } finally {
    await kernel.close?.();
  }
}

/** What the finish stage reads from a (merged) piece count file. */
export interface LoadedPieces {
  pieces: PieceCounts;
  total: number;
  minCount: number;
  header: StageHeader;
}

/** Reads a piece count file whose shards cover the n-gram model's corpus (else names what is missing). */
export function loadPieces(path: string): LoadedPieces {
  const r = new StageReader(path);
  try {
    const h = r.header;
    if (h.kind !== 'pieces') throw new Error(`${path}: holds ${h.kind} counts, not piece counts`);
    if (h.bytes !== h.params.modelBytes || h.documents !== h.params.modelDocuments) {
      throw new Error(
        `${path}: pieces were counted on ${h.documents} documents (${h.bytes} bytes) but the n-gram model on ${String(h.params.modelDocuments)} (${String(h.params.modelBytes)} bytes): count pieces on every shard the n-grams were counted on (the same texts) and merge them all`,
      );
    }
    const pieces: PieceCounts = new Map();
    let total = 0;
    r.nextSection();
    while (r.next()) {
      pieces.set(bytesToKey(r.key.subarray(0, r.keyLength)), r.count);
      total += r.count;
    }
    while (r.nextSection());
    return { pieces, total, minCount: Number(h.params.minCount), header: h };
  } finally {
    r.close();
  }
}

/** A fresh folder for intermediate files (removed by the caller). */
export function workFolder(parent: string): string {
  return mkdtempSync(join(parent, 'bytepiece-train-'));
}
