// encodeBatch and TokenizerPool: same ids as single-thread encode (and the golden files) on every
// shared corpus; order kept; errors name the text; a dead worker is replaced and its batch retried,
// a batch that kills workers twice is rejected; close/terminate; sampling passes through; seeds as
// Tokenizer.load takes them.
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer, TokenizerPool } from '../../src/node.js';
import { HAS_SHARED, corpora, corpusTexts, goldenIds, goldenModels, modelPath } from '../helpers/shared.js';

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

describe.skipIf(!HAS_SHARED)('Tokenizer.encodeBatch', () => {
  it('equals encode per text, in order, with options', async () => {
    const tok = await Tokenizer.load(modelPath('bytepiece.id.eu.plus.40k'));
    const texts = ['hello world', '', '今天天气不错\n\n\nok', 'e\u0301 café'];
    const batch = tok.encodeBatch(texts, { addBos: true, addEos: true });
    expect(batch).toHaveLength(texts.length);
    texts.forEach((t, i) => expect(Array.from(batch[i]!)).toEqual(Array.from(tok.encode(t, { addBos: true, addEos: true }))));
  });

  it('packs a batch into one exact-size ArrayBuffer, equal to encode per text, in both engines', async () => {
    const texts = [...corpora().flatMap((c) => corpusTexts(c).slice(0, 700)), '', 'x', 'ab\n'.repeat(150_000)];
    for (const engine of ['wasm', 'js'] as const) {
      const tok = await Tokenizer.load(modelPath('bytepiece.id.eu.plus.40k'), { engine });
      const batch = tok.encodeBatch(texts, { addEos: true });
      const copies = batch.map((ids) => ids.slice());
      const buffer = batch[0]!.buffer;
      expect(batch.every((ids) => ids.buffer === buffer)).toBe(true);
      expect(buffer.byteLength).toBe(4 * batch.reduce((n, ids) => n + ids.length, 0));
      texts.forEach((t, i) => expect(same(batch[i]!, tok.encode(t, { addEos: true })), `${engine} texts[${i}]`).toBe(true));
      // The staging area is reused: a later batch leaves this one as it was.
      tok.encodeBatch(texts.slice(0, 50).reverse(), { addBos: true });
      expect(batch.every((ids, i) => same(ids, copies[i]!))).toBe(true);
    }
  });

  it('draws the same samples as encode text by text, from the same seed', async () => {
    const texts = corpusTexts('zh-fortunes').slice(0, 200);
    for (const engine of ['wasm', 'js'] as const) {
      const a = await Tokenizer.load(modelPath('bytepiece.id.eu.plus.40k'), { engine, seed: 5 });
      const b = await Tokenizer.load(modelPath('bytepiece.id.eu.plus.40k'), { engine, seed: 5 });
      const batch = a.encodeBatch(texts, { alpha: 0.1, addBos: true });
      texts.forEach((t, i) => expect(same(batch[i]!, b.encode(t, { alpha: 0.1, addBos: true })), `${engine} texts[${i}]`).toBe(true));
    }
  });

  it('names the index of a bad text', async () => {
    const tok = await Tokenizer.load(modelPath('bytepiece.id.eu.plus.40k'));
    expect(() => tok.encodeBatch(['fine', 'bad \uD800 here'])).toThrow(/texts\[1\]: lone surrogate U\+D800 at UTF-16 offset 4/);
  });
});

