import { checkSingleBytes, type Vocabulary } from './vocabulary.js';
import { buildDoubleArray, type DoubleArray } from './trie.js';
import { lnCorrectlyRounded } from './ln.js';
import { ModelError } from './errors.js';

/**
 * Everything the engines need, as flat typed arrays shared by the pure-JS and WASM engines.
 * Immutable once built; per-call scratch space lives in the engines.
 */
export interface CompiledModel {
  readonly vocab: Vocabulary;
  readonly trie: DoubleArray;
  /** Score per id: ln(count) − ln(Σ counts), each log correctly rounded (SPEC §3). */
  readonly scores: Float64Array;
  /** Byte length per id (0 for the special ids). */
  readonly lengths: Int32Array;
  readonly maxPieceLength: number;
  /** Present when the tables were decoded into a kernel instance (binary models). */
  readonly placed?: PlacedTables;
}

/**
 * A kernel instance whose memory already holds a model's tables where the WASM engine wants them
 * (the node table at NODES; the node ids and lengths by id further up): the engine takes it over
 * instead of copying them into an instance of its own. `take` hands it out once.
 */
export interface PlacedTables {
  take(
    module: WebAssembly.Module,
  ): { readonly instance: WebAssembly.Instance; readonly nodeIds: number; readonly lengths: number; readonly end: number } | undefined;
}

/**
 * What reading a model gives: a vocabulary to compile (a `.model` JSON), or a model compiled
 * already (a binary model carries its validated trie, scores and lengths).
 */
export type ParsedModel = Vocabulary | CompiledModel;

/** Whether a parsed model is compiled already. */
export function isCompiled(model: ParsedModel): model is CompiledModel {
  return 'trie' in model;
}

/** The vocabulary of a parsed model. */
export function vocabularyOf(model: ParsedModel): Vocabulary {
  return isCompiled(model) ? model.vocab : model;
}

/**
 * Builds the trie and scores for a validated vocabulary (a compiled model is taken as it is);
 * rejects models that are not total.
 */
export function compileModel(parsed: ParsedModel, source?: string): CompiledModel {
  const compiled = isCompiled(parsed) ? parsed : undefined;
  const vocab = vocabularyOf(parsed);
  const trie = compiled?.trie ?? buildDoubleArray(vocab, source);
  const singleByteIds = new Int32Array(256);
  const { words: w, nodeIds: ids } = trie; // once: a binary model's are getters
  for (let b = 0; b < 256; b++) {
    const child = trie.rootBase + b;
    singleByteIds[b] = w[4 * child + 1] === 0 ? ids[child]! : -1;
  }
  checkSingleBytes(singleByteIds, source);

  // As it is: a binary model's scores are getters (made on first use), its tables views re-made
  // when the kernel's memory grows.
  if (compiled) return compiled;
  const { vocabSize, offsets } = vocab; // not before: a binary model makes its offsets on first use
  const lengths = new Int32Array(vocabSize);
  let maxPieceLength = 0;
  for (let id = 3; id < vocabSize; id++) {
    const len = offsets[id + 1]! - offsets[id]!;
    lengths[id] = len;
    if (len > maxPieceLength) maxPieceLength = len;
  }
  const logTotal = lnCorrectlyRounded(exactTotal(vocab.counts));
  const scores = new Float64Array(vocabSize);
  scores[0] = scores[1] = scores[2] = -Infinity;
  // Small counts repeat a lot (about a third of the pieces of a 160k model share their count with
  // another), and the correctly rounded log costs ~100 ns: take each small one once.
  const small = new Float64Array(Math.min(SMALL_COUNTS, vocabSize * 2));
  for (let id = 3; id < vocabSize; id++) {
    const count = vocab.counts[id]!;
    let ln: number;
    if (count < small.length) {
      ln = small[count]!;
      if (ln === 0 && count !== 1) ln = small[count] = lnCorrectlyRounded(count);
    } else {
      ln = lnCorrectlyRounded(count);
    }
    const score = ln - logTotal;
    // The kernel compares sums of scores by their bits, which orders negative doubles only. Every
    // count is below the total by at least 255 (the other single bytes), so this cannot fail.
    if (!(score < 0)) throw new ModelError(`piece ${id}: score ${score} is not negative`, source);
    scores[id] = score;
  }
  const { f64, nodeIds, size } = trie;
  for (let i = 0; i < size; i++) {
    const id = nodeIds[i]!;
    if (id >= 0) f64[2 * i + 1] = scores[id]!;
  }
  return { vocab, trie, scores, lengths, maxPieceLength };
}

const SMALL_COUNTS = 1 << 16;

// The reference sums Python integers exactly and rounds once when taking the log; a float64 running
// sum is exact only while it stays below 2^53, so fall back to BigInt past that.
function exactTotal(counts: Float64Array): number {
  let total = 0;
  for (let id = 3; id < counts.length; id++) total += counts[id]!;
  if (total <= Number.MAX_SAFE_INTEGER) return total;
  let big = 0n;
  for (let id = 3; id < counts.length; id++) big += BigInt(counts[id]!);
  return Number(big);
}
