// Streaming decode: for any split of any ids (pieces holding parts of characters, invalid bytes
// that decode drops, a BOM, a genuine U+FFFD), the text emitted after each push equals
// decode(ids pushed so far), hence the whole equals decode(all), and nothing is emitted early.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecodeStream, Tokenizer } from '../../src/node.js';
import { HAS_SHARED, corpusTexts, modelPath } from '../helpers/shared.js';
import { tinyModel } from '../helpers/tiny-model.js';

const enc = new TextEncoder();
// Pieces that end or start inside characters, invalid sequences, a BOM, U+FFFD, 4-byte characters.
const PIECES: Array<[string | Uint8Array, number]> = [
  ['hello', 9],
  ['世界', 9],
  ['😀', 9],
  ['\uFEFF', 9],
  ['\uFFFD', 9],
  [Uint8Array.of(0xe4, 0xb8), 5],
  [Uint8Array.of(0x96, 0xe7), 5],
  [Uint8Array.of(0x95, 0x8c, 0x20), 5],
  [Uint8Array.of(0xf0, 0x9f), 5],
  [Uint8Array.of(0x98, 0x80), 5],
  [Uint8Array.of(0xed, 0xa0, 0x80), 5],
  [Uint8Array.of(0xe0, 0x80), 5],
  [Uint8Array.of(0xf4, 0x90), 5],
  [Uint8Array.of(0xc0, 0xaf), 5],
  [Uint8Array.of(0xef, 0xbb), 5],
  [Uint8Array.of(0xbf, 0x41), 5],
];

/** Splits `ids` at the given fractions into consecutive (possibly empty) parts. */
function split(ids: number[], fractions: number[]): number[][] {
  const points = fractions.map((f) => Math.floor(f * ids.length)).sort((a, b) => a - b);
  const parts: number[][] = [];
  let at = 0;
  for (const p of [...points, ids.length]) {
    parts.push(ids.slice(at, p));
    at = p;
  }
  return parts;
}

/** Pushes the parts one by one, checking after each that the output so far is decode(prefix). */
function checkStreaming(tok: Tokenizer, parts: number[][]): string {
  const d = tok.decoder();
  let out = '';
  const seen: number[] = [];
  for (const part of parts) {
    out += d.push(part.length === 1 && part[0]! % 2 === 0 ? part[0]! : Uint32Array.from(part));
    seen.push(...part);
    expect(out).toBe(tok.decode(seen));
  }
  out += d.flush();
  expect(out).toBe(tok.decode(seen));
  return out;
}

async function viaStream(tok: Tokenizer, parts: (number[] | Uint32Array)[]): Promise<string[]> {
  const source = new ReadableStream<number[] | Uint32Array>({
    start(c) {
      for (const p of parts) c.enqueue(p);
      c.close();
    },
  });
  const out: string[] = [];
  const reader = source.pipeThrough(new DecodeStream(tok)).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
  return out;
}

for (const engine of ['wasm', 'js'] as const) {
  describe(`streaming decode (${engine})`, () => {
    const tok = Tokenizer.loadSync(tinyModel(PIECES), { engine });
    const ids = fc.array(fc.integer({ min: 0, max: tok.vocabSize - 1 }), { maxLength: 40 });
    const fractions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

    it('equals decode(ids so far) after every push, for random ids and splits', () => {
      fc.assert(
        fc.property(ids, fractions, (all, f) => {
          expect(checkStreaming(tok, split(all, f))).toBe(tok.decode(all));
        }),
        { numRuns: 500 },
      );
    });

    it('one id at a time through text that splits characters across pieces', () => {
      const all = [
        ...tok.encodeBytes(enc.encode('\uFEFF世界 😀 hello \uFFFD 世界')),
        tok.pieceToId(Uint8Array.of(0xe4, 0xb8)),
        tok.pieceToId(Uint8Array.of(0x96, 0xe7)),
        tok.pieceToId(Uint8Array.of(0x95, 0x8c, 0x20)),
      ];
      expect(
        checkStreaming(
          tok,
          all.map((id) => [id]),
        ),
      ).toBe('\uFEFF世界 😀 hello \uFFFD 世界世界 ');
    });

    it('holds a character still arriving, then emits it whole (no U+FFFD)', () => {
      const d = tok.decoder();
      expect(d.push(tok.pieceToId(Uint8Array.of(0xf0, 0x9f)))).toBe('');
      expect(d.push(tok.pieceToId(Uint8Array.of(0x98, 0x80)))).toBe('😀');
      expect(d.push([tok.pieceToId(Uint8Array.of(0xe4)), tok.pieceToId(Uint8Array.of(0xb8))])).toBe('');
      expect(d.push(tok.pieceToId(Uint8Array.of(0x41)))).toBe('A'); // E4 B8 dropped, as decode drops it
      expect(d.push(tok.pieceToId(Uint8Array.of(0xe4)))).toBe('');
      expect(d.flush()).toBe('');
      expect(d.push(tok.pieceToId('hello'))).toBe('hello'); // flush forgot the E4
    });

    it("an unknown id throws decode's RangeError and consumes nothing", () => {
      const d = tok.decoder();
      expect(d.push(tok.pieceToId(Uint8Array.of(0xe4, 0xb8)))).toBe('');
      const bad = [tok.pieceToId(Uint8Array.of(0x96)), tok.vocabSize];
      let expected = '';
      try {
        tok.decode(bad);
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected).toMatch(/unknown id/);
      expect(() => d.push(bad)).toThrow(new RangeError(expected));
      expect(() => d.push(-1)).toThrow(RangeError);
      expect(() => d.push([1.5])).toThrow(RangeError);
      expect(d.push(tok.pieceToId(Uint8Array.of(0x96)))).toBe('世');
    });

    it('DecodeStream emits decode(all) for number[] and Uint32Array chunks, and errors on a bad id', async () => {
      const all = Array.from(tok.encodeBytes(enc.encode('世界 😀 hello')));
      const parts = split(all, [0.1, 0.3, 0.35, 0.7]).map((p, i) => (i % 2 ? Uint32Array.from(p) : p));
      const out = await viaStream(tok, parts);
      expect(out.join('')).toBe(tok.decode(all));
      expect(out.every((s) => s.length > 0 && !s.includes('\uFFFD'))).toBe(true);
      await expect(viaStream(tok, [all, [tok.vocabSize + 5]])).rejects.toThrow(/unknown id/);
    });
  });
}

describe.skipIf(!HAS_SHARED)('streaming decode on the shared models and corpora', () => {
  // plus.80k is not `eu`: its pieces end inside characters, so the decoder must hold bytes.
  let tok: Tokenizer;
  beforeAll(async () => {
    tok = await Tokenizer.load(modelPath('bytepiece.plus.80k'));
  });

  it('random ids of the whole vocabulary, random splits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: tok.vocabSize - 1 }), { maxLength: 60 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }),
        (all, f) => {
          expect(checkStreaming(tok, split(all, f))).toBe(tok.decode(all));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every corpus document, one id at a time, decodes to its NFC', () => {
    for (const corpus of ['zh-fortunes', 'en-fortunes', 'code']) {
      for (const text of corpusTexts(corpus).slice(0, 300)) {
        const d = tok.decoder();
        let out = '';
        for (const id of tok.encode(text)) out += d.push(id);
        out += d.flush();
        expect(out).toBe(text.normalize('NFC'));
      }
    }
  });
});
