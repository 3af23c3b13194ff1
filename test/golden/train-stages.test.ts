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

  it('--shard K/N shares of the corpus files, counted and merged, give the reference files byte for byte', () => {
    const p = JSON.parse(readFileSync(join(FORTUNES, 'params.json'), 'utf8')) as {
      order: number;
      min_count: number;
      max_vocab_size: number[];
      corpora: string[];
    };
    const inputs = p.corpora.map((c) => join(SHARED, c));
    // 3 shares: the cuts fall inside the first file, then across the two (by bytes of both).
    const n = 3;
    const shares = Array.from({ length: n }, (_, i) => `${i + 1}/${n}`);
    shares.forEach((s, i) => run(['count-ngrams', '--jsonl', ...inputs, '--shard', s, '--order', String(p.order), '-w', '1', '-q', '-o', `k${i}.ngrams`]));
    run(['merge-counts', ...shares.map((_, i) => `k${i}.ngrams`), '--min-count', String(p.min_count), '-q', '-o', 'kmodel.ngrams']);
    shares.forEach((s, i) => run(['count-pieces', '--jsonl', ...inputs, '--shard', s, '--model', 'kmodel.ngrams', '-w', '1', '-q', '-o', `k${i}.pieces`]));
    run(['merge-counts', ...shares.map((_, i) => `k${i}.pieces`), '-q', '-o', 'kall.pieces']);
    run(['finish-training', 'kall.pieces', '--vocab', p.max_vocab_size.join(','), '-q', '-o', 'kfortunes.model']);
    for (const size of p.max_vocab_size) {
      expect(readFileSync(join(dir, `kfortunes.model.${size}`)).equals(readFileSync(join(FORTUNES, `fortunes.model.${size}`))), `${size}`).toBe(true);
    }
    // A share of stdin cannot be cut: refused before any work.
    const r = cli(['count-ngrams', '--jsonl', '--shard', '1/2', '-o', 'x.ngrams']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('bytepiece: --shard needs input files (a share of stdin cannot be cut without reading all of it)\n');
    const bad = cli(['count-pieces', '--jsonl', inputs[0]!, '--shard', '3/2', '--model', 'kmodel.ngrams', '-o', 'x.pieces']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('bytepiece: --shard 3/2: K must be between 1 and N (2)\n');
  }, 300_000);

  it('a --shard share names the file and its line counted from the share start in an error', () => {
    const path = join(dir, 'broken.jsonl');
    // 4 lines of 21 bytes; the 2nd of 2 shares starts at byte 42 (the 3rd line); its 2nd line is not JSON.
    writeFileSync(path, '{"text":"aaaaaaaaa"}\n{"text":"bbbbbbbbb"}\n{"text":"ccccccccc"}\nnot json at all.....\n');
    expect(cli(['count-ngrams', '--jsonl', path, '--shard', '1/2', '-q', '-o', 'ok.ngrams']).code).toBe(0);
    const r = cli(['count-ngrams', '--jsonl', path, '--shard', '2/2', '-q', '-o', 'broken.ngrams']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bytepiece: .*broken\.jsonl \[the shard from byte 42\]:2: not valid JSON/);
    expect(readdirSync(dir).filter((f) => f.includes('broken.ngrams'))).toEqual([]);
  });

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
