// SPEC §3 on hand-made models: the tie-break rule, chunking, and an independent oracle.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Tokenizer } from '../../src/node.js';
import { oracleSegment, tinyModel } from '../helpers/tiny-model.js';

const ENGINES = ['wasm', 'js'] as const;
const enc = new TextEncoder();
const dec = new TextDecoder();
const piecesAsText = (tok: Tokenizer, text: string) => tok.tokenize(text).map((p) => dec.decode(p));

describe.each(ENGINES)('segmentation [%s]', (engine) => {
  it('breaks exact ties in favour of the earliest start (strict >)', () => {
    // "aaa" = [a][aa] or [aa][a]: the same two scores summed in either order, an exact tie.
    // Candidates for end 3 arrive as s=1 ("aa") then s=2 ("a"); strict > keeps s=1.
    const model = tinyModel([['aa', 1000]], 100);
    const tok = Tokenizer.loadSync(model, { engine });
    expect(piecesAsText(tok, 'aaa')).toEqual(['a', 'aa']);
    // and longer runs: the tie rule picks the same shape at every step
    for (const n of [5, 7, 9]) {
      const text = 'a'.repeat(n);
      expect(Array.from(tok.encode(text))).toEqual(oracleSegment(model, enc.encode(text)));
      expect(piecesAsText(tok, text)[0]).toBe('a');
    }
  });

  it('prefers the higher total score, not the longest piece', () => {
    const model = tinyModel(
      [
        ['ab', 5],
        ['bc', 5000],
        ['abc', 2],
      ],
      10,
    );
    const tok = Tokenizer.loadSync(model, { engine });
    expect(piecesAsText(tok, 'abc')).toEqual(['a', 'bc']);
  });

  it('matches the literal SPEC formulation on random models and texts (property)', () => {
    const alphabet = ['a', 'b', 'c', 'é', '\n', ' '];
    const pieceArb = fc.array(fc.constantFrom(...alphabet), { minLength: 2, maxLength: 5 }).map((a) => a.join(''));
    // Few distinct counts on purpose: equal counts make exact ties frequent.
    const modelArb = fc.array(fc.tuple(pieceArb, fc.constantFrom(1, 2, 3, 7, 1000)), { maxLength: 25 });
    const textArb = fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((a) => a.join(''));
    fc.assert(
      fc.property(modelArb, fc.constantFrom(1, 2, 5), textArb, (pieces, byteCount, text) => {
        const model = tinyModel(pieces, byteCount);
        const tok = Tokenizer.loadSync(model, { engine });
        const bytes = enc.encode(text);
        expect(Array.from(tok.encodeBytes(bytes))).toEqual(oracleSegment(model, bytes));
        // encode() = the same per \n-chunk
        const chunks = text.match(/[^\n]*\n+|[^\n]+/g) ?? [];
        const expected = chunks.flatMap((c) => oracleSegment(model, enc.encode(c)));
        expect(Array.from(tok.encode(text))).toEqual(expected);
      }),
      { numRuns: 300, seed: 20261128 },
    );
  });

  it('matches the oracle on longer texts, where the kernel segments two halves side by side (property)', () => {
    // Texts of 20-600 bytes with chunk starts anywhere (or none): the WASM kernel cuts at the chunk
    // start nearest the middle and runs both halves at once when each has at least 16 bytes.
    const alphabet = ['a', 'b', 'ab', 'ba', '\n', '\n\n', ' ', 'é'];
    const modelArb = fc.array(
      fc.tuple(
        fc.array(fc.constantFrom('a', 'b', '\n', ' '), { minLength: 2, maxLength: 4 }).map((a) => a.join('')),
        fc.constantFrom(1, 2, 3, 1000),
      ),
      { maxLength: 15 },
    );
    const textArb = fc.array(fc.constantFrom(...alphabet), { minLength: 20, maxLength: 300 }).map((a) => a.join(''));
    fc.assert(
      fc.property(modelArb, textArb, (pieces, text) => {
        const model = tinyModel(pieces, 2);
        const tok = Tokenizer.loadSync(model, { engine });
        const chunks = text.match(/[^\n]*\n+|[^\n]+/g) ?? [];
        const expected = chunks.flatMap((c) => oracleSegment(model, enc.encode(c)));
        expect(Array.from(tok.encode(text))).toEqual(expected);
        expect(tok.countTokens(text)).toBe(expected.length);
      }),
      { numRuns: 150, seed: 20261129 },
    );
  });

  it('matches the oracle whichever side of the middle the nearest chunk start lies', () => {
    // 262 bytes, middle 131, chunk starts at 101 (30 before) and 162 (31 after): the kernel cuts
    // at 101; with one more `a` in front both move and the cut is after the middle instead.
    const model = tinyModel(
      [
        ['aa', 50],
        ['ab', 40],
        ['ba', 30],
        ['bb', 60],
        ['a\n', 5],
      ],
      10,
    );
    const tok = Tokenizer.loadSync(model, { engine });
    // And short texts: 16 bytes on each side of the cut is enough for two streams; 15 is not.
    for (const text of [
      'ab'.repeat(8) + '\n' + 'ba'.repeat(8),
      'ab'.repeat(8) + '\n' + 'bab'.repeat(5),
      'a'.repeat(14) + '\n' + 'b'.repeat(16),
      'a'.repeat(100) + '\n' + 'b'.repeat(60) + '\n' + 'ab'.repeat(50),
      'a'.repeat(101) + '\n' + 'b'.repeat(60) + '\n' + 'ab'.repeat(50),
      '\n'.repeat(3) + 'ba'.repeat(70) + '\n\n' + 'a'.repeat(130),
    ]) {
      const chunks = text.match(/[^\n]*\n+|[^\n]+/g) ?? [];
      expect(Array.from(tok.encode(text))).toEqual(chunks.flatMap((c) => oracleSegment(model, enc.encode(c))));
    }
  });
});

