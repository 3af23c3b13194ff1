// encodeWithOffsets: ids plus each token's span in the caller's text (not its NFC form).
import { toWellFormed } from '../text/normalize.js';
import { changedSegments, tokenSpans } from '../text/offsets.js';
import { utf8Length } from '../text/nfc-boundary.js';

/** What {@link Tokenizer.encodeWithOffsets} returns. */
export interface EncodingWithOffsets {
  /** The ids, as {@link Tokenizer.encode} returns them. */
  ids: Uint32Array;
  /**
   * Token k came from `text.slice(starts[k], ends[k])` (UTF-16 units of the caller's text; UTF-8
   * bytes of it with `byteOffsets`). `<bos>` is the empty span at 0, `<eos>` at the end.
   */
  starts: Uint32Array;
  ends: Uint32Array;
}

/**
 * Spans for `ids` (framed by `bos`/`eos` slots) of `text`, whose NFC (lone surrogates replaced) is
 * `normalized`; `lengths[id]` is a piece's byte length, `steps` the model's pieceSteps in the unit asked for.
 */
export function withOffsets(
  text: string,
  normalized: string,
  ids: Uint32Array,
  bos: number,
  eos: number,
  lengths: Int32Array,
  byteOffsets: boolean,
  steps?: Int32Array,
): EncodingWithOffsets {
  // normalizeText has thrown already for a lone surrogate unless they are to be replaced: the
  // replaced text has the same units, so its offsets are the caller's.
  const original = normalized === text ? text : toWellFormed(text);
  const count = ids.length - bos - eos;
  const spans = tokenSpans(original, changedSegments(original, normalized), ids, bos, count, lengths, byteOffsets, steps);
  if (!bos && !eos) return { ids, starts: spans.starts, ends: spans.ends };
  const starts = new Uint32Array(ids.length);
  const ends = new Uint32Array(ids.length);
  starts.set(spans.starts, bos);
  ends.set(spans.ends, bos);
  if (eos) starts[ids.length - 1] = ends[ids.length - 1] = byteOffsets ? utf8Length(original) : original.length;
  return { ids, starts, ends };
}
