import { base64DecodedMax, decodeBase64Into } from './base64.js';
import { describeValue as brief, ModelError } from './errors.js';

/**
 * A model's pieces in id order, as flat arrays. Ids 0, 1, 2 (`<pad>`, `<bos>`, `<eos>`) have no bytes.
 * Piece `id` is `bytes.subarray(offsets[id], offsets[id + 1])` and was seen `counts[id]` times.
 */
export interface Vocabulary {
  /** Number of ids: pieces + 3. */
  readonly vocabSize: number;
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  readonly counts: Float64Array;
}

/** A model as it is stored in a `.model` file: base64 key → `[id, text, count]`. */
export type ModelJson = Record<string, [number, string, number]>;

export const SPECIAL_TOKENS = ['<pad>', '<bos>', '<eos>'] as const;

/**
 * Validates a parsed `.model` object and lays its pieces out by id. Every rule of SPEC §1 is
 * checked; the error names the offending key or id. `source` (a file name) prefixes messages.
 */
export function vocabularyFromJson(model: unknown, source?: string): Vocabulary {
  if (model === null || typeof model !== 'object' || Array.isArray(model)) {
    throw new ModelError('a model must be a JSON object mapping base64 pieces to [id, text, count]', source);
  }
  const keys = Object.keys(model);
  const n = keys.length;
  if (n === 0) throw new ModelError('the model has no pieces', source);
  const vocabSize = n + 3;
  const keyOfId: string[] = new Array(vocabSize);
  const counts = new Float64Array(vocabSize);
  for (const key of keys) {
    const v = (model as Record<string, unknown>)[key];
    const where = `piece ${brief(key)}`;
    if (!Array.isArray(v) || v.length !== 3) {
      throw new ModelError(`${where}: value must be [id, text, count], got ${brief(v)}`, source);
    }
    const [id, text, count] = v as unknown[];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 3) {
      throw new ModelError(`${where}: id must be an integer >= 3, got ${brief(id)}`, source);
    }
    if (id >= vocabSize) {
      throw new ModelError(`${where}: id ${id} is out of range: a model with ${n} pieces uses ids 3..${n + 2}`, source);
    }
    if (typeof text !== 'string') throw new ModelError(`${where}: text must be a string, got ${brief(text)}`, source);
    if (typeof count !== 'number' || !Number.isInteger(count) || count <= 0 || count > Number.MAX_SAFE_INTEGER) {
      throw new ModelError(`${where}: count must be a positive integer (at most 2^53-1), got ${brief(count)}`, source);
    }
    const other = keyOfId[id];
    if (other !== undefined) {
      throw new ModelError(`duplicate id ${id}: pieces ${brief(other)} and ${brief(key)}`, source);
    }
    keyOfId[id] = key;
    counts[id] = count;
  }
  let total = 0;
  for (let id = 3; id < vocabSize; id++) total += base64DecodedMax(keyOfId[id]!.length);
  const bytes = new Uint8Array(total);
  const offsets = new Uint32Array(vocabSize + 1);
  let at = 0;
  offsets[0] = offsets[1] = offsets[2] = offsets[3] = 0;
  for (let id = 3; id < vocabSize; id++) {
    at += decodeBase64Into(keyOfId[id]!, bytes, at, source);
    offsets[id + 1] = at;
  }
  return { vocabSize, bytes: bytes.subarray(0, at), offsets, counts };
}

/**
 * Checks that every single byte is a piece: that is what makes every byte string segmentable
 * (the reference drops bytes or loops forever otherwise). `singleByteIds[b]` is the id of byte b.
 */
export function checkSingleBytes(singleByteIds: Int32Array, source?: string): void {
  const missing: string[] = [];
  for (let b = 0; b < 256; b++) if (singleByteIds[b]! < 0) missing.push(`0x${b.toString(16).padStart(2, '0')}`);
  if (missing.length > 0) {
    const list = missing.length > 8 ? `${missing.slice(0, 8).join(', ')}, … (${missing.length} in all)` : missing.join(', ');
    throw new ModelError(`the model lacks single-byte pieces ${list}: every byte 0x00-0xff must be a piece`, source);
  }
}
