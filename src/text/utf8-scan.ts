// Byte-level UTF-8 scanning used where input arrives as bytes (streams, the CLI): locating the first
// invalid byte for error messages, and finding where a chunk stops being complete.

/**
 * Length of the well-formed sequence starting at bytes[i] (1-4), 0 if the bytes there are not a
 * well-formed sequence, or -1 if they are a valid but incomplete prefix cut by `end`.
 */
function sequenceAt(bytes: Uint8Array, i: number, end: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  let len: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) len = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    if (b0 === 0xe0) lo = 0xa0; // no overlongs
    if (b0 === 0xed) hi = 0x9f; // no surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    if (b0 === 0xf0) lo = 0x90; // no overlongs
    if (b0 === 0xf4) hi = 0x8f; // nothing above U+10FFFF
  } else return 0;
  for (let k = 1; k < len; k++) {
    if (i + k >= end) return -1;
    const b = bytes[i + k]!;
    if (b < lo || b > hi) return 0;
    lo = 0x80;
    hi = 0xbf;
  }
  return len;
}

/** Offset of the first byte of bytes[start..end) that is not part of well-formed UTF-8, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array, start = 0, end = bytes.length): number {
  for (let i = start; i < end;) {
    if (bytes[i]! < 0x80) {
      i++;
      continue;
    }
    const len = sequenceAt(bytes, i, end);
    if (len <= 0) return i;
    i += len;
  }
  return -1;
}

/**
 * Number of bytes at the end of `bytes` that start a UTF-8 sequence the next chunk may complete
 * (0-3). Everything before them can be decoded on its own exactly as it would be as part of the
 * whole: no sequence crosses the cut, since the cut is at a lead byte.
 */
export function incompleteTail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = bytes[n - k]!;
    if (b < 0x80) return 0; // ASCII: complete
    if (b >= 0xc0) return sequenceAt(bytes, n - k, n) === -1 ? k : 0; // a lead byte
  }
  return 0;
}