describe.each(ENGINES)('chunking and special text [%s]', (engine) => {
  // A model where "\n\n" and "x\r" and "\r\n" are pieces, so chunk boundaries show in the output.
  const model = tinyModel(
    [
      ['\n\n', 50],
      ['\r\n', 50],
      ['a\n', 50],
      ['\u2028a', 50],
      ['\u0085', 50],
      ['ab', 50],
    ],
    1,
  );
  const tok = Tokenizer.loadSync(model, { engine });

  it('splits only after runs of U+000A', () => {
    expect(piecesAsText(tok, 'a\nb')).toEqual(['a\n', 'b']);
    // \r is ordinary: "\r\n" is one piece, inside the chunk "x\r\n"
    expect(piecesAsText(tok, 'x\r\nab')).toEqual(['x', '\r\n', 'ab']);
    // U+2028, U+2029, U+0085 do not split: "\u2028a" is a piece spanning them
    expect(piecesAsText(tok, 'b\u2028ab').join('')).toBe('b\u2028ab');
    expect(piecesAsText(tok, 'b\u2028ab')).toContain('\u2028a');
    expect(piecesAsText(tok, 'a\u0085b')).toEqual(['a', '\u0085', 'b']);
  });

  it('keeps a \\n run whole with the text before it, and never crosses into the next chunk', () => {
    // chunks: "a\n\n\n\n\n", "ab": the run of five \n is segmented with the "a" before it
    const pieces = piecesAsText(tok, 'a\n\n\n\n\nab');
    expect(pieces.join('')).toBe('a\n\n\n\n\nab');
    expect(pieces.at(-1)).toBe('ab');
    // a leading \n run is a chunk of its own; no piece spans "\n" + "a" of the next chunk
    expect(piecesAsText(tok, '\n\nab')).toEqual(['\n\n', 'ab']);
    const long = '\n'.repeat(10_001);
    const ids = tok.encode(long);
    expect(ids.length).toBe(5001); // 5000 × "\n\n" + one "\n"
  });

  it('tokenizes empty and whitespace-only text', () => {
    expect(tok.encode('')).toEqual(new Uint32Array(0));
    expect(tok.tokenize('')).toEqual([]);
    expect(Array.from(tok.encode('', { addBos: true, addEos: true }))).toEqual([1, 2]);
    expect(piecesAsText(tok, ' ')).toEqual([' ']);
    expect(piecesAsText(tok, ' \t \n').join('')).toBe(' \t \n');
    expect(tok.decode(tok.encode('\r\n\r\n'))).toBe('\r\n\r\n');
  });

  it('segments bytes as one chunk with encodeBytes (no split, no NFC)', () => {
    expect(tok.tokenizeBytes(enc.encode('a\nb')).map((p) => dec.decode(p))).toEqual(['a\n', 'b']);
    expect(tok.tokenizeBytes(enc.encode('\n\nab')).map((p) => dec.decode(p))).toEqual(['\n\n', 'ab']);
    // e + combining acute stays decomposed (NFC would make it U+00E9)
    expect(Array.from(tok.encodeBytes(enc.encode('e\u0301'))).length).toBe(3);
    expect(Array.from(tok.encode('e\u0301')).length).toBe(2);
    expect(Array.from(tok.encodeBytes(new Uint8Array(0)))).toEqual([]);
    // any bytes at all, including invalid UTF-8
    const raw = Uint8Array.of(0xff, 0x00, 0xc3, 0x0a, 0x80);
    expect(Buffer.concat(tok.tokenizeBytes(raw))).toEqual(Buffer.from(raw));
  });
});
