import type { WindowPass } from './line-windows.js';

// engine/: the Engine interface and its two implementations (WASM kernel, pure JS), samplers, PRNG.
/**
 * What the Tokenizer needs from an engine. Both engines run the same algorithm over the same
 * compiled model and must return identical ids for every input.
 */
export interface Engine {
  readonly name: 'wasm' | 'js';
  /**
   * Segments the UTF-8 of `text` (already normalized and well formed). With `split`, each
   * `\n`-terminated chunk (SPEC §2) is segmented on its own; otherwise the bytes are one chunk.
   * `reserveFront`/`reserveBack` leave that many zeroed slots around the ids (for bos/eos).
   * `alpha` ≥ 0 draws a random segmentation instead (SPEC §4) with the engine's generator;
   * absent or negative: the deterministic one.
   */
  encodeText(text: string, split: boolean, reserveFront: number, reserveBack: number, alpha?: number): Uint32Array;
  /** As `encodeText`, over raw bytes. */
  encodeBytes(bytes: Uint8Array, split: boolean, reserveFront: number, reserveBack: number, alpha?: number): Uint32Array;
  /** Restarts the sampling generator from four words, not all zero (src/prng.ts). */
  setRandomState(state: Uint32Array): void;
  /** The number of ids `encodeText(text, split, 0, 0)` returns, without materializing them. */
  countText(text: string, split: boolean): number;
  /**
   * As `encodeText(text, split, 0, 0, alpha)`, writing the ids to `out` from index `at`. If they do
   * not fit in `out.length - at` slots, writes nothing and returns minus their number (a sample
   * is drawn all the same).
   */
  encodeTextInto(text: string, split: boolean, out: Uint32Array, at: number, alpha?: number): number;
  /** The ids of the last `encodeTextInto` (one that did not fit too), to `out` from index `at`. */
  copyLastInto(out: Uint32Array, at: number): void;
  /**
   * Only where two short texts segment faster in one call (the WASM kernel's two streams): each
   * text as `encodeTextInto(text, true, …)` would, a's ids to `out` from `atA`, b's right after
   * them plus `gap` slots. The caller guarantees room (at most 3 ids per UTF-16 unit). Returns the
   * number of a's ids; `pairCount` then holds b's.
   */
  encodeTwoInto?(a: string, b: string, out: Uint32Array, atA: number, gap: number): number;
  /** The second text's number of ids in the last `encodeTwoInto`. */
  readonly pairCount?: number;
  /** A forward pass over one window of a long chunk from a given best score (see LineWindows). */
  windowPass(): WindowPass;
}
