// The trainer's stages (src/node/train-stages.ts) on hand-made corpora: any split into shards and
// any tree of merges gives the bytes of one count over the whole corpus (a property test), the
// models equal one-piece training, and bad stage files are refused naming the file.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { countNgramsStage, countPiecesStage, finishStage, mergeCountFiles, train, Trainer } from '../../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'bytepiece-stages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;
const fresh = (name: string) => join(dir, `${serial++}-${name}`);

/** A small PRNG for the merge trees (fast-check gives the seed, so failures shrink and replay). */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

/**
 * Merges `files` in a random tree (groups of 2-3 picked at random) down to one file; `last`
 * (pruning) applies to the final merge only.
 */
async function mergeTree(files: string[], seed: number, last?: { minCount: number }): Promise<string> {
  const pick = prng(seed);
  const left = [...files];
  if (left.length === 1 && !last) return left[0]!;
  do {
    const k = Math.min(left.length, 2 + pick(2));
    const group: string[] = [];
    for (let i = 0; i < k; i++) group.push(left.splice(pick(left.length), 1)[0]!);
    const out = fresh('merged');
    await mergeCountFiles(group, out, left.length === 0 && last ? last : {});
    left.push(out);
  } while (left.length > 1);
  return left[0]!;
}

/** Cuts `docs` into shards at the given (sorted, deduplicated) positions. */
function shardsOf(docs: string[], cuts: number[]): string[][] {
  const at = [...new Set(cuts.map((c) => c % (docs.length + 1)))].sort((a, b) => a - b);
  const out: string[][] = [];
  let from = 0;
  for (const c of [...at, docs.length]) {
    out.push(docs.slice(from, c));
    from = c;
  }
  return out;
}

const text = fc.array(fc.constantFrom('a', 'b', 'ab', 'é', '世界', ' ', '\n', '7', 'x'), { minLength: 1, maxLength: 40 }).map((p) => p.join(''));
const opts = { order: 4, workers: 1, engine: 'wasm' as const };

