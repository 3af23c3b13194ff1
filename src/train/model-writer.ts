/**
 * SPEC §6.7 / §1: a trained piece set → ids by (byte length, bytes) from 3, and the reference's
 * `.model` file byte for byte (`json.dump(..., indent=4, ensure_ascii=False)`: 4-space indents,
 * non-ASCII unescaped, keys in id order). JSON.stringify escapes strings as Python's json does
 * with ensure_ascii off, so each key and text goes through it; the object is laid out here, in
 * id order (a JS object would move integer-like keys first).
 */
import { decodeUtf8Ignore } from '../text/utf8.js';
import type { Vocabulary } from '../model/vocabulary.js';
import { byLengthThenBytes, keyToBytes, type PieceCounts } from './piece-set.js';

/** The vocabulary of `keys` (already in id order) with their counts. */
export function vocabularyOf(keys: readonly string[], counts: PieceCounts): Vocabulary {
  const vocabSize = keys.length + 3;
  let total = 0;
  for (const k of keys) total += k.length;
  const bytes = new Uint8Array(total);
  const offsets = new Uint32Array(vocabSize + 1);
  const c = new Float64Array(vocabSize);
  let at = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    for (let j = 0; j < k.length; j++) bytes[at + j] = k.charCodeAt(j);
    at += k.length;
    offsets[i + 4] = at;
    c[i + 3] = counts.get(k)!;
  }
  return { vocabSize, bytes, offsets, counts: c };
}

/** Pieces in id order. */
export const idOrder = (pieces: PieceCounts): string[] => [...pieces.keys()].sort(byLengthThenBytes);

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s);
}

/** The `.model` file's text, exactly as the reference writes it. */
export function modelText(keys: readonly string[], counts: PieceCounts): string {
  const parts: string[] = ['{'];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const bytes = keyToBytes(k);
    const sep = i + 1 < keys.length ? ',' : '';
    parts.push(
      `\n    ${JSON.stringify(base64(bytes))}: [\n        ${i + 3},\n        ${JSON.stringify(decodeUtf8Ignore(bytes))},\n        ${counts.get(k)!}\n    ]${sep}`,
    );
  }
  parts.push('\n}');
  return parts.join('');
}
