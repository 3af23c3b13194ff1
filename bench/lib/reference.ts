// Figures quoted, not re-measured: the reference implementation and peers measured on this kind of
// machine (../shared/bench/README.md, 2 vCPU Xeon, Node 20, 2026-11-28), and the targets of
// issue 6. RESULTS.md labels every figure from here as "reference, from ../shared/bench/README.md".

export const REFERENCE_SOURCE = '../shared/bench/README.md';

/** The models the speed targets name: API variants and sampling are timed on these. */
export const TARGET_MODELS = ['bytepiece.plus.80k', 'bytepiece.eu.plus.160k'];
/** Our model set against BPE peers (different vocabularies; for scale only). */
export const BPE_PAIR_MODEL = 'bytepiece.plus.80k';

/** MB/s on zh-fortunes / en-fortunes / code; null where the reference has no figure. */
export type Triple = [number | null, number | null, number | null];
export const REF_CORPORA = ['zh-fortunes', 'en-fortunes', 'code'];

export interface ReferenceRow {
  name: string;
  /** BytePiece model whose vocabulary it ran (or a BPE vocabulary name). */
  vocab: string;
  /** Our model to compare with (same vocabulary, or BPE_PAIR_MODEL for BPE tokenizers). */
  ours: string;
  mbps: Triple;
  note?: string;
}

export const REFERENCE: ReferenceRow[] = [
  { name: 'reference BytePiece (Python 0.6.3 + Cython)', vocab: 'bytepiece.plus.80k', ours: 'bytepiece.plus.80k', mbps: [3.15, 1.54, 2.23] },
  { name: 'reference BytePiece (Python 0.6.3 + Cython)', vocab: 'bytepiece.eu.plus.160k', ours: 'bytepiece.eu.plus.160k', mbps: [3.02, 1.36, 2.02] },
  { name: 'reference BytePiece (Python 0.6.3 + Cython)', vocab: 'bytepiece.zh.id.eu.80k', ours: 'bytepiece.zh.id.eu.80k', mbps: [3.12, 2.64, 3.06] },
  { name: 'SentencePiece native spm_encode (C++, per line)', vocab: 'sp:bytepiece.zh.id.eu.80k', ours: 'bytepiece.zh.id.eu.80k', mbps: [5.6, 6.2, 4.8] },
  { name: 'SentencePiece native spm_encode (C++, per line)', vocab: 'sp:bytepiece.eu.plus.160k', ours: 'bytepiece.eu.plus.160k', mbps: [7.2, 4.2, 5.1] },
  { name: '@sctg/sentencepiece-js (C++ → WASM)', vocab: 'sp:bytepiece.zh.id.eu.80k', ours: 'bytepiece.zh.id.eu.80k', mbps: [3.7, 4.3, 4.4] },
  { name: '@sctg/sentencepiece-js (C++ → WASM)', vocab: 'sp:bytepiece.eu.plus.160k', ours: 'bytepiece.eu.plus.160k', mbps: [5.4, 3.4, 4.4] },
  { name: 'kitoken (Rust → WASM; not exact)', vocab: 'sp:bytepiece.zh.id.eu.80k', ours: 'bytepiece.zh.id.eu.80k', mbps: [6.9, 5.2, 4.6] },
  { name: 'kitoken (Rust → WASM; not exact)', vocab: 'sp:bytepiece.eu.plus.160k', ours: 'bytepiece.eu.plus.160k', mbps: [4.5, 4.7, 3.6] },
  { name: 'tokenizers (HF, native addon), per document', vocab: 'sp:bytepiece.zh.id.eu.80k', ours: 'bytepiece.zh.id.eu.80k', mbps: [2.2, 1.7, 2.4] },
  { name: 'tokenizers (HF, native addon), per document', vocab: 'sp:bytepiece.eu.plus.160k', ours: 'bytepiece.eu.plus.160k', mbps: [2.2, 1.0, 1.2] },
  {
    name: '@huggingface/tokenizers (pure JS; no byte fallback)',
    vocab: 'sp:bytepiece.zh.id.eu.80k',
    ours: 'bytepiece.zh.id.eu.80k',
    mbps: [1.4, 0.7, null],
    note: 'crashed on code',
  },
  { name: '@huggingface/tokenizers (pure JS; no byte fallback)', vocab: 'sp:bytepiece.eu.plus.160k', ours: 'bytepiece.eu.plus.160k', mbps: [1.0, 0.3, 0.2] },
  { name: '@dqbd/tiktoken encode_ordinary (Rust → WASM)', vocab: 'cl100k_base', ours: BPE_PAIR_MODEL, mbps: [4.2, 4.6, 4.0] },
  { name: '@dqbd/tiktoken encode_ordinary (Rust → WASM)', vocab: 'o200k_base', ours: BPE_PAIR_MODEL, mbps: [4.1, 4.4, 4.3] },
  { name: 'gpt-tokenizer (pure JS), first pass', vocab: 'cl100k_base', ours: BPE_PAIR_MODEL, mbps: [2.1, 6.9, 11.7] },
  { name: 'gpt-tokenizer (pure JS), first pass', vocab: 'o200k_base', ours: BPE_PAIR_MODEL, mbps: [1.5, 6.0, 11.8] },
  { name: 'js-tiktoken (pure JS)', vocab: 'cl100k_base', ours: BPE_PAIR_MODEL, mbps: [0.2, 2.0, 2.2] },
  { name: 'js-tiktoken (pure JS)', vocab: 'o200k_base', ours: BPE_PAIR_MODEL, mbps: [0.2, 2.2, 2.4] },
];

