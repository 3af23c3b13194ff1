// SPEC §6 rule by rule on hand-made corpora, and the whole trainer against a literal
// transliteration of the reference (test/train-oracle.ts) on random corpora and parameters.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Trainer } from '../../src/node.js';
import { ChunkBatch, addDocument } from '../../src/train/chunker.js';
import { JsTrainKernel } from '../../src/train/kernel-js.js';
import { forEachBatch } from '../../src/train/corpus.js';
import { recordsToCounts } from '../../src/train/piece-set.js';
import { oracleChunks, oracleRawPieces, oracleTrain, sortedPieces, type OracleParams } from '../helpers/train-oracle.js';

const latin1 = (b: Uint8Array) => Array.from(b, (x) => String.fromCharCode(x)).join('');

function chunksOf(text: string, isolateDigits = false): string[] {
  const batch = new ChunkBatch();
  addDocument(batch, text, 0, isolateDigits);
  const out: string[] = [];
  for (let k = 0, s = 0; k < batch.count; s = batch.ends[k++]!) out.push(latin1(batch.bytes.subarray(s, batch.ends[k])));
  return out;
}

async function pieces(texts: string[], p: OracleParams, engine: 'js' | 'wasm') {
  // One thread: starting threads per run would dominate; threads are checked on fortunes.
  const models = await new Trainer({ ...p, maxVocabSize: p.sizes, engine, workers: 1 }).train(texts);
  return models.map((m) => m.pieces().map(({ piece, count }) => [latin1(piece), count] as [string, number]));
}

async function rawPieces(texts: string[], p: OracleParams): Promise<Map<string, number>> {
  const kernel = new JsTrainKernel(p.order, p.ensureUnicode);
  await forEachBatch(texts, p.isolateDigits, (b) => kernel.countNgrams(b));
  kernel.pruneNgrams(p.minCount);
  await forEachBatch(texts, p.isolateDigits, (b) => kernel.countPieces(b));
  return recordsToCounts(kernel.pieces().pieces);
}

const defaults: OracleParams = { order: 6, sizes: [300], maxPieceLength: 36, minCount: 2, isolateDigits: false, ensureUnicode: true };

describe('training chunks (SPEC §6.1)', () => {
  it('cuts a line after 10,000 characters (code points, not UTF-16 units) and a run of \\n after 100', () => {
    const line = '𝄞'.repeat(10000) + 'ab'; // astral: 2 UTF-16 units, 4 UTF-8 bytes each
    const got = chunksOf(`${line}\n\nz${'\n'.repeat(250)}`);
    expect(got.map((c) => c.length)).toEqual([40000, 4, 1 + 100, 100, 50]);
    expect(got[1]).toBe('ab\n\n');
    expect(got).toEqual(oracleChunks(`${line}\n\nz${'\n'.repeat(250)}`, false));
  });
  it('keeps the newlines after a line of exactly 10,000 characters with it', () => {
    const got = chunksOf(`${'x'.repeat(10000)}\n\ny`);
    expect(got.map((c) => c.length)).toEqual([10002, 1]);
  });
  it('with isolateDigits, every Unicode Nd digit is a chunk (ASCII, Arabic-Indic, astral), not ² (No)', () => {
    const text = 'ab12c٣٤\n𝟘x²y\n\n9';
    expect(chunksOf(text, true).map((c) => new TextDecoder().decode(Uint8Array.from(c, (ch) => ch.charCodeAt(0))))).toEqual([
      'ab',
      '1',
      '2',
      'c',
      '٣',
      '٤',
      '\n',
      '𝟘',
      'x²y\n\n',
      '9',
    ]);
    expect(chunksOf(text, false)).toHaveLength(3);
    expect(chunksOf(text, true)).toEqual(oracleChunks(text, true));
  });
  it('applies NFC first', () => {
    expect(chunksOf('e\u0301')).toEqual([latin1(new TextEncoder().encode('é'))]);
  });
});

