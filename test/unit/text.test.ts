// SPEC §2 (NFC, lone surrogates) and §5 (ids, decoding) on a hand-made model.
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { tinyModel } from '../helpers/tiny-model.js';

const model = tinyModel([
  ['é', 10],
  ['\uFFFD', 10],
  ['\uFEFF', 10],
  ['ab', 10],
  [Uint8Array.of(0xe4, 0xb8), 10],
]);

describe.each(['wasm', 'js'] as const)('text handling [%s]', (engine) => {
  const tok = Tokenizer.loadSync(model, { engine });
  const enc = new TextEncoder();

  it('applies NFC before segmenting', () => {
    expect(Array.from(tok.encode('e\u0301'))).toEqual(Array.from(tok.encode('\u00e9')));
    expect(tok.decode(tok.encode('e\u0301'))).toBe('\u00e9');
  });

  it('throws on a lone surrogate, naming its UTF-16 offset', () => {
    expect(() => tok.encode('ab\uD800c')).toThrow(/lone surrogate U\+D800 at UTF-16 offset 2/);
    expect(() => tok.encode('😀\uDC00')).toThrow(/U\+DC00 at UTF-16 offset 2/);
    expect(() => tok.tokenize('x\uDBFF')).toThrow(RangeError);
    expect(Array.from(tok.encode('😀'))).toHaveLength(4); // a valid pair is fine
  });

  it('replaces lone surrogates with U+FFFD when asked', () => {
    const lenient = Tokenizer.loadSync(model, { engine, loneSurrogates: 'replace' });
    expect(lenient.decode(lenient.encode('a\uD800b'))).toBe('a\uFFFDb');
  });

  it('decode drops invalid UTF-8 but keeps a genuine U+FFFD and a leading BOM', () => {
    const idOf = (bytes: number[]) => tok.pieceToId(Uint8Array.from(bytes));
    const a = tok.pieceToId('a');
    // 0xE4 0xB8 is the start of a 3-byte character: alone it is invalid and dropped, no U+FFFD
    expect(tok.decode([a, idOf([0xe4, 0xb8]), a])).toBe('aa');
    expect(tok.decode([idOf([0xe4, 0xb8]), idOf([0xad])])).toBe('中');
    expect(tok.decode([idOf([0xff]), a, idOf([0x80]), idOf([0xc0]), idOf([0xaf])])).toBe('a');
    // surrogate code points encoded in UTF-8 (ED A0 80) and overlongs are invalid too
    expect(tok.decode([idOf([0xed]), idOf([0xa0]), idOf([0x80]), a])).toBe('a');
    expect(tok.decode([idOf([0xe0]), idOf([0x80]), idOf([0xaf]), a])).toBe('a');
    expect(tok.decode([idOf([0xf4]), idOf([0x90]), idOf([0x80]), idOf([0x80]), a])).toBe('a');
    expect(tok.decode(tok.encode('x\uFFFDy'))).toBe('x\uFFFDy');
    expect(tok.decode(tok.encode('\uFEFFab'))).toBe('\uFEFFab');
    expect(tok.decode([idOf([0xff]), ...tok.encode('\uFEFFa')])).toBe('\uFEFFa');
  });

  it('decode skips the special ids and adds bos/eos on request', () => {
    const ids = tok.encode('ab', { addBos: true, addEos: true });
    expect(ids[0]).toBe(1);
    expect(ids[ids.length - 1]).toBe(2);
    expect(ids.length).toBe(3);
    expect(tok.decode([0, ...ids, 0])).toBe('ab');
    expect(Array.from(tok.encodeBytes(enc.encode('ab'), { addEos: true }))).toEqual([tok.pieceToId('ab'), 2]);
  });

  it('decode rejects unknown and non-integer ids with a RangeError naming them', () => {
    expect(() => tok.decode([3, tok.vocabSize])).toThrow(new RegExp(`unknown id ${tok.vocabSize} at index 1`));
    expect(() => tok.decode([1.5])).toThrow(/unknown id 1.5 at index 0/);
    expect(() => tok.decode([-1])).toThrow(RangeError);
    expect(() => tok.decode([NaN])).toThrow(/unknown id NaN/);
  });

  it('maps pieces and ids both ways', () => {
    expect(tok.pieceToId('<pad>')).toBe(0);
    expect(tok.pieceToId('<bos>')).toBe(1);
    expect(tok.pieceToId('<eos>')).toBe(2);
    expect(tok.idToPiece(2)).toBe('<eos>');
    const id = tok.pieceToId('ab');
    expect(tok.idToPiece(id)).toEqual(enc.encode('ab'));
    expect(tok.pieceToId(enc.encode('ab'))).toBe(id);
    expect(tok.piecesToIds(['<bos>', 'é', 'ab'])).toEqual([1, tok.pieceToId('é'), id]);
    expect(tok.idsToPieces([1, id])).toEqual(['<bos>', enc.encode('ab')]);
    expect(() => tok.pieceToId('abc')).toThrow(/not a piece of this model: "abc"/);
    expect(() => tok.pieceToId(new Uint8Array(0))).toThrow(RangeError);
    expect(() => tok.idToPiece(tok.vocabSize)).toThrow(RangeError);
    expect(tok.vocabSize).toBe(256 + 5 + 3);
    expect(tok.engine).toBe(engine);
    // the pieces returned are copies: mutating one does not corrupt the model
    const piece = tok.tokenize('ab')[0]!;
    piece[0] = 0x7a;
    expect(tok.tokenize('ab')[0]).toEqual(enc.encode('ab'));
  });
});