/** "Where the hardware stops": a plain double-array walk, ±20% (the host clock drifted). */
export const CEILING: ReferenceRow[] = [
  { name: 'plain DA walk, native C gcc -O3', vocab: 'bytepiece.plus.80k', ours: 'bytepiece.plus.80k', mbps: [82, 23, 36] },
  { name: 'plain DA walk, native C gcc -O3', vocab: 'bytepiece.eu.plus.160k', ours: 'bytepiece.eu.plus.160k', mbps: [77, 20, 31] },
  { name: 'plain DA walk, AssemblyScript → WASM', vocab: 'bytepiece.plus.80k', ours: 'bytepiece.plus.80k', mbps: [53, 19, 31] },
  { name: 'plain DA walk, AssemblyScript → WASM', vocab: 'bytepiece.eu.plus.160k', ours: 'bytepiece.eu.plus.160k', mbps: [52, 16, 27] },
  { name: 'plain DA walk, optimized pure JS', vocab: 'bytepiece.plus.80k', ours: 'bytepiece.plus.80k', mbps: [35, 14, 21] },
  { name: 'plain DA walk, optimized pure JS', vocab: 'bytepiece.eu.plus.160k', ours: 'bytepiece.eu.plus.160k', mbps: [28, 11, 17] },
];

/** Reference load figures: seconds to load and peak RSS (MiB) of the reference BytePiece. */
export const REFERENCE_LOAD: { model: string; loadS: number; peakRssMiB: number }[] = [
  { model: 'bytepiece.plus.80k', loadS: 0.28, peakRssMiB: 86 },
  { model: 'bytepiece.eu.plus.160k', loadS: 0.56, peakRssMiB: 141 },
  { model: 'bytepiece.zh.id.eu.80k', loadS: 0.28, peakRssMiB: 89 },
];

/** Issue 6 speed targets: WASM encode MB/s on zh / en / code. */
export const SPEED_TARGETS: { model: string; mbps: [number, number, number] }[] = [
  { model: 'bytepiece.plus.80k', mbps: [60, 20, 32] },
  { model: 'bytepiece.eu.plus.160k', mbps: [55, 18, 30] },
];
