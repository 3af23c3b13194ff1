// Must-show 2 of the core issue: losslessness on every shared corpus and model.
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { HAS_SHARED, allModels, corpora, corpusTexts, modelPath } from '../helpers/shared.js';

const enc = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function concat(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe.skipIf(!HAS_SHARED)('losslessness on the shared corpora', () => {
  for (const model of allModels()) {
    // Whole sequences decode losslessly with every model (SPEC §5); for ensure_unicode models
    // each piece is valid UTF-8 on its own as well, which the per-piece check below asserts.
    const eu = /(^|\.)eu\./.test(model);
    it(`${model}${eu ? ' (ensure_unicode)' : ''}: tokenize concatenates to the UTF-8 of NFC(x); decode(encode(x)) === NFC(x)`, async () => {
      const tok = await Tokenizer.load(modelPath(model));
      let docs = 0;
      for (const corpus of corpora()) {
        for (const text of corpusTexts(corpus)) {
          const nfc = text.normalize('NFC');
          const bytes = concat(tok.tokenize(text));
          if (!Buffer.from(bytes).equals(Buffer.from(enc.encode(nfc)))) throw new Error(`${model} ${corpus}: bytes differ for document ${docs}`);
          // decode is lossless for every model on whole sequences; exact text for eu models by construction
          if (tok.decode(tok.encode(text)) !== nfc) throw new Error(`${model} ${corpus}: decode(encode(x)) !== NFC(x) for document ${docs}`);
          if (eu) for (const p of tok.tokenize(text)) if (p.length > 1) strictUtf8.decode(p);
          docs++;
        }
      }
      console.log(`${model}: ${docs} documents lossless`);
      expect(docs).toBeGreaterThan(20_000);
    }, 120_000);
  }
});

describe('a 20 MB single-line string', () => {
  it('is segmented by both engines, identically and losslessly', async () => {
    const { tinyModel } = await import('../helpers/tiny-model.js');
    const model = tinyModel([
      ['ab', 50],
      ['abc', 40],
      ['bca', 30],
      ['cab', 20],
      ['abca', 10],
      ['语', 5],
      ['言模', 5],
    ]);
    const unit = 'abcabcab语言模型 ';
    const text = unit.repeat(Math.ceil(20e6 / enc.encode(unit).length));
    const bytes = enc.encode(text);
    expect(bytes.length).toBeGreaterThanOrEqual(20e6);
    const wasm = Tokenizer.loadSync(model, { engine: 'wasm' }).encode(text);
    const js = Tokenizer.loadSync(model, { engine: 'js' }).encode(text);
    expect(wasm.length).toBe(js.length);
    expect(Buffer.from(wasm.buffer).equals(Buffer.from(js.buffer))).toBe(true);
    // the line is periodic, so its segmentation is the unit's, repeated (the DP has no global drift)
    const perUnit = Tokenizer.loadSync(model, { engine: 'js' }).encode(unit + unit);
    expect(Array.from(wasm.subarray(0, perUnit.length))).toEqual(Array.from(perUnit));
    const tok = Tokenizer.loadSync(model);
    expect(tok.decode(wasm)).toBe(text);
  }, 120_000);
});