describe('the n-gram Viterbi and pruning (SPEC §6.4-6.6)', () => {
  it('with ensureUnicode, a character whose 2-gram was pruned makes single-byte pieces to the end of its chunk', async () => {
    const texts = [...Array(20).fill('ab ab ab\n'), 'ab中ab\n'];
    const p = { ...defaults, minCount: 2 };
    const eu = new Map((await pieces(texts, p, 'js'))[0]);
    // 中 = e4 b8 ad: its 2-grams occur once, so b8 scores −∞ in every state; from e4 to the end of
    // the chunk ('中ab\n') every byte is a piece of its own.
    const raw = await rawPieces(texts, p);
    for (const single of ['\xe4', '\xb8', '\xad']) expect(raw.get(single)).toBe(1);
    expect(raw.get('\n')).toBe(1);
    expect([...raw.keys()].filter((k) => k.includes('\xb8'))).toEqual(['\xb8']);
    expect([...eu]).toEqual(sortedPieces(oracleTrain(texts, p)[0]!));
    expect((await pieces(texts, { ...p, ensureUnicode: false }, 'js'))[0]).toEqual(sortedPieces(oracleTrain(texts, { ...p, ensureUnicode: false })[0]!));
  });
  it('breaks exact ties in the last state (itself or the state before: the first, the one before) as the reference', async () => {
    // Found by search: on these, preferring the last state on a tie changes the raw pieces.
    const cases = [
      [' \n', '\nbab bba\nabaaabaaba', 'b'],
      ['bbaaa  babaab', 'aaa abb', 'aabababbaabaab'],
      ['aa\naaa\nabbabbaabaa', 'baa\n a aaabaabbaa'],
    ];
    for (const texts of cases) {
      const p = { ...defaults, order: 4, minCount: 2 };
      const want = oracleTrain(texts, p).map(sortedPieces);
      expect(await pieces(texts, p, 'js')).toEqual(want);
      expect(await pieces(texts, p, 'wasm')).toEqual(want);
      expect([...(await rawPieces(texts, p))].sort()).toEqual([...oracleRawPieces(texts, p)].sort());
    }
  });
  it('breaks exact ties (runs of one character) as the reference', async () => {
    const texts = ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaa aaaaaaa aaaaaaaaa\n', 'bbbbbb'.repeat(7)];
    for (const order of [1, 2, 3, 6]) {
      const p = { ...defaults, order };
      expect(await pieces(texts, p, 'js')).toEqual(oracleTrain(texts, p).map(sortedPieces));
    }
  });
  it('drops pieces longer than maxPieceLength and passes their counts on', async () => {
    const texts = Array(10).fill('abcdefgh abcdefgh\n');
    const p = { ...defaults, maxPieceLength: 3 };
    const got = (await pieces(texts, p, 'js'))[0]!;
    expect(Math.max(...got.map(([k]) => k.length))).toBeLessThanOrEqual(3);
    expect(got).toEqual(sortedPieces(oracleTrain(texts, p)[0]!));
  });
  it('trains several sizes, largest first, each from the one before; a corpus too small keeps what it has', async () => {
    const texts = ['the cat sat on the mat\n', 'the dog sat on the log\n', 'a cat and a dog\n'].flatMap((t) => Array(5).fill(t));
    const models = await new Trainer({ maxVocabSize: [262, 100000, 270], engine: 'js', workers: 1 }).train(texts);
    expect(models.map((m) => m.maxVocabSize)).toEqual([100000, 270, 262]);
    expect(models[0]!.vocabSize).toBeLessThan(100000);
    expect(models[1]!.vocabSize).toBeLessThanOrEqual(270);
    expect(models[2]!.vocabSize).toBeLessThanOrEqual(262);
    const oracle = oracleTrain(texts, { ...defaults, sizes: [262, 100000, 270] });
    expect(models.map((m) => m.pieces().map(({ piece, count }) => [latin1(piece), count]))).toEqual(oracle.map(sortedPieces));
  });
});

describe('the whole trainer against the transliterated reference', () => {
  const alphabet = ['a', 'b', 'ab', 'aab', ' ', '\n', '1', '7', '٣', '中', '文', 'é', '𝟘', '²', 'x', 'abab'];
  const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((a) => a.join(''));
  const params = fc.record({
    order: fc.integer({ min: 1, max: 10 }), // above 8: the JS twin counts, even with the wasm engine
    sizes: fc.uniqueArray(fc.integer({ min: 259, max: 290 }), { minLength: 1, maxLength: 3 }),
    maxPieceLength: fc.integer({ min: 1, max: 9 }),
    minCount: fc.integer({ min: 1, max: 3 }),
    isolateDigits: fc.boolean(),
    ensureUnicode: fc.boolean(),
  });
  for (const engine of ['js', 'wasm'] as const) {
    it(`gives the reference's pieces and counts (${engine} engine)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 8 }), params, async (texts, p) => {
          fc.pre(texts.some((t) => t.length > 0));
          expect(await pieces(texts, p, engine)).toEqual(oracleTrain(texts, p).map(sortedPieces));
        }),
        { numRuns: 60 },
      );
    });
  }
});
