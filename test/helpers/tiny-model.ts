// Hand-made models for unit tests: every single byte (so the model is total) plus chosen pieces.
import type { ModelJson } from '../../src/index.js';

const enc = new TextEncoder();

/**
 * A model with all 256 single bytes (count `byteCount`) and `pieces` (string or bytes → count),
 * ids assigned as the trainer does: by (byte length, bytes).
 */
export function tinyModel(pieces: Array<[string | Uint8Array, number]>, byteCount = 1): ModelJson {
  const all = new Map<string, [Uint8Array, number]>();
  for (let b = 0; b < 256; b++) all.set(String(b), [Uint8Array.of(b), byteCount]);
  for (const [p, c] of pieces) {
    const bytes = typeof p === 'string' ? enc.encode(p) : p;
    all.set(Array.from(bytes).join(','), [bytes, c]);
  }
  const sorted = [...all.values()].sort(([a], [b]) => a.length - b.length || Buffer.compare(a, b));
  const model: ModelJson = {};
  sorted.forEach(([bytes, count], i) => {
    model[Buffer.from(bytes).toString('base64')] = [i + 3, Buffer.from(bytes).toString('utf8'), count];
  });
  return model;
}

/**
 * An independent oracle: SPEC §3's first formulation, literally (for each end e, pieces ending at e
 * by decreasing length, strict >), over a Map of pieces. Slow and obvious on purpose.
 */
export function oracleSegment(model: ModelJson, bytes: Uint8Array): number[] {
  const pieces = new Map<string, [number, number]>();
  let total = 0;
  let maxLen = 0;
  for (const [key, [id, , count]] of Object.entries(model)) {
    const b = Buffer.from(key, 'base64');
    pieces.set(b.toString('latin1'), [id, count]);
    total += count;
    maxLen = Math.max(maxLen, b.length);
  }
  return oracleWithScores(pieces, total, maxLen, bytes);
}

function oracleWithScores(pieces: Map<string, [number, number]>, total: number, maxLen: number, bytes: Uint8Array): number[] {
  // Scores must be computed with the same correctly rounded log: import lazily to keep this file light.
  const n = bytes.length;
  const best = new Float64Array(n + 1).fill(-Infinity);
  const back: number[] = new Array(n + 1).fill(-1);
  const ids: number[] = new Array(n + 1).fill(-1);
  best[0] = 0;
  const text = Buffer.from(bytes).toString('latin1');
  const logTotal = lnCR(total);
  for (let e = 1; e <= n; e++) {
    for (let s = Math.max(0, e - maxLen); s < e; s++) {
      const p = pieces.get(text.slice(s, e));
      if (!p) continue;
      const score = best[s]! + (lnCR(p[1]) - logTotal);
      if (score > best[e]!) {
        best[e] = score;
        back[e] = s;
        ids[e] = p[0];
      }
    }
  }
  const out: number[] = [];
  for (let e = n; e > 0; e = back[e]!) out.push(ids[e]!);
  return out.reverse();
}

import { lnCorrectlyRounded as lnCR } from '../../src/model/ln.js';
