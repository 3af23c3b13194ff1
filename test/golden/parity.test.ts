// Must-show 1 of the core issue: both engines reproduce the reference's golden ids for every
// document of every shared corpus and every model that has golden files.
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { HAS_SHARED, corpora, corpusTexts, goldenIds, goldenModels, modelPath } from '../helpers/shared.js';

describe.skipIf(!HAS_SHARED)('parity with the reference (../shared/golden)', () => {
  for (const model of goldenModels()) {
    for (const engine of ['wasm', 'js'] as const) {
      it(`${model} [${engine}]`, async () => {
        const tok = await Tokenizer.load(modelPath(model), { engine });
        for (const corpus of corpora()) {
          const texts = corpusTexts(corpus);
          const golden = goldenIds(model, corpus);
          expect(golden.length).toBe(texts.length);
          const mismatched: number[] = [];
          texts.forEach((text, i) => {
            const ids = tok.encode(text);
            const want = golden[i]!;
            if (ids.length !== want.length || ids.some((id, k) => id !== want[k])) mismatched.push(i);
          });
          console.log(`${model} ${engine} ${corpus}: ${texts.length - mismatched.length}/${texts.length} documents identical`);
          expect(mismatched, `documents (0-based line) differing from golden`).toEqual([]);
        }
      }, 120_000);
    }
  }
});
