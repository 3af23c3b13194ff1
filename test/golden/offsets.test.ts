// encodeWithOffsets: spans into the caller's text (not its NFC form). Property-tested on random
// text with NFD, combining marks, singletons, ZWJ emoji, CRLF and replaced lone surrogates: the
// spans tile the text in order, each span's NFC UTF-8 contains its token's bytes, where NFC
// changes nothing a span is exactly its token's characters, and byte offsets match unit offsets.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { ASTRAL_NFC_STABLE_RANGES, isNfcBoundary } from '../../src/text/nfc-boundary.js';
import { pieceSteps, tokenSpans } from '../../src/text/offsets.js';
import { HAS_SHARED, corpusTexts, modelPath } from '../helpers/shared.js';
import { tinyModel } from '../helpers/tiny-model.js';
import { trickyText } from '../helpers/tricky-text.js';

const enc = new TextEncoder();
const wellFormed = (s: string) => (s as string & { toWellFormed(): string }).toWellFormed();

/** Checks every property of encodeWithOffsets on `text` (failures collected, asserted once: fast). */
export function checkOffsets(tok: Tokenizer, text: string, exactWhereUnchanged: boolean): void {
  const { ids, starts, ends } = tok.encodeWithOffsets(text);
  const bad: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok && bad.length < 5) bad.push(what);
  };
  check(Buffer.compare(Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength), Buffer.from(tok.encode(text).buffer)) === 0, 'ids differ from encode');
  check(starts.length === ids.length && ends.length === ids.length, 'lengths');
  const fixed = wellFormed(text);
  const utf8 = Buffer.from(enc.encode(fixed));
  const bytes = tok.encodeWithOffsets(text, { byteOffsets: true });
  check(ids.length === 0 ? text.length === 0 || tok.encode(text).length === 0 : ends[ids.length - 1] === text.length, 'the last span ends at the end');
  for (let k = 0; k < ids.length; k++) {
    const at = `token ${k}`;
    check(starts[k]! < ends[k]!, `${at}: empty span`);
    if (k === 0) check(starts[k] === 0, 'first span starts at 0');
    else {
      check(starts[k]! >= starts[k - 1]! && ends[k]! >= ends[k - 1]!, `${at}: not in order`);
      check(starts[k]! <= ends[k - 1]!, `${at}: a gap before it`); // no gap: merged, they tile the text
    }
    const piece = Buffer.from(tok.idToPiece(ids[k]!) as Uint8Array);
    const span = fixed.slice(starts[k], ends[k]);
    const spanBytes = Buffer.from(enc.encode(span.normalize('NFC')));
    check(spanBytes.includes(piece), `${at}: span ${JSON.stringify(span)} lacks the piece ${piece.toString('hex')}`);
    if (
      exactWhereUnchanged &&
      span === span.normalize('NFC') &&
      (k === 0 || starts[k]! >= ends[k - 1]!) &&
      (k + 1 === ids.length || ends[k]! <= starts[k + 1]!)
    ) {
      // a span shared with no other token, where NFC changes nothing: exactly the token's bytes
      check(spanBytes.equals(piece), `${at}: span ${JSON.stringify(span)} is not exactly the piece`);
    }
    check(utf8.subarray(bytes.starts[k], bytes.ends[k]).toString('utf8') === span, `${at}: byte offsets disagree with unit offsets`);
  }
  expect(bad, JSON.stringify(text)).toEqual([]);
}

describe('NFC boundaries', () => {
  it('every astral code point called stable is NFC-stable with combining class 0', () => {
    const followers = new Set<number>();
    for (let x = 0; x < 0x110000; x++) {
      if (x >= 0xd800 && x <= 0xdfff) continue;
      const d = Array.from(String.fromCodePoint(x).normalize('NFD'));
      for (let i = 1; i < d.length; i++) followers.add(d[i]!.codePointAt(0)!);
    }
    let bad = 0;
    for (const [from, to] of ASTRAL_NFC_STABLE_RANGES) {
      for (let cp = from; cp <= to; cp++) {
        const c = String.fromCodePoint(cp);
        const ok =
          c.normalize('NFC') === c &&
          !followers.has(cp) &&
          ('a\u0301' + c).normalize('NFD') === 'a\u0301' + c &&
          (c + '\u0334').normalize('NFD') === c + '\u0334';
        if (!ok) bad++;
        expect(isNfcBoundary('x' + c, 1)).toBe(true);
      }
    }
    expect(bad).toBe(0);
    expect(isNfcBoundary('e\u0301', 1)).toBe(false);
    expect(isNfcBoundary('a\uD83D\uDE00', 2)).toBe(false); // inside a pair
  });
});

