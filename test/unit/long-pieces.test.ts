// Very long pieces (issue 14 item 6): the sampling bound's walk over the trie used an (L+1)·L table
// (896 MB for a 20,000-byte piece, a RangeError from 65,535 bytes); it now follows dictionary
// suffix links, linear in the trie, and must give the same bound as that table did (kept below as
// the oracle). The binary format holds pieces of up to 65,535 bytes and toBinary refuses longer.
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { largestPathDeficit } from '../../src/engine/sampling-weights.js';
import { compileModel, type CompiledModel } from '../../src/model/compile.js';
import { vocabularyFromJson } from '../../src/model/vocabulary.js';
import { tinyModel } from '../helpers/tiny-model.js';
import { smallModel } from '../helpers/small-model.js';
import { HAS_SHARED, modelPath } from '../helpers/shared.js';

/** The former walk: the node of every t[j..d) in a table, as literal as the definition. */
function deficitByTable(model: CompiledModel, m: number): number {
  const { words, f64, size } = model.trie;
  const L = model.maxPieceLength + 1;
  const first = new Int32Array(size + 1);
  for (let j = 1; j < size; j++) if (words[4 * j + 1]! >= 0) first[words[4 * j + 1]! + 1]!++;
  for (let i = 0; i < size; i++) first[i + 1]! += first[i]!;
  const fill = first.slice(0, size);
  const children = new Int32Array(first[size]!);
  for (let j = 1; j < size; j++) if (words[4 * j + 1]! >= 0) children[fill[words[4 * j + 1]!]!++] = j;
  const best = new Float64Array(L + 1);
  const walks = new Int32Array((L + 1) * L);
  const stack: Array<[number, number]> = [];
  for (let k = first[0]!; k < first[1]!; k++) stack.push([children[k]!, 1]);
  let largest = 0;
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    const parent = words[4 * node + 1]!;
    const c = node - words[4 * parent]!;
    let b = Infinity;
    for (let j = 0; j < d; j++) {
      const from = j === d - 1 ? 0 : walks[(d - 1) * L + j]!;
      let next = -1;
      if (from >= 0) {
        const q = words[4 * from]! + c;
        if (words[4 * q + 1] === from) next = q;
      }
      walks[d * L + j] = next;
      if (next >= 0 && f64[2 * next + 1] !== -Infinity) b = Math.min(b, best[j]! + (m * (d - j) - f64[2 * next + 1]!));
    }
    best[d] = b;
    largest = Math.max(largest, b);
    for (let k = first[node]!; k < first[node + 1]!; k++) stack.push([children[k]!, d + 1]);
  }
  return largest;
}

const compiled = (json: Parameters<typeof vocabularyFromJson>[0]) => compileModel(vocabularyFromJson(json));

describe('long pieces', () => {
  it('the linear walk gives the bound the table gave', () => {
    const models = [
      tinyModel([
        ['aa', 50],
        ['aaa', 20],
        ['ab', 30],
        ['aab', 7],
        ['abab', 60],
        ['a'.repeat(40), 9],
        ['a'.repeat(17), 3],
      ]),
      tinyModel([
        ['hello', 40],
        ['hell', 3],
        ['ell', 9],
        ['llo', 20],
        ['lo', 30],
        ['o w', 2],
      ]),
      smallModel(),
    ];
    for (const json of models) {
      const model = compiled(json);
      for (const m of [-0.5, -1, -3.25]) expect(largestPathDeficit(model, m)).toBe(deficitByTable(model, m));
    }
  });

  it.skipIf(!HAS_SHARED)('the linear walk gives the bound the table gave on a published model', () => {
    const tok = Tokenizer.loadSync(modelPath('bytepiece.id.eu.plus.40k'));
    const model = (tok as unknown as { model: CompiledModel }).model;
    expect(largestPathDeficit(model, -1.5)).toBe(deficitByTable(model, -1.5));
  });

  it('a model with a 65,535-byte piece samples, and round-trips through the binary format', () => {
    // Letters from a seeded generator: walks along it from other starts die at once (a piece
    // repeating itself would make every Viterbi step walk thousands of live prefixes).
    let seed = 7;
    const long = Array.from({ length: 65535 }, () => String.fromCharCode(97 + (((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) % 26))).join('');
    const json = tinyModel([
      [long, 5],
      ['ab', 40],
    ]);
    const tok = Tokenizer.loadSync(json, { seed: 1 });
    const text = long + 'ab' + long.slice(0, 1000);
    expect(tok.decode(tok.encode(text, { alpha: 0.1 }))).toBe(text);
    const back = Tokenizer.loadSync(tok.toBinary());
    expect(Array.from(back.encode(text))).toEqual(Array.from(tok.encode(text)));
    expect(Array.from(Tokenizer.loadSync(json, { engine: 'js', seed: 1 }).encode(text, { alpha: 0.1 }))).toEqual(
      Array.from(Tokenizer.loadSync(json, { seed: 1 }).encode(text, { alpha: 0.1 })),
    );
  });

  it('toBinary refuses a model with a piece of 65,536 bytes or more, naming it', () => {
    const tok = Tokenizer.loadSync(tinyModel([['x'.repeat(65536), 5]]));
    expect(() => tok.toBinary()).toThrow(/^toBinary: piece \d+ has 65536 bytes; the binary format stores pieces of at most 65535 bytes/);
  });
});
