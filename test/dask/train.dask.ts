// examples/dask/train.py on a LocalCluster of 2 worker processes: the fortunes corpora cut into 4
// shards, counted, merged in a tree, pruned, pieces counted and merged, finished by Dask tasks: the
// reference's .model files byte for byte (so those of one `bytepiece train`); a task that fails
// stops the run with its error and leaves no model and no work files behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED } from '../helpers/shared.js';
import { PYTHON } from './python.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DRIVER = join(ROOT, 'examples', 'dask', 'train.py');
const FORTUNES = join(SHARED, 'trainer', 'fortunes');
const HAS = existsSync(join(FORTUNES, 'params.json'));
if (!HAS) console.warn(`[bytepiece-wasm test:dask] ${FORTUNES} not found: SKIPPING the Dask training test`);

interface Params {
  order: number;
  max_vocab_size: number[];
  min_count: number;
  corpora: string[];
}

function driver(args: string[]) {
  const r = spawnSync(PYTHON!, [DRIVER, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

describe.skipIf(!HAS || !PYTHON)('Dask: examples/dask/train.py on a LocalCluster (2 workers)', () => {
  let dir: string;
  beforeAll(() => {
    expect(existsSync(join(ROOT, 'dist', 'cli.js')), 'dist/cli.js is missing: run `npm run build`').toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'bytepiece-dask-train-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fortunes in 4 shards == the reference trainer, cmp', () => {
    const p = JSON.parse(readFileSync(join(FORTUNES, 'params.json'), 'utf8')) as Params;
    const inputs = p.corpora.map((c) => join(SHARED, c));
    const out = join(dir, 'fortunes.model');
    const r = driver([
      ...inputs,
      '--jsonl',
      '--vocab',
      p.max_vocab_size.join(','),
      '--order',
      String(p.order),
      '--min-count',
      String(p.min_count),
      '-o',
      out,
      '--workers',
      '2',
      '--shards',
      '4',
      '--fan-in',
      '2',
      '--work-dir',
      dir,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/4 shards on 2 Dask workers/);
    for (const size of p.max_vocab_size) {
      expect(readFileSync(`${out}.${size}`).equals(readFileSync(join(FORTUNES, `fortunes.model.${size}`))), `fortunes.model.${size}`).toBe(true);
    }
    expect(
      readdirSync(dir).filter((f) => f.includes('.train.')),
      'work folders left behind',
    ).toEqual([]);
  });

  it('a failing task: exit 1 with its error, no model, no work files left', () => {
    const bad = join(dir, 'bad.jsonl');
    const lines = readFileSync(join(SHARED, 'corpora', 'en-fortunes.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .slice(0, 400);
    lines[395] = '{"text": 42}';
    writeFileSync(bad, lines.join('\n') + '\n');
    const before = readdirSync(dir).sort();
    const r = driver([bad, '--jsonl', '--vocab', '300', '-o', join(dir, 'failed.model'), '--workers', '2', '--shards', '4', '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /^train\.py: counting n-grams failed: bytepiece: .*bad\.jsonl \[the shard from byte \d+\]:\d+: field "text" is number, not a string .*--shard 4\/4.*; no model written\n$/,
    );
    expect(readdirSync(dir).sort(), 'files left behind').toEqual(before);
  });
});
