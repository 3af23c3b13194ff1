// Long chunks in windows (src/engine-wasm.ts windowed, issue 14 item 1): the WASM engine segments a
// chunk longer than windowing.long in windows, emitting what is final where all best paths meet.
// Here the windows are made tiny, so that small texts cross hundreds of them, and the ids must be
// those of one pass: the pure-JS engine (which never windows) and the WASM engine with windows off.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Tokenizer, type ModelJson } from '../../src/node.js';
import { windowing } from '../../src/engine/engine-wasm.js';
import { smallModel } from '../helpers/small-model.js';
import { tinyModel } from '../helpers/tiny-model.js';
import { HAS_SHARED, corpora, corpusTexts, modelPath } from '../helpers/shared.js';

const defaults = { ...windowing };
afterEach(() => Object.assign(windowing, defaults));

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

/** wasm (windows on) against js and against wasm with windows off: encode, encodeBytes, countTokens, encodeInto. */
function check(wasm: Tokenizer, js: Tokenizer, text: string, label: string, win: { long: number; window: number }): void {
  const bytes = new TextEncoder().encode(text);
  Object.assign(windowing, { long: Infinity });
  const whole = wasm.encode(text);
  const wholeBytes = wasm.encodeBytes(bytes);
  Object.assign(windowing, win);
  const want = js.encode(text);
  expect(same(whole, want), `${label}: one pass, wasm = js`).toBe(true);
  expect(same(wasm.encode(text), want), `${label}: encode`).toBe(true);
  expect(same(wasm.encodeBytes(bytes), wholeBytes), `${label}: encodeBytes`).toBe(true);
  expect(same(wholeBytes, js.encodeBytes(bytes)), `${label}: encodeBytes, wasm = js`).toBe(true);
  expect(wasm.countTokens(text), `${label}: countTokens`).toBe(want.length);
  const out = new Uint32Array(want.length);
  expect(wasm.encodeInto(text, out), `${label}: encodeInto`).toBe(want.length);
  expect(same(out, want), `${label}: encodeInto ids`).toBe(true);
}

const load = (model: ModelJson) => [Tokenizer.loadSync(model, { engine: 'wasm' }), Tokenizer.loadSync(model, { engine: 'js' })] as const;

describe('long chunks in windows (WASM engine)', () => {
  it('give the ids of one pass on ordinary text, with and without newlines', () => {
    const [wasm, js] = load(smallModel());
    const words = Array.from({ length: 3000 }, (_, k) => ['hello', 'world', '世界', 'hel', 'rld', 'he', String(k)][k % 7]!);
    const win = { long: 300, window: 64 };
    check(wasm, js, words.join(' '), 'one line', win);
    check(wasm, js, words.join(''), 'one line, no spaces', win);
    check(wasm, js, words.map((w, k) => (k % 500 === 0 ? `${w}\n` : k % 97 === 0 ? `${w}\n\n\n` : w)).join(' '), 'long and short lines', win);
    check(wasm, js, '\n'.repeat(1000) + words.join(' ') + '\n'.repeat(1000), 'newline runs around', win);
  });

  it('are exact where best paths meet late or never (the window grows)', () => {
    // 'aa' far likelier than 'a': a run of n 'a's is all 'aa' when n is even, and the one 'a' of an
    // odd run goes where the tie-break puts it: the best paths to neighbouring ends differ down to
    // the run's start, so they meet only where the run begins.
    const [wasm, js] = load(
      tinyModel([
        ['aa', 1000],
        ['aaa', 3],
        ['ab', 40],
      ]),
    );
    const win = { long: 100, window: 16 };
    for (const n of [999, 1000, 4097]) check(wasm, js, 'a'.repeat(n), `a x ${n}`, win);
    check(wasm, js, Array.from({ length: 40 }, (_, k) => 'a'.repeat(50 + 13 * k)).join('b'), 'runs of a between b', win);
    check(wasm, js, Array.from({ length: 40 }, (_, k) => 'a'.repeat(50 + 13 * k)).join('\n'), 'runs of a between newlines', win);
  });

  it('give the ids of one pass on random texts over a small alphabet (property)', () => {
    const model = tinyModel([
      ['aa', 50],
      ['aaa', 20],
      ['ab', 30],
      ['ba', 30],
      ['abab', 60],
      ['b\n', 5],
      ['\n\n', 9],
      ['aab', 7],
    ]);
    const [wasm, js] = load(model);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', '\n', 'ab', 'aa'), { minLength: 0, maxLength: 400 }), fc.integer({ min: 5, max: 40 }), (parts, window) => {
        const text = parts.join('');
        check(wasm, js, text, JSON.stringify(text), { long: window, window });
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it.skipIf(!HAS_SHARED)('give the ids of one pass on the shared corpora as one line, with a published model', () => {
    const [wasm, js] = [
      Tokenizer.loadSync(modelPath('bytepiece.plus.80k'), { engine: 'wasm' }),
      Tokenizer.loadSync(modelPath('bytepiece.plus.80k'), { engine: 'js' }),
    ];
    for (const corpus of corpora()) {
      const text = corpusTexts(corpus).join(' ').replace(/\n/g, ' ').slice(0, 400_000);
      check(wasm, js, text, corpus, { long: 20_000, window: 2_000 });
    }
  });
});
