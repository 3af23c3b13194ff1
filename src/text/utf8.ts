// UTF-8 decoding with Python's errors='ignore' semantics (SPEC §5): invalid sequences are dropped,
// a genuine U+FFFD survives, a leading BOM is kept as U+FEFF.

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8, dropping every byte that is not part of a well-formed sequence. */
export function decodeUtf8Ignore(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes); // well-formed: the common case, done natively
  } catch {
    return strict.decode(dropInvalid(bytes));
  }
}

// Keeps exactly the well-formed sequences. Dropping one lead byte at a time is equivalent to
// dropping maximal ill-formed subparts: continuation bytes never start a valid sequence.
function dropInvalid(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  const n = bytes.length;
  let w = 0;
  for (let i = 0; i < n;) {
    const b0 = bytes[i]!;
    let len = 0;
    if (b0 < 0x80) len = 1;
    else if (b0 >= 0xc2 && b0 <= 0xdf) len = cont(bytes, i + 1, 0x80, 0xbf) ? 2 : 0;
    else if (b0 >= 0xe0 && b0 <= 0xef) {
      // E0 needs A0..BF (no overlongs); ED needs 80..9F (no surrogates).
      const lo = b0 === 0xe0 ? 0xa0 : 0x80;
      const hi = b0 === 0xed ? 0x9f : 0xbf;
      len = cont(bytes, i + 1, lo, hi) && cont(bytes, i + 2, 0x80, 0xbf) ? 3 : 0;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      // F0 needs 90..BF (no overlongs); F4 needs 80..8F (nothing above U+10FFFF).
      const lo = b0 === 0xf0 ? 0x90 : 0x80;
      const hi = b0 === 0xf4 ? 0x8f : 0xbf;
      len = cont(bytes, i + 1, lo, hi) && cont(bytes, i + 2, 0x80, 0xbf) && cont(bytes, i + 3, 0x80, 0xbf) ? 4 : 0;
    }
    if (len === 0) {
      i++;
      continue;
    }
    for (let k = 0; k < len; k++) out[w++] = bytes[i + k]!;
    i += len;
  }
  return out.subarray(0, w);
}

function cont(bytes: Uint8Array, i: number, lo: number, hi: number): boolean {
  const b = bytes[i];
  return b !== undefined && b >= lo && b <= hi;
}
