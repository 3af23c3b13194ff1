// The trainer's kernel (a WebAssembly module of its own, build/bytepiece-train.wasm, so that
// tokenizer-only users do not load it): n-gram counting, the pruned n-gram tables and the n-gram
// Viterbi with piece counting, over linear memory. The host is src/train/kernel-wasm.ts; the
// JS twin is src/train/kernel-js.ts. Orders up to 8 (an n-gram key is one u64).

export { alloc, release } from './alloc';
export { initNgrams, countNgrams, ngramsCounted, unigramCount, keptNgrams, countsAtLeast, tailCounts, addCounts, freeCounts, setProbs } from './ngrams';
export { initPieces, mergePieces, pieceCount, records, arena } from './pieces';
export { setEnsureUnicode, countPieces } from './viterbi';
export { sortCounts } from './sort';
