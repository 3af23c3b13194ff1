// Tokenizer.encodeBatch without ../shared: in the WASM engine short texts go two per kernel call
// (side by side as two streams), so every pairing of edge cases must give each text exactly the
// ids encode gives it alone, in both engines and with <bos>/<eos>; errors name the right index.
import { describe, expect, it } from 'vitest';
import { Tokenizer, type ModelJson } from '../../src/node.js';
import { smallModel } from '../helpers/small-model.js';

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

/** smallModel plus pieces with newlines, so a text's ends matter. */
function model(): ModelJson {
  const m = smallModel();
  let id = Math.max(...Object.values(m).map((v) => v[0])) + 1;
  for (const piece of ['\n\n', 'o\n', '\nhe', 'd\n\n']) m[Buffer.from(piece).toString('base64')] = [id++, piece, 80];
  return m;
}

const EDGES = [
  '',
  'x',
  '\n',
  '\n\n\nhello',
  'hello world\n',
  'hello world\n\n',
  '世界 hello',
  'o',
  '\nhello\nworld\n',
  'hello world, 世界! '.repeat(3),
  'hello world, 世界! '.repeat(40),
  'he\nllo '.repeat(30),
  'ab'.repeat(2100),
  '世'.repeat(4096),
  '世'.repeat(4097),
  // More ids than UTF-16 units (characters outside the model fall back to their bytes).
  '丂丄'.repeat(60),
  '😀 x'.repeat(40),
  '丂'.repeat(5000),
];

describe('Tokenizer.encodeBatch', () => {
  for (const engine of ['wasm', 'js'] as const) {
    it(`gives every text, paired with any other, the ids encode gives it (${engine})`, async () => {
      const tok = await Tokenizer.load(model(), { engine });
      const texts: string[] = [];
      for (const a of EDGES) for (const b of EDGES) texts.push(a, b);
      for (const options of [{}, { addBos: true }, { addBos: true, addEos: true }]) {
        const batch = tok.encodeBatch(texts, options);
        const bad = texts.filter((t, i) => !same(batch[i]!, tok.encode(t, options))).length;
        expect(bad, JSON.stringify(options)).toBe(0);
        // The same list shifted by one pairs each text with the other neighbour.
        const shifted = tok.encodeBatch(texts.slice(1), options);
        expect(texts.slice(1).filter((t, i) => !same(shifted[i]!, tok.encode(t, options))).length).toBe(0);
      }
    });

    it(`names the index of a bad text in either place of a pair (${engine})`, async () => {
      const tok = await Tokenizer.load(model(), { engine });
      expect(() => tok.encodeBatch(['ok', 'bad \uD800'])).toThrow(/^texts\[1\]: lone surrogate U\+D800 at UTF-16 offset 4/);
      expect(() => tok.encodeBatch(['ok', 'fine', 'bad \uD800', 'x'])).toThrow(/^texts\[2\]: lone surrogate/);
      expect(() => tok.encodeBatch(['ok', 3 as unknown as string])).toThrow(/^texts\[1\]: expected a string, got number/);
      expect(() => tok.encodeBatch(['ok'], { alpha: Number.NaN })).toThrow(/^texts\[0\]: options\.alpha is NaN/);
    });
  }
});