describe('training stages: merge order independence', () => {
  it('n-gram and piece counts of random shards merged in random trees equal one count of the whole corpus', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(text, { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.nat(),
        fc.nat(),
        async (docs, cuts, seed1, seed2) => {
          const whole = fresh('whole.ngrams');
          await countNgramsStage(docs, whole, opts);
          const shards = shardsOf(docs, cuts);
          const counted: string[] = [];
          for (const s of shards) {
            const f = fresh('shard.ngrams');
            await countNgramsStage(s, f, opts);
            counted.push(f);
          }
          const merged = await mergeTree(counted, seed1);
          if (counted.length > 1) expect(readFileSync(merged).equals(readFileSync(whole))).toBe(true);
          // The model: pruned at the last merge, or on its own.
          const model = fresh('model.ngrams');
          await mergeCountFiles([whole], model, { minCount: 2 });
          const model2 = await mergeTree(counted, seed1, { minCount: 2 });
          expect(readFileSync(model2).equals(readFileSync(model))).toBe(true);
          const wholePieces = fresh('whole.pieces');
          await countPiecesStage(docs, model, wholePieces, { workers: 1 });
          const pieceFiles: string[] = [];
          for (const s of shards) {
            const f = fresh('shard.pieces');
            await countPiecesStage(s, model, f, { workers: 1 });
            pieceFiles.push(f);
          }
          const pieces = await mergeTree(pieceFiles, seed2);
          if (pieceFiles.length > 1) expect(readFileSync(pieces).equals(readFileSync(wholePieces))).toBe(true);
          // The models equal one-piece training.
          if (docs.join('').length > 0) {
            const [staged] = await finishStage(pieces, { maxVocabSize: 300 });
            const [direct] = await train(docs, { ...opts, maxVocabSize: 300, minCount: 2 });
            expect(staged!.toJSON()).toBe(direct!.toJSON());
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 240_000);

  it('gives the same files with the JS kernel, and for any number of threads', async () => {
    const docs = ['hello world, hello there', '世界 你好 世界 123', 'abc abc abd'];
    const files = [];
    for (const o of [
      { engine: 'wasm' as const, workers: 1 },
      { engine: 'js' as const, workers: 1 },
      { engine: 'wasm' as const, workers: 2 },
    ]) {
      const f = fresh('engine.ngrams');
      await countNgramsStage(docs, f, { ...o, order: 5 });
      files.push(readFileSync(f));
    }
    expect(files[1]!.equals(files[0]!)).toBe(true);
    expect(files[2]!.equals(files[0]!)).toBe(true);
  }, 60_000);
});

describe('Trainer.train: in memory below the budget, through run files past it', () => {
  it('gives the same models and figures either way, for both engines and 1-2 threads', async () => {
    // ~40k distinct n-grams of orders 3-5: past a 1 MiB budget (~10.9k held n-grams), so runs spill.
    const next = prng(7);
    const letters = 'abcdefghijklmnopqrstuvwxyzéあい世界 ';
    const docs = Array.from({ length: 300 }, () => Array.from({ length: 120 }, () => letters[next(letters.length)]).join(''));
    const o = { order: 5, maxVocabSize: [600, 400], minCount: 2 };
    const results: string[] = [];
    for (const engine of ['wasm', 'js'] as const) {
      for (const workers of engine === 'wasm' ? [1, 2] : [1]) {
        for (const memoryBudget of [1 << 30, 1 << 20]) {
          const trainer = new Trainer({ ...o, engine, workers, memoryBudget, workDir: dir });
          const models = await trainer.train(docs);
          const s = trainer.stats!;
          const held = s.ngramsRaw.slice(3).reduce((a, b) => a + b, 0);
          expect(held, 'the corpus passes the small budget').toBeGreaterThan((1 << 20) / 96);
          results.push(JSON.stringify([models.map((m) => m.toJSON()), s]));
        }
      }
    }
    for (const r of results) expect(r).toBe(results[0]);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 120_000);
});

describe('training stages: bad input names the file', () => {
  const docs = ['hello world, hello there', '世界 你好 世界'];
  const counts = async (o = {}) => {
    const f = fresh('c.ngrams');
    await countNgramsStage(docs, f, { ...opts, ...o });
    return f;
  };
  const noTemporaries = () => expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

  it('refuses to merge counts made with other parameters, or of another kind', async () => {
    const a = await counts();
    const b = await counts({ order: 3 });
    const out = fresh('out');
    await expect(mergeCountFiles([a, b], out)).rejects.toThrow(
      `cannot merge ${b} with ${a}: counted with other parameters ({"order":3,"isolateDigits":false} vs {"order":4,"isolateDigits":false})`,
    );
    const d = await counts({ isolateDigits: true });
    await expect(mergeCountFiles([a, d], out)).rejects.toThrow(/cannot merge .* counted with other parameters/);
    const model = fresh('m.ngrams');
    await mergeCountFiles([a], model, { minCount: 1 });
    const p = fresh('p.pieces');
    await countPiecesStage(docs, model, p, { workers: 1 });
    await expect(mergeCountFiles([a, p], out)).rejects.toThrow(`cannot merge ${p} (pieces counts) with ${a} (ngrams counts)`);
    await expect(mergeCountFiles([model, a], out)).rejects.toThrow(`cannot merge ${model}: it holds pruned, final n-gram counts`);
    await expect(mergeCountFiles([p], out, { minCount: 2 })).rejects.toThrow(/--min-count prunes n-gram counts/);
    expect(existsSync(out)).toBe(false);
    noTemporaries();
  });

  it('refuses truncated, corrupt, foreign and other-version files, leaving no output', async () => {
    const good = readFileSync(await counts());
    const out = fresh('out');
    const cases: [string, Uint8Array, string][] = [
      ['truncated', good.subarray(0, good.length - 100), 'truncated (no end marker); the task that wrote it may have failed: rerun it'],
      ['cut-in-header', good.subarray(0, 12), 'not a bytepiece stage file (shorter than its header)'],
      ['corrupt', Uint8Array.from(good, (b, i) => (i === good.length - 200 ? b ^ 0x10 : b)), 'corrupt'],
      ['foreign', new TextEncoder().encode('{"text": "not a stage file"}\n'), 'not a bytepiece stage file (magic "{\\"text\\":")'],
      ['version', Uint8Array.from(good, (b, i) => (i === 8 ? 2 : b)), 'stage file version 2; this bytepiece reads version 1'],
      ['empty', new Uint8Array(0), 'not a bytepiece stage file'],
    ];
    for (const [name, bytes, message] of cases) {
      const f = fresh(`${name}.ngrams`);
      writeFileSync(f, bytes);
      await expect(mergeCountFiles([f], out), name).rejects.toThrow(`${f}: ${message}`);
      expect(existsSync(out), name).toBe(false);
    }
    noTemporaries();
  });

  it('checksums every byte: each flipped byte of a small file is caught', async () => {
    const good = readFileSync(await counts());
    const out = fresh('out');
    for (let i = 16; i < good.length; i += Math.max(1, Math.floor(good.length / 40))) {
      const f = fresh('flip.ngrams');
      writeFileSync(
        f,
        Uint8Array.from(good, (b, j) => (j === i ? b ^ 1 : b)),
      );
      await expect(mergeCountFiles([f], out), `byte ${i}`).rejects.toThrow(f);
    }
  });

  it('counts pieces only with a pruned n-gram model, and finishes only on pieces of the whole corpus', async () => {
    const raw = await counts();
    const out = fresh('out.pieces');
    await expect(countPiecesStage(docs, raw, out, { workers: 1 })).rejects.toThrow(
      `${raw}: holds raw n-gram counts; prune them first (merge with a min count)`,
    );
    const model = fresh('m.ngrams');
    await mergeCountFiles([raw], model, { minCount: 2 });
    await countPiecesStage(docs.slice(0, 1), model, out, { workers: 1 });
    await expect(finishStage(out, { maxVocabSize: 300 })).rejects.toThrow(
      `${out}: pieces were counted on 1 documents (24 bytes) but the n-gram model on 2 (44 bytes): count pieces on every shard`,
    );
    await expect(finishStage(model, { maxVocabSize: 300 })).rejects.toThrow(`${model}: holds ngrams counts, not piece counts`);
    const all = fresh('all.pieces');
    await countPiecesStage(docs, model, all, { workers: 1 });
    await expect(finishStage(all, { maxVocabSize: 300, minCount: 3 })).rejects.toThrow(`${all}: counted with min count 2, not 3`);
    expect((await finishStage(all, { maxVocabSize: 300, minCount: 2 })).length).toBe(1);
  });

  it('a failed count leaves no file; a rerun overwrites its output', async () => {
    const out = fresh('failed.ngrams');
    async function* failing() {
      yield 'hello';
      throw new Error('the shard went away');
    }
    await expect(countNgramsStage(() => failing(), out, opts)).rejects.toThrow('the shard went away');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    writeFileSync(out, 'junk from an earlier, killed run');
    await countNgramsStage(docs, out, opts);
    const first = readFileSync(out);
    await countNgramsStage(docs, out, opts);
    expect(readFileSync(out).equals(first)).toBe(true);
    await mergeCountFiles([out], join(dir, 'ok.ngrams'));
  });
});
