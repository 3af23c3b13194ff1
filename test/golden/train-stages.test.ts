// The trainer's stages on the fortunes corpus (../shared/trainer/fortunes), through the CLI as a
// cluster's tasks run them: 4 shards counted apart, merged in a tree, pruned at the last merge,
// pieces counted per shard and merged, finished: the reference's .model files byte for byte.
// And spilling sorted runs at a small memory budget changes no byte of the counts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { countNgramsStage } from '../../src/node.js';
import { SHARED } from '../helpers/shared.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const FORTUNES = join(SHARED, 'trainer', 'fortunes');
const HAS = existsSync(join(FORTUNES, 'params.json'));
if (!HAS) console.warn(`[bytepiece-wasm tests] ${FORTUNES} not found: SKIPPING the staged training parity tests`);

const dir = mkdtempSync(join(tmpdir(), 'bytepiece-train-stages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, maxBuffer: 1 << 26 });
  return { code: r.status, stderr: r.stderr.toString('utf8') };
}

function run(args: string[]): void {
  const r = cli(args);
  expect(r.stderr, args.join(' ')).toBe('');
  expect(r.code, args.join(' ')).toBe(0);
}

/** The fortunes corpus (zh then en, as params.json) cut into 4 JSONL shards of unequal sizes. */
function shards(): string[] {
  const lines = ['zh-fortunes.jsonl', 'en-fortunes.jsonl'].flatMap((c) =>
    readFileSync(join(SHARED, 'corpora', c), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0),
  );
  const cuts = [0, 3000, 9000, 16000, lines.length];
  return cuts.slice(1).map((end, i) => {
    const path = join(dir, `shard${i}.jsonl`);
    writeFileSync(path, lines.slice(cuts[i], end).join('\n') + '\n');
    return path;
  });
}

describe.skipIf(!HAS)('staged training on fortunes', () => {
  it('4 shards, counted apart and merged in a tree through the CLI, give the reference files byte for byte', () => {
    const p = JSON.parse(readFileSync(join(FORTUNES, 'params.json'), 'utf8')) as { order: number; min_count: number; max_vocab_size: number[] };
    const files = shards();
    files.forEach((f, i) => run(['count-ngrams', '--jsonl', f, '--order', String(p.order), '-w', String(1 + (i % 2)), '-q', '-o', `s${i}.ngrams`]));
    run(['merge-counts', 's3.ngrams', 's0.ngrams', '-q', '-o', 'a.ngrams']);
    run(['merge-counts', 's1.ngrams', 's2.ngrams', '-q', '-o', 'b.ngrams']);
    run(['merge-counts', 'b.ngrams', 'a.ngrams', '--min-count', String(p.min_count), '-q', '-o', 'model.ngrams']);
    files.forEach((f, i) => run(['count-pieces', '--jsonl', f, '--model', 'model.ngrams', '-w', String(2 - (i % 2)), '-q', '-o', `s${i}.pieces`]));
    run(['merge-counts', 's2.pieces', 's0.pieces', 's1.pieces', '-q', '-o', 'a.pieces']);
    run(['merge-counts', 's3.pieces', 'a.pieces', '-q', '-o', 'all.pieces']);
    run(['finish-training', 'all.pieces', '--vocab', p.max_vocab_size.join(','), '-q', '-o', 'fortunes.model']);
    for (const size of p.max_vocab_size) {
      expect(readFileSync(join(dir, `fortunes.model.${size}`)).equals(readFileSync(join(FORTUNES, `fortunes.model.${size}`))), `fortunes.model.${size}`).toBe(
        true,
      );
    }
    // A stage file that does not fit is refused naming it, exit 1, nothing written.
    const r = cli(['merge-counts', 'model.ngrams', 'a.ngrams', '-o', 'bad.ngrams']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'bytepiece: cannot merge model.ngrams: it holds pruned, final n-gram counts (pruning is the last merge; merge the raw counts instead)\n',
    );
    expect(readdirSync(dir).filter((f) => f.includes('bad.ngrams'))).toEqual([]);
  }, 300_000);

  it('spilling sorted runs at a 1 MiB budget gives the same count file as one run', async () => {
    const texts = ['zh-fortunes.jsonl'].flatMap((c) =>
      readFileSync(join(SHARED, 'corpora', c), 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l).text as string),
    );
    for (const workers of [1, 2]) {
      const small = join(dir, `small-${workers}.ngrams`);
      const big = join(dir, `big-${workers}.ngrams`);
      await countNgramsStage(texts, small, { workers, memoryBudget: 1 << 20 });
      await countNgramsStage(texts, big, { workers });
      expect(readFileSync(small).equals(readFileSync(big)), `${workers} worker(s)`).toBe(true);
    }
  }, 300_000);
});
