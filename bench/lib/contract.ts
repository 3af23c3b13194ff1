// The JSON a bench section (or a probe) prints as the LAST line of its stdout. Everything else it
// writes (progress, library chatter) goes to stderr or earlier stdout lines and is only echoed.
// See the contract comment at the top of bench/run.ts.

/** One table cell: numbers are printed as given (format them first), null prints as "—". */
export type Cell = string | number | null;

/** A table rendered verbatim into RESULTS.md. */
export interface Table {
  title?: string;
  columns: string[];
  rows: Cell[][];
  /** One letter per column, 'l' or 'r' (default: first column left, the rest right). */
  align?: string;
}

/**
 * One corpus throughput figure: a full pass over every document of a corpus, JS string in → ids
 * out, warm, single thread, median of `seconds.length` timed passes.
 */
export interface ThroughputRecord {
  /** Who tokenized: 'bytepiece WASM', 'bytepiece JS', '@dqbd/tiktoken', ... */
  subject: string;
  /** Which call: 'encode', 'encode α=0.1', 'countTokens', 'encode_ordinary', ... */
  api: string;
  /** Vocabulary: a BytePiece model name, 'cl100k_base', 'sp:bytepiece.zh.id.eu.80k', ... */
  model: string;
  /** For exact peers on a converted vocabulary: the BytePiece model it was converted from. */
  vocabOf?: string;
  /** Corpus name (file name without .jsonl). */
  corpus: string;
  docs: number;
  /** UTF-8 bytes of the input strings (MB = 10^6 of these). */
  bytes: number;
  /** Ids produced in one pass. */
  tokens: number;
  /** Wall time of each timed pass. */
  seconds: number[];
  /** bytes / median(seconds) / 1e6. */
  mbps: number;
  /** tokens / median(seconds). */
  tokensPerSecond: number;
  /** Output checked: e.g. 'golden 5263/5263', '= WASM', 'not checked'. */
  check?: string;
  /**
   * Set on our engine's figures taken side by side with a peer (same process, interleaved passes):
   * the peer's `subject|api|model`. Such records feed that peer's ratio only, not the headline.
   */
  pairedWith?: string;
}

/** One short-input micro-benchmark (benchmark.js), documents of about `bytes` bytes. */
export interface ShortRecord {
  subject: string;
  model: string;
  corpus: string;
  /** Target size of the documents (50, 100, 200), or 0 for the 1-character overhead probe. */
  size: number;
  /** Mean UTF-8 bytes of the documents actually used. */
  bytes: number;
  usPerCall: number;
  mbps: number;
  /** benchmark.js relative margin of error, percent. */
  rme: number;
}

/** One load measurement: medians over `runs` fresh processes. */
export interface LoadRecord {
  subject: string;
  model: string;
  /** 'zip', 'binary', 'sp .model', ... */
  format: string;
  engine?: string;
  runs: number;
  fileBytes?: number;
  /** Import of the package / peer module, ms. */
  importMs: number;
  /** From file path to ready to encode, ms. */
  loadMs: number;
  firstEncodeMs: number;
  /** Process peak resident set after loading (maxRSS), MiB. */
  peakRssMiB: number;
  /** Process peak before importing anything but the probe itself, MiB. */
  baselineRssMiB: number;
  /** Resident set after a full GC, MiB. */
  rssAfterGcMiB: number;
}

/** Something that could not be measured, and why. */
export interface Failure {
  subject: string;
  reason: string;
}

/** What a section prints (as one JSON line, last on stdout). */
export interface SectionResult {
  /** Heading of the section in RESULTS.md. */
  title: string;
  /** Markdown paragraph under the heading. */
  intro?: string;
  tables?: Table[];
  /** Markdown bullet lines after the tables. */
  notes?: string[];
  /** Machine-readable figures run.ts uses for the summary, ratios and targets. */
  throughput?: ThroughputRecord[];
  short?: ShortRecord[];
  loads?: LoadRecord[];
  /** Free-form figures of plugged-in sections, kept in bench/out/results.json. */
  data?: unknown;
  failures?: Failure[];
}

/** The key a side-by-side record of ours names its peer by (ThroughputRecord.pairedWith). */
export const pairKey = (r: { subject: string; api: string; model: string }): string => `${r.subject}|${r.api}|${r.model}`;

/** Prints the result as the last stdout line (the contract). */
export function emit(result: unknown): void {
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

/** Progress for humans: stderr, so stdout stays parseable. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