for (const engine of ['wasm', 'js'] as const) {
  describe(`encodeWithOffsets (${engine}, hand-made model)`, () => {
    // Pieces across characters (a non-eu style piece), composed forms, a ZWJ sequence.
    const tok = Tokenizer.loadSync(
      tinyModel([
        ['hello', 9],
        ['é', 8],
        ['今天', 8],
        ['\u200D', 4],
        ['\r\n', 5],
        [Uint8Array.of(0xe5, 0xa4), 6],
        [Uint8Array.of(0xa9, 0xe6), 6],
        ['👨', 7],
      ]),
      { engine, loneSurrogates: 'replace' },
    );

    it('properties hold for random tricky text', () => {
      fc.assert(
        fc.property(trickyText, (text) => {
          checkOffsets(tok, text, true);
        }),
        { numRuns: 400 },
      );
    });

    it('spans of composed, decomposed and split characters', () => {
      const text = 'e\u0301 hello 今天天气';
      const { ids, starts, ends } = tok.encodeWithOffsets(text);
      const spans = Array.from(ids, (_, k) => text.slice(starts[k], ends[k]));
      expect(spans[0]).toBe('e\u0301'); // é (one piece) from two original units
      expect(spans).toContain('hello');
      expect(spans).toContain('今天');
      // 天 气: E5 A4 A9 E6 B0 94 → pieces [E5 A4] [A9 E6] [B0] [94]: each spans the characters it touches
      expect(spans.slice(-4)).toEqual(['天', '天气', '气', '气']);
    });

    it('<bos>/<eos> are empty spans at the ends; byte offsets count UTF-8', () => {
      const text = 'é\n😀';
      const r = tok.encodeWithOffsets(text, { addBos: true, addEos: true, byteOffsets: true });
      expect(r.ids[0]).toBe(1);
      expect(r.ids[r.ids.length - 1]).toBe(2);
      expect([r.starts[0], r.ends[0]]).toEqual([0, 0]);
      expect([r.starts[r.ids.length - 1], r.ends[r.ids.length - 1]]).toEqual([7, 7]);
      expect(tok.encodeWithOffsets('', { addEos: true }).starts).toEqual(Uint32Array.of(0));
    });

    it('a lone surrogate: an error naming its offset as encode, or U+FFFD spanning it', () => {
      const strict = Tokenizer.loadSync(tinyModel([]), { engine });
      expect(() => strict.encodeWithOffsets('ab\uD800c')).toThrow(/lone surrogate U\+D800 at UTF-16 offset 2/);
      const { ids, starts, ends } = tok.encodeWithOffsets('ab\uD800c');
      expect(Array.from(ids)).toEqual(Array.from(tok.encode('ab\uFFFDc')));
      expect(Array.from(starts)).toEqual([0, 1, 2, 2, 2, 3]);
      expect(Array.from(ends)).toEqual([1, 2, 3, 3, 3, 4]);
    });
  });
}

// Where NFC changes nothing, spans come from one table step per token (pieceSteps); the same
// spans come from walking the text's characters (tokenSpans without steps): both must agree.
describe('one step per token (pieceSteps) equals the walk over characters', () => {
  const tok = Tokenizer.loadSync(
    tinyModel([
      ['hello', 9],
      ['今天', 8],
      [Uint8Array.of(0xe5, 0xa4), 6],
      [Uint8Array.of(0xa9, 0xe6), 6],
      [Uint8Array.of(0x9f, 0x98, 0x80, 0x61), 6], // the end of 😀, then 'a'
      [Uint8Array.of(0xf0, 0x9f), 6],
      ['👨', 7],
    ]),
    { engine: 'js' },
  );
  const pieces = Array.from({ length: tok.vocabSize }, (_, id) => {
    const p = tok.idToPiece(id);
    return typeof p === 'string' ? new Uint8Array(0) : p;
  });
  const offsets = new Uint32Array(tok.vocabSize + 1);
  pieces.forEach((p, id) => (offsets[id + 1] = offsets[id]! + p.length));
  const bytes = new Uint8Array(offsets[tok.vocabSize]!);
  pieces.forEach((p, id) => bytes.set(p, offsets[id]));
  const lengths = Int32Array.from(pieces, (p) => p.length);
  const steps = [false, true].map((inBytes) => pieceSteps(bytes, offsets, tok.vocabSize, inBytes));

  it('random NFC text, in UTF-16 units and in bytes', () => {
    fc.assert(
      fc.property(trickyText, (raw) => {
        const text = wellFormed(raw).normalize('NFC') + 'a😀a天气';
        const ids = tok.encode(text);
        for (const inBytes of [false, true]) {
          const fast = tokenSpans(text, [], ids, 0, ids.length, lengths, inBytes, steps[inBytes ? 1 : 0]);
          const walk = tokenSpans(text, [], ids, 0, ids.length, lengths, inBytes);
          expect([Array.from(fast.starts), Array.from(fast.ends)]).toEqual([Array.from(walk.starts), Array.from(walk.ends)]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe.skipIf(!HAS_SHARED)('encodeWithOffsets on the shared models', () => {
  const models = ['bytepiece.plus.80k', 'bytepiece.eu.plus.160k'];
  const toks = new Map<string, Tokenizer>();
  beforeAll(async () => {
    for (const m of models) toks.set(m, await Tokenizer.load(modelPath(m), { loneSurrogates: 'replace' }));
  });

  for (const m of models) {
    it(`${m}: random tricky text`, () => {
      fc.assert(
        fc.property(trickyText, (text) => {
          checkOffsets(toks.get(m)!, text, true);
        }),
        { numRuns: 200 },
      );
    });

    it(`${m}: corpus documents, as given and in NFD`, () => {
      for (const corpus of ['en-fortunes', 'zh-fortunes', 'code']) {
        for (const text of corpusTexts(corpus).slice(0, 30)) {
          checkOffsets(toks.get(m)!, text, true);
          checkOffsets(toks.get(m)!, text.normalize('NFD'), false);
        }
      }
    });
  }
});
