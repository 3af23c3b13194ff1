/**
 * The trainer's parameters (SPEC §6) with the reference's defaults, checked before any work: a bad
 * value is a TypeError/RangeError naming the option and the value given.
 */

/** Progress of a training run: which stage, and how far (`done` of `total` when known). */
export interface TrainProgress {
  /**
   * `'count-ngrams'` (first pass over the corpus, `done` = bytes), `'prune-ngrams'`,
   * `'count-pieces'` (second pass, `done` = bytes of `total`), `'prune-pieces'` (`done` = rounds),
   * `'done'`.
   */
  stage: 'count-ngrams' | 'prune-ngrams' | 'count-pieces' | 'prune-pieces' | 'done';
  done: number;
  total?: number;
}

/** Options of {@link Trainer} and {@link train}. Defaults are the reference's. */
export interface TrainOptions {
  /** Order of the byte n-gram model (default 6): pieces are found by an n-gram Viterbi over this many states. */
  order?: number;
  /**
   * Vocabulary size(s) to produce, counting the 3 special ids (default 10000, as the reference).
   * A list gives one model per size, trained largest first, each starting from the previous one.
   */
  maxVocabSize?: number | readonly number[];
  /** Longest piece in bytes (default 36); single bytes are always pieces. */
  maxPieceLength?: number;
  /** Least count for an n-gram (order ≥ 2) and for a multi-byte piece to be kept (default 2). */
  minCount?: number;
  /** Every Unicode decimal digit (category Nd) is a training chunk of its own (default false). */
  isolateDigits?: boolean;
  /** Pieces never start inside a UTF-8 character, so every piece is valid UTF-8 (default true). */
  ensureUnicode?: boolean;
  /** `'wasm'` (default) runs the hot loops in WebAssembly; `'js'` in plain JavaScript (same output). */
  engine?: 'wasm' | 'js';
  /**
   * Threads counting shares of the corpus (Node entry only; default: one per core there, 1
   * elsewhere). The output is the same for any number.
   */
  workers?: number;
  /** Called as the stages advance (a few times per second at most in the counting passes). */
  onProgress?: (progress: TrainProgress) => void;
  /**
   * Node entry: peak bytes the n-gram counting may use (the whole process, all threads); past it
   * the counts are written to disk as sorted runs and merged later (default 1 GiB, at least 1 MiB).
   * The model does not depend on it; peak memory does (docs/design.md).
   */
  memoryBudget?: number;
  /** Node entry: where the staged trainer's intermediate files go (default: the OS temporary folder). */
  workDir?: string;
}

/** Options after validation, defaults filled in; sizes sorted largest first. */
export interface CheckedOptions {
  order: number;
  sizes: number[];
  maxPieceLength: number;
  minCount: number;
  isolateDigits: boolean;
  ensureUnicode: boolean;
  engine: 'wasm' | 'js';
  workers: number;
  onProgress?: (progress: TrainProgress) => void;
  memoryBudget: number;
  workDir?: string;
}

/** The smallest vocabulary: 256 single bytes and 3 special ids. */
export const MIN_VOCAB_SIZE = 259;

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

function integer(name: string, v: unknown, fallback: number, least: number, why: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`options.${name} must be an integer, got ${describe(v)}`);
  if (v < least) throw new RangeError(`options.${name} must be at least ${least}${why}, got ${v}`);
  if (v > Number.MAX_SAFE_INTEGER) throw new RangeError(`options.${name} is too large: ${v}`);
  return v;
}

function flag(name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`options.${name} must be true or false, got ${describe(v)}`);
  return v;
}

/** Validates options (all of them, before any work) and fills in the reference's defaults. */
export function checkOptions(options: TrainOptions = {}, defaultWorkers = 1): CheckedOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
  const order = integer('order', options.order, 6, 1, '');
  const maxPieceLength = integer('maxPieceLength', options.maxPieceLength, 36, 1, '');
  const minCount = integer('minCount', options.minCount, 2, 1, '');
  const workers = integer('workers', options.workers, defaultWorkers, 1, '');
  const isolateDigits = flag('isolateDigits', options.isolateDigits, false);
  const ensureUnicode = flag('ensureUnicode', options.ensureUnicode, true);
  const engine = options.engine ?? 'wasm';
  if (engine !== 'wasm' && engine !== 'js') throw new TypeError(`options.engine must be 'wasm' or 'js', got ${describe(engine)}`);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new TypeError(`options.onProgress must be a function, got ${describe(options.onProgress)}`);
  }
  const raw = options.maxVocabSize ?? 10000;
  const list: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new RangeError('options.maxVocabSize is an empty list: give at least one size');
  const sizes: number[] = [];
  list.forEach((size, i) => {
    const name = Array.isArray(raw) ? `maxVocabSize[${i}]` : 'maxVocabSize';
    const s = integer(name, size, 0, MIN_VOCAB_SIZE, ' (256 single bytes + 3 special ids)');
    if (sizes.includes(s)) throw new RangeError(`options.maxVocabSize lists ${s} twice`);
    sizes.push(s);
  });
  sizes.sort((a, b) => b - a);
  const memoryBudget = integer('memoryBudget', options.memoryBudget, 1 << 30, 1 << 20, ' (1 MiB)');
  if (options.workDir !== undefined && (typeof options.workDir !== 'string' || options.workDir === ''))
    throw new TypeError(`options.workDir must be a folder path, got ${describe(options.workDir)}`);
  return {
    order,
    sizes,
    maxPieceLength,
    minCount,
    isolateDigits,
    ensureUnicode,
    engine,
    workers,
    onProgress: options.onProgress,
    memoryBudget,
    workDir: options.workDir,
  };
}
