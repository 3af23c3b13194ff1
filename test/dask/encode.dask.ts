// examples/dask/encode.py on a LocalCluster of 2 worker processes: the shared corpora cut into
// shares, encoded by Dask tasks and joined, are cmp-identical to one `bytepiece encode`; a task that
// fails stops the run with its error and leaves no output (nor its shares) behind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED, corpora } from '../helpers/shared.js';
import { ROOT, expectBuilt, ok } from '../helpers/run-cli.js';
import { PYTHON } from './python.js';

const DRIVER = join(ROOT, 'examples', 'dask', 'encode.py');

function driver(args: string[]) {
  const r = spawnSync(PYTHON!, [DRIVER, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

describe.skipIf(!HAS_SHARED || !PYTHON)('Dask: examples/dask/encode.py on a LocalCluster (2 workers)', () => {
  let dir: string;
  let inputs: string[];
  const model = join(SHARED, 'models', 'bytepiece.id.eu.plus.40k.zip');
  beforeAll(() => {
    expectBuilt();
    dir = mkdtempSync(join(tmpdir(), 'bytepiece-dask-encode-'));
    inputs = corpora().map((c) => join(SHARED, 'corpora', `${c}.jsonl`));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the shared corpora in 5 shares (u32 + .idx, and --lines JSONL) == one bytepiece encode, cmp', () => {
    expect(inputs.length).toBeGreaterThan(0);
    for (const [format, mode] of [
      ['u32', '--jsonl'],
      ['jsonl', '--lines'],
    ] as const) {
      const whole = join(dir, `whole.${format}`);
      ok(['encode', '-q', '-m', model, mode, '-f', format, '-o', whole, ...inputs]);
      const out = join(dir, `dask.${format}`);
      const r = driver([...inputs, mode, '-m', model, '-f', format, '-o', out, '--workers', '2', '--shards', '5', '--work-dir', dir]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/5 shares on 2 Dask workers/);
      expect(readFileSync(out).equals(readFileSync(whole)), `${out} differs from ${whole}`).toBe(true);
      if (format === 'u32') expect(readFileSync(`${out}.idx`).equals(readFileSync(`${whole}.idx`)), '.idx differs').toBe(true);
    }
    expect(
      readdirSync(dir).filter((f) => f.includes('.shares.')),
      'share directories left behind',
    ).toEqual([]);
  });

  it('a failing task: exit 1 naming the share and the bad record, no output, no shares left', () => {
    const bad = join(dir, 'bad.jsonl');
    const lines = readFileSync(inputs[0]!, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .slice(0, 400);
    lines[395] = '{"text": 42}';
    writeFileSync(bad, lines.join('\n') + '\n');
    const before = readdirSync(dir).sort();
    const out = join(dir, 'failed.u32');
    const r = driver([bad, '--jsonl', '-m', model, '-f', 'u32', '-o', out, '--workers', '2', '--shards', '4', '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /encode\.py: share 4\/4 failed: bytepiece: .*bad\.jsonl: line \d+ of the shard starting at byte \d+: "text" is a number.*; no output written/,
    );
    expect(readdirSync(dir).sort(), 'files left behind').toEqual(before);
  });
});
