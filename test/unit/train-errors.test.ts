// Bad input to the trainer: each case fails before any work, with a message naming what and where.
import { describe, expect, it } from 'vitest';
import { Trainer, train, convertToBytePiece } from '../../src/node.js';

describe('trainer options', () => {
  const cases: [object, RegExp][] = [
    [{ order: 0 }, /options\.order must be at least 1, got 0/],
    [{ order: 2.5 }, /options\.order must be an integer, got 2\.5/],
    [{ minCount: 0 }, /options\.minCount must be at least 1, got 0/],
    [{ minCount: '2' }, /options\.minCount must be an integer, got "2"/],
    [{ maxPieceLength: 0 }, /options\.maxPieceLength must be at least 1, got 0/],
    [{ maxVocabSize: 258 }, /options\.maxVocabSize must be at least 259 \(256 single bytes \+ 3 special ids\), got 258/],
    [{ maxVocabSize: [8000, 100] }, /options\.maxVocabSize\[1\] must be at least 259 .*got 100/],
    [{ maxVocabSize: [8000.5] }, /options\.maxVocabSize\[0\] must be an integer, got 8000\.5/],
    [{ maxVocabSize: [] }, /options\.maxVocabSize is an empty list/],
    [{ maxVocabSize: [300, 300] }, /options\.maxVocabSize lists 300 twice/],
    [{ isolateDigits: 1 }, /options\.isolateDigits must be true or false, got 1/],
    [{ ensureUnicode: 'no' }, /options\.ensureUnicode must be true or false, got "no"/],
    [{ engine: 'gpu' }, /options\.engine must be 'wasm' or 'js', got "gpu"/],
    [{ onProgress: 3 }, /options\.onProgress must be a function, got 3/],
  ];
  for (const [options, message] of cases) {
    it(`rejects ${JSON.stringify(options)}`, () => {
      expect(() => new Trainer(options as never)).toThrow(message);
    });
  }
});

describe('trainer corpora', () => {
  it('rejects an empty corpus', async () => {
    await expect(train([], { engine: 'js' })).rejects.toThrow(/the corpus is empty: 0 document\(s\), no text to train on/);
    await expect(train(['', ''], { engine: 'js' })).rejects.toThrow(/the corpus is empty: 2 document\(s\)/);
  });
  it('names the document and UTF-16 offset of a lone surrogate', async () => {
    await expect(train(['fine', 'ab\uD800c'], { engine: 'js' })).rejects.toThrow(/corpus document 1: lone surrogate U\+D800 at UTF-16 offset 2/);
  });
  it('names a document that is not a string', async () => {
    await expect(train(['ok', 42 as unknown as string], { engine: 'js' })).rejects.toThrow(/corpus document 1: expected a string, got number/);
  });
  it('rejects a corpus that is neither a list nor a function giving an iterable', async () => {
    await expect(train((() => 5) as never, { engine: 'js' })).rejects.toThrow(
      /the corpus must be a list of strings or a function returning an \(async\) iterable/,
    );
  });
  it('notices a corpus that changes between its two readings', async () => {
    let calls = 0;
    const corpus = () => (calls++ === 0 ? ['abc abc'] : ['abc']);
    await expect(train(corpus, { engine: 'js' })).rejects.toThrow(/the corpus changed between its two readings/);
  });
  it('reads a function returning an async iterable, twice', async () => {
    let calls = 0;
    async function* docs() {
      calls++;
      yield 'hello world\n';
      yield 'hello there\n';
    }
    const [model] = await train(docs, { engine: 'js', maxVocabSize: 300 });
    expect(calls).toBe(2);
    expect(model!.tokenizer.decode(model!.tokenizer.encode('hello'))).toBe('hello');
  });
});

describe('convertToBytePiece', () => {
  it('builds a model from a {piece: count} table, adding every byte and pruning pieces never produced', async () => {
    const model = await convertToBytePiece({ ab: 10, abc: 3, 中: 4 }, { engine: 'js' });
    const pieces = new Map(model.pieces().map(({ piece, count }) => [new TextDecoder().decode(piece), count]));
    expect(model.vocabSize).toBe(3 + 256 + 3);
    expect(pieces.get('ab')).toBe(10);
    expect(pieces.get('中')).toBe(4);
    expect(model.tokenizer.tokenize('abc').map((p) => new TextDecoder().decode(p))).toEqual(['abc']);
  });
  it('rejects bad counts and pieces, naming them', async () => {
    await expect(convertToBytePiece({ ab: 0 })).rejects.toThrow(/piece "ab": count must be a positive integer, got 0/);
    await expect(convertToBytePiece({ '': 3 })).rejects.toThrow(/the empty piece/);
    await expect(
      convertToBytePiece(
        new Map<string | Uint8Array, number>([
          ['ab', 2],
          [new Uint8Array([97, 98]), 3],
        ]),
      ),
    ).rejects.toThrow(/piece bytes \[97, 98\] is given twice/);
  });
});
