// One very long line (no `\n` anywhere) made at run time, for the stress tests and the CLI
// long-line bench: English words, Chinese, digits, emoji and decomposed accents (`e` + U+0301,
// which NFC composes, so NFC has to work across every cut), in 64 different 1 MiB-ish pieces
// given in a pseudo-random order, so the text does not repeat with a short period.

const WORDS = [
  'the',
  'quick',
  'brown',
  'fox',
  'hello',
  'world',
  '今天天气不错',
  '世界',
  'cafe\u0301',
  'e\u0301te\u0301',
  '😀',
  '2026',
  'function(x)',
  '{',
  '}',
  ';',
  '한국어',
];

/** xorshift32: a deterministic stream of uint32s. */
function generator(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/**
 * The line's UTF-8 in pieces of about 1 MiB, exactly `bytes` in all (the last piece cut at a
 * character boundary and made up with spaces). The pieces are shared buffers: do not modify them.
 */
export function* longLine(bytes: number, seed = 14): Generator<Buffer> {
  const next = generator(seed);
  const pieces: Buffer[] = [];
  for (let p = 0; p < 64; p++) {
    const words: string[] = [];
    let length = 0;
    while (length < 1 << 20) {
      const w = WORDS[next() % WORDS.length]!;
      words.push(w);
      length += Buffer.byteLength(w) + 1;
    }
    pieces.push(Buffer.from(words.join(' ') + ' '));
  }
  for (let left = bytes; left > 0;) {
    const piece = pieces[next() % pieces.length]!;
    if (left >= piece.length) {
      yield piece;
      left -= piece.length;
      continue;
    }
    // The last piece ends on a character boundary, the rest made up with spaces: valid UTF-8.
    let n = left;
    while (n > 0 && (piece[n]! & 0xc0) === 0x80) n--;
    yield Buffer.concat([piece.subarray(0, n), Buffer.alloc(left - n, 0x20)]);
    left = 0;
  }
}
