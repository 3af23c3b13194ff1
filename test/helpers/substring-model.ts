// A hand-made model that needs nothing from ../shared: the 256 single bytes plus every substring of
// 2 to `maxLen` bytes of the given texts, with varied counts (a fixed hash, so the model is the same
// on every run), ids assigned like the trainer's (by length, then bytes).
import type { ModelJson } from '../../src/model/vocabulary.js';

export function substringModel(texts: readonly string[], maxLen = 4): ModelJson {
  const enc = new TextEncoder();
  const pieces = new Map<string, Uint8Array>();
  for (let b = 0; b < 256; b++) pieces.set(String(b), Uint8Array.of(b));
  for (const t of texts) {
    const bytes = enc.encode(t);
    for (let i = 0; i < bytes.length; i++) {
      for (let j = i + 2; j <= Math.min(bytes.length, i + maxLen); j++) pieces.set(Array.from(bytes.subarray(i, j)).join(','), bytes.slice(i, j));
    }
  }
  const sorted = [...pieces.values()].sort((a, b) => a.length - b.length || compareBytes(a, b));
  const dec = new TextDecoder();
  const model: ModelJson = {};
  sorted.forEach((bytes, k) => {
    model[Buffer.from(bytes).toString('base64')] = [k + 3, dec.decode(bytes), count(bytes)];
  });
  return model;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

// 1..~5000, larger for printable ASCII single bytes (as real counts would be), by an FNV-1a hash.
function count(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  const base = 1 + (h % 500);
  return bytes.length === 1 && bytes[0]! >= 32 && bytes[0]! < 127 ? base * 10 : base;
}