describe.skipIf(!HAS_SHARED)('TokenizerPool', () => {
  it('starts from a binary model (toBinary bytes), whose tables live in a decoder instance, with both engines', async () => {
    const tok = await Tokenizer.load(modelPath('bytepiece.id.eu.plus.40k'));
    const texts = corpusTexts('zh-fortunes').slice(0, 300);
    for (const engine of ['wasm', 'js'] as const) {
      const pool = await TokenizerPool.create(tok.toBinary(), { threads: 2, engine });
      try {
        const ids = await pool.encodeBatch(texts);
        texts.forEach((t, i) => expect(same(ids[i]!, tok.encode(t)), `text ${i} [${engine}]`).toBe(true));
      } finally {
        await pool.close();
      }
    }
  });

  for (const model of goldenModels()) {
    it(`equals single-thread encode and the golden ids on every corpus: ${model}`, async () => {
      const tok = await Tokenizer.load(modelPath(model));
      const pool = await TokenizerPool.create(modelPath(model), { threads: 2 });
      try {
        for (const corpus of corpora()) {
          const texts = corpusTexts(corpus);
          const golden = goldenIds(model, corpus);
          const ids = await pool.encodeBatch(texts);
          expect(ids).toHaveLength(texts.length);
          const differ: number[] = [];
          ids.forEach((got, i) => {
            expect(got).toBeInstanceOf(Uint32Array);
            if (!same(got, golden[i]!) || !same(got, tok.encode(texts[i]!))) differ.push(i);
          });
          expect(differ, `${model} ${corpus}: documents differing from single-thread encode / golden`).toEqual([]);
          // One ArrayBuffer per worker task (runs of neighbouring texts), not one per text.
          const buffers = new Set(ids.map((x) => x.buffer));
          expect(buffers.size).toBeLessThanOrEqual(Math.max(1, Math.ceil(texts.length / 2)));
          expect(ids.every((x, i) => i === 0 || x.buffer === ids[i - 1]!.buffer || x.byteOffset === 0)).toBe(true);
        }
      } finally {
        await pool.close();
      }
    }, 180_000);
  }

  describe('behaviour', () => {
    let pool: TokenizerPool;
    let tok: Tokenizer;
    const model = () => modelPath('bytepiece.id.eu.plus.40k');
    beforeAll(async () => {
      tok = await Tokenizer.load(model());
      pool = await TokenizerPool.create(model(), { threads: 2 });
    });
    afterAll(() => pool?.close());

    it('gives workers the compiled Module and the model tables on SharedArrayBuffers (nothing to re-parse)', () => {
      const init = (
        pool as unknown as {
          pool: {
            options: {
              workerData: { kernel: unknown; model: { trie: { words: Int32Array; f64: Float64Array }; scores: Float64Array; vocab: { bytes: Uint8Array } } };
            };
          };
        }
      ).pool.options.workerData;
      expect(init.kernel).toBeInstanceOf(WebAssembly.Module);
      const { trie, scores, vocab } = init.model;
      for (const table of [trie.words, trie.f64, scores, vocab.bytes]) expect(table.buffer).toBeInstanceOf(SharedArrayBuffer);
      // the node table's two views still share one buffer (one copy, not two)
      expect(trie.f64.buffer).toBe(trie.words.buffer);
    });

    it('keeps input order over many small texts, and handles an empty batch', async () => {
      const texts = Array.from({ length: 5000 }, (_, i) => `document ${i}: ${'x'.repeat(i % 37)}\n${i % 3 ? 'tail' : ''}`);
      const ids = await pool.encodeBatch(texts, { addEos: true });
      texts.forEach((t, i) => expect(same(ids[i]!, tok.encode(t, { addEos: true })), `text ${i}`).toBe(true));
      expect(await pool.encodeBatch([])).toEqual([]);
      expect(pool.threads).toBe(2);
      expect(pool.vocabSize).toBe(tok.vocabSize);
    });

    it('rejects with the index of the text that failed', async () => {
      const texts = Array.from({ length: 3000 }, (_, i) => `text ${i}`);
      texts[2345] = 'oops \uDC00';
      await expect(pool.encodeBatch(texts)).rejects.toThrow(/texts\[2345\]: lone surrogate U\+DC00/);
      await expect(pool.encodeBatch(texts)).rejects.toBeInstanceOf(RangeError);
      await expect(pool.encodeBatch(['x', 3 as unknown as string])).rejects.toThrow(/texts\[1\] is number/);
    });

    it('replaces a worker that dies mid-batch and retries its work', async () => {
      const texts = corpusTexts('en-fortunes');
      const running = pool.encodeBatch(texts);
      // Kill a thread while it holds a slice of the batch.
      const slots = (pool as unknown as { pool: { slots: { worker: { terminate(): Promise<number> }; task?: unknown }[] } }).pool.slots;
      const busy = slots.find((s) => s.task !== undefined);
      expect(busy, 'a worker should be busy right after submitting').toBeDefined();
      await busy!.worker.terminate();
      const ids = await running;
      texts.forEach((t, i) => expect(same(ids[i]!, tok.encode(t)), `text ${i}`).toBe(true));
      expect(slots.length).toBe(2); // replaced
      expect(Array.from((await pool.encodeBatch(['still works']))[0]!)).toEqual(Array.from(tok.encode('still works')));
    });

    it('sampling options pass through: seeded draws do not depend on the thread count', async () => {
      // Text i of call n is drawn with a seed from (seed, n, i): fresh pools of 1 and 2 threads agree.
      const texts = corpusTexts('zh-fortunes').slice(0, 300);
      const one = await TokenizerPool.create(model(), { threads: 1 });
      const two = await TokenizerPool.create(model(), { threads: 2 });
      try {
        const a = await one.encodeBatch(texts, { alpha: 0.1, seed: 7 });
        const b = await two.encodeBatch(texts, { alpha: 0.1, seed: 7 });
        a.forEach((ids, i) => expect(same(ids, b[i]!), `text ${i}`).toBe(true));
        texts.forEach((t, i) => expect(tok.decode(a[i]!)).toBe(t.normalize('NFC')));
        const differs = a.some((ids, i) => !same(ids, tok.encode(texts[i]!)));
        expect(differs, 'alpha 0.1 should sample away from the deterministic ids somewhere').toBe(true);
      } finally {
        await one.close();
        await two.close();
      }
    });

    it('seeds: any safe integer, as Tokenizer.load / setSeed take them, refused with the same wording', async () => {
      const texts = corpusTexts('zh-fortunes').slice(0, 100);
      // Seeds beyond 32 bits and negative seeds are distinct seeds, not truncated ones.
      const [low, high, negative] = await Promise.all([0, 2 ** 32, -(2 ** 32)].map((seed) => pool.encodeBatch(texts, { alpha: 0.5, seed })));
      expect(
        high!.some((ids, i) => !same(ids, low![i]!)),
        'seed 2^32 should not draw as seed 0',
      ).toBe(true);
      expect(
        negative!.some((ids, i) => !same(ids, low![i]!)),
        'seed -2^32 should not draw as seed 0',
      ).toBe(true);
      const wording = /options\.seed must be a finite integer between -\(2\^53 - 1\) and 2\^53 - 1, got /;
      for (const seed of [1.5, 2 ** 53, Number.NaN]) {
        await expect(Tokenizer.load(model(), { seed })).rejects.toThrow(wording);
        await expect(TokenizerPool.create(model(), { threads: 1, seed })).rejects.toThrow(wording);
        await expect(pool.encodeBatch(['x'], { alpha: 0.1, seed })).rejects.toThrow(wording);
      }
      await expect(pool.encodeBatch(['x'], { alpha: Number.NaN })).rejects.toThrow(/options\.alpha is NaN/);
    });
  });

  it('fails a batch loudly when it kills its worker twice, and keeps serving others', async () => {
    // A tiny per-thread heap: a batch of big texts runs the worker out of memory, every time.
    const pool = await TokenizerPool.create(modelPath('bytepiece.id.eu.plus.40k'), {
      threads: 1,
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    try {
      const big = Array.from({ length: 64 }, (_, i) => 'abc def '.repeat(1 << 17) + i);
      await expect(pool.encodeBatch(big)).rejects.toThrow(/worker thread died 2 times while encoding this batch \(last: .*memory/);
      const tok = await Tokenizer.load(modelPath('bytepiece.id.eu.plus.40k'));
      expect(Array.from((await pool.encodeBatch(['after the crash']))[0]!)).toEqual(Array.from(tok.encode('after the crash')));
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('close() finishes submitted work then refuses more; terminate() rejects what is pending', async () => {
    const pool = await TokenizerPool.create(modelPath('bytepiece.id.eu.plus.40k'), { threads: 1, engine: 'js' });
    const texts = corpusTexts('code');
    const running = pool.encodeBatch(texts);
    await pool.close();
    expect((await running).length).toBe(texts.length);
    await expect(pool.encodeBatch(['x'])).rejects.toThrow(/TokenizerPool is closed/);

    const other = await TokenizerPool.create(modelPath('bytepiece.id.eu.plus.40k'), { threads: 1 });
    const pending = expect(other.encodeBatch(corpusTexts('en-fortunes'))).rejects.toThrow(/terminated before this batch finished/);
    await other.terminate();
    await pending;
  }, 60_000);

  it('defaults to one thread per available core', async () => {
    const pool = await TokenizerPool.create(modelPath('bytepiece.id.eu.plus.40k'));
    try {
      expect(pool.threads).toBe(availableParallelism());
    } finally {
      await pool.close();
    }
  });

  it('rejects bad options and bad models clearly', async () => {
    await expect(TokenizerPool.create(modelPath('bytepiece.id.eu.plus.40k'), { threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
    await expect(TokenizerPool.create('/nonexistent/model.zip', { threads: 1 })).rejects.toThrow(/ENOENT|no such file/);
    await expect(TokenizerPool.create(new Uint8Array([1, 2, 3]), { threads: 1 })).rejects.toThrow(
      /not a zip, a binary model or UTF-8 JSON text: its 3 bytes start 01 02 03/,
    );
  });
});
