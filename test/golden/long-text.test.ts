// Long texts: the WASM engine segments a text of more than 64 KB in blocks cut at chunk starts
// (src/engine-wasm.ts blocks). The pure-JS engine runs such a text in one pass, so it is the
// oracle: same ids from encode, encodeInto and countTokens, for cuts that land on runs of `\n`, on
// texts with no `\n` at all (one block), and on the shared corpora joined into one text; and the
// samplers draw in the same order in blocks as the JS engine in one pass.
import { describe, expect, it } from 'vitest';
import { Tokenizer, type ModelJson } from '../../src/node.js';
import { smallModel } from '../helpers/small-model.js';
import { forceLogDomain } from '../../src/engine/sampling-weights.js';
import { HAS_SHARED, corpora, corpusTexts, modelPath } from '../helpers/shared.js';

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

function check(wasm: Tokenizer, js: Tokenizer, text: string, label: string): void {
  const want = js.encode(text);
  const got = wasm.encode(text);
  expect(same(got, want), `${label}: encode`).toBe(true);
  expect(wasm.countTokens(text), `${label}: countTokens`).toBe(want.length);
  const out = new Uint32Array(want.length + 2);
  expect(wasm.encodeInto(text, out, { addBos: true, addEos: true }), `${label}: encodeInto`).toBe(want.length + 2);
  expect(same(out.subarray(1, want.length + 1), want) && out[0] === 1 && out[want.length + 1] === 2, `${label}: encodeInto ids`).toBe(true);
}

/** smallModel with pieces made of newlines, so that where a run of `\n` is cut changes the ids. */
function newlineModel(): ModelJson {
  const model = smallModel();
  let id = Math.max(...Object.values(model).map((v) => v[0])) + 1;
  for (const piece of ['\n\n', '\n\n\n', '!\n', '!\n\n']) model[Buffer.from(piece).toString('base64')] = [id++, piece, 80];
  return model;
}

describe('long texts (blocks in the WASM engine)', () => {
  it('match the JS engine around block cuts, newline runs and single-chunk texts', async () => {
    const wasm = await Tokenizer.load(newlineModel(), { engine: 'wasm' });
    const js = await Tokenizer.load(newlineModel(), { engine: 'js' });
    const line = (k: number) => `hello world ${k}, 世界!`;
    const lines = Array.from({ length: 40_000 }, (_, k) => line(k));
    check(wasm, js, lines.join('\n'), 'one newline between lines');
    check(wasm, js, lines.join('\n\n\n'), 'runs of newlines');
    check(wasm, js, lines.join('\n') + '\n\n\n\n', 'ending in newlines');
    check(wasm, js, '\n\n' + lines.join(' ') + '\n', 'one long line (no cut)');
    check(wasm, js, 'hello'.repeat(60_000) + '\n' + 'x', 'a cut leaving one byte');
    // Newline runs placed around every multiple of 64 KB, one byte either side.
    const parts: string[] = [];
    let size = 0;
    for (let k = 0; size < 600_000; k++) {
      const target = (k + 1) * 65536 - 2 + (k % 3);
      const fill = 'hello 世界 '.repeat(Math.ceil((target - size) / 14)).slice(0, Math.max(1, target - size));
      parts.push(fill, '\n'.repeat(1 + (k % 4)));
      size += Buffer.byteLength(fill) + 1 + (k % 4);
    }
    check(wasm, js, parts.join(''), 'newline runs at block boundaries');
  }, 60_000);

  it('sample as the JS engine does, draw for draw, with both samplers (blocks keep the draws in order)', async () => {
    const lines = Array.from({ length: 30_000 }, (_, k) => `hello world ${k}, 世界!${k % 7 ? '' : '\n'}`);
    const text = lines.join('\n');
    for (const logDomain of [false, true]) {
      forceLogDomain(logDomain);
      try {
        const wasm = await Tokenizer.load(newlineModel(), { engine: 'wasm', seed: 11 });
        const js = await Tokenizer.load(newlineModel(), { engine: 'js', seed: 11 });
        for (const alpha of [0.1, 2]) {
          const a = wasm.encode(text, { alpha });
          expect(same(a, js.encode(text, { alpha })), `alpha ${alpha}, log domain ${logDomain}`).toBe(true);
          expect(same(a, js.encode(text)), 'a sample differs from the best segmentation somewhere').toBe(false);
        }
      } finally {
        forceLogDomain(false);
      }
    }
  }, 60_000);

  it.skipIf(!HAS_SHARED)(
    'match the JS engine on each shared corpus joined into one text',
    async () => {
      const wasm = await Tokenizer.load(modelPath('bytepiece.plus.80k'), { engine: 'wasm' });
      const js = await Tokenizer.load(modelPath('bytepiece.plus.80k'), { engine: 'js' });
      for (const c of corpora()) check(wasm, js, corpusTexts(c).join('\n'), c);
    },
    120_000,
  );
});
