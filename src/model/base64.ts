import { describeValue, ModelError } from './errors.js';

// Strict base64 (RFC 4648, standard alphabet, padding optional only when the length needs none).
// Model keys are written by Python's b64encode, so anything else is corruption and must be reported,
// not skipped the way Python's lenient b64decode would.
const DECODE = new Int16Array(256).fill(-1);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Decodes a base64 key into `out` at `at`; returns the number of bytes written. */
export function decodeBase64Into(key: string, out: Uint8Array, at: number, source?: string): number {
  let n = key.length;
  const bad = (why: string) => new ModelError(`bad base64 key ${describeValue(key)}: ${why}`, source);
  if (n % 4 !== 0) throw bad('length is not a multiple of 4');
  if (n === 0) throw bad('empty piece');
  let pad = 0;
  if (key.charCodeAt(n - 1) === 61) pad = key.charCodeAt(n - 2) === 61 ? 2 : 1;
  n -= pad;
  let w = at;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    const v = c < 256 ? DECODE[c]! : -1;
    if (v < 0) throw bad(`invalid character at offset ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[w++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw bad('non-zero padding bits');
  return w - at;
}

/** Upper bound of decoded size of a base64 string of this length. */
export const base64DecodedMax = (length: number): number => (length >> 2) * 3;
