// Must-show 2 of the sampling issue: with the same seed, the WASM and pure-JS engines draw the same
// samples, call after call (they share the generator, the exp and the order of the draws). Also:
// seeding through load() and setSeed() restarts the same stream; different seeds differ.
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { forceLogDomain } from '../../src/engine/sampling-weights.js';
import { HAS_SHARED, corpora, corpusTexts, modelPath } from '../helpers/shared.js';
import { substringModel as tinyModel } from '../helpers/substring-model.js';

const SAMPLE_TEXTS = ['the cat sat on the mat', '今天天气不错，我们去公园散步吧。', 'def f(x):\n    return x + 1\n', 'naïve café 😀 ok'];
const toArray = (ids: Uint32Array) => Array.from(ids);

describe('same seed, same samples in both engines', () => {
  // Alphas up to 50 take the linear-domain sampler on this model, 1e3 and 1e5 the log-domain one
  // (and forced, every alpha does).
  it.each([false, true])('on a hand-made model, for random text and alphas (no ../shared needed; log domain forced: %s)', async (forced) => {
    forceLogDomain(forced);
    onTestFinished(() => forceLogDomain(false));
    const json = tinyModel(SAMPLE_TEXTS);
    const wasm = await Tokenizer.load(json, { seed: 99 });
    const js = await Tokenizer.load(json, { seed: 99, engine: 'js' });
    expect([wasm.engine, js.engine]).toEqual(['wasm', 'js']);
    let sampled = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.constantFrom(...SAMPLE_TEXTS),
          fc.string({ unit: 'grapheme', maxLength: 40 }),
          // Multi-line texts of 128+ bytes: the WASM sampler segments two halves side by side.
          fc.array(fc.oneof(fc.constantFrom(...SAMPLE_TEXTS), fc.string({ maxLength: 80 })), { minLength: 4, maxLength: 16 }).map((lines) => lines.join('\n')),
        ),
        fc.constantFrom(0, 0.01, 0.1, 0.5, 1, 3, 50, 1e3, 1e5),
        fc.boolean(),
        (text, alpha, bytes) => {
          if (bytes) {
            const b = new TextEncoder().encode(text);
            expect(toArray(js.encodeBytes(b, { alpha }))).toEqual(toArray(wasm.encodeBytes(b, { alpha })));
          } else {
            expect(toArray(js.encode(text, { alpha, addBos: true }))).toEqual(toArray(wasm.encode(text, { alpha, addBos: true })));
          }
          sampled++;
        },
      ),
      { numRuns: 3000, seed: 4242 },
    );
    expect(sampled).toBe(3000);
  });

  it.skipIf(!HAS_SHARED)(
    'on 1,000 shared-corpus documents, three alphas, tokenize and encode',
    async () => {
      const path = modelPath('bytepiece.plus.80k');
      const wasm = await Tokenizer.load(path, { seed: 2024 });
      const js = await Tokenizer.load(path, { seed: 2024, engine: 'js' });
      // Round-robin over the corpora until 1,000 documents: Chinese, English and code alike (at most
      // 40 code files: they are 20 KB each, the fortunes 0.1-0.5 KB).
      const texts = corpora().map((c) => corpusTexts(c).slice(0, c === 'code' ? 40 : undefined));
      const docs: string[] = [];
      for (let i = 0; docs.length < 1000; i++) for (const t of texts) if (i < t.length && docs.length < 1000) docs.push(t[i]!);
      expect(docs.length).toBe(1000);
      let differing = 0;
      let pieces = 0;
      for (const alpha of [0, 0.1, 1]) {
        for (const doc of docs) {
          const a = wasm.encode(doc, { alpha, addEos: true });
          const b = js.encode(doc, { alpha, addEos: true });
          if (a.length !== b.length || a.some((id, k) => id !== b[k])) differing++;
          pieces += a.length;
        }
      }
      const pieceList = (pieces: Uint8Array[]) => pieces.map((p) => p.join(' ')).join('|');
      for (const doc of docs.slice(0, 100)) {
        expect(pieceList(js.tokenize(doc, { alpha: 0.2 }))).toBe(pieceList(wasm.tokenize(doc, { alpha: 0.2 })));
      }
      console.log(`${docs.length} documents x 3 alphas: ${pieces} sampled ids, ${differing} documents differing between engines`);
      expect(differing).toBe(0);
    },
    60_000,
  );
});

describe('seeding', () => {
  const json = tinyModel(SAMPLE_TEXTS);
  const stream = (tok: Tokenizer) => Array.from({ length: 20 }, () => toArray(tok.encode(SAMPLE_TEXTS[1]!, { alpha: 0.3 })).join(','));

  it('load({seed}) and setSeed(seed) start the same stream, in either engine', async () => {
    for (const engine of ['wasm', 'js'] as const) {
      const a = await Tokenizer.load(json, { seed: -17, engine });
      const b = await Tokenizer.load(json, { seed: 123, engine });
      const first = stream(a);
      b.setSeed(-17);
      expect(stream(b)).toEqual(first);
      a.setSeed(-17);
      expect(stream(a)).toEqual(first);
    }
  });

  it('different seeds (including ones that differ only above bit 32) give different streams', async () => {
    const tok = await Tokenizer.load(json, { seed: 0 });
    const seen = new Set<string>();
    for (const seed of [0, 1, -1, 2 ** 32, 2 ** 33, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      tok.setSeed(seed);
      seen.add(stream(tok).join('|'));
    }
    expect(seen.size).toBe(7);
  });

  it('without a seed, two tokenizers draw differently (seeded from crypto.getRandomValues)', async () => {
    const a = await Tokenizer.load(json);
    const b = await Tokenizer.load(json);
    expect(stream(a)).not.toEqual(stream(b));
  });

  it('deterministic calls do not consume draws', async () => {
    const a = await Tokenizer.load(json, { seed: 5 });
    const b = await Tokenizer.load(json, { seed: 5 });
    a.encode('some text to segment deterministically');
    a.tokenize('more', { alpha: -1 });
    expect(stream(a)).toEqual(stream(b));
  });
});
