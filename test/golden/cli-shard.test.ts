// `bytepiece encode --shard K/N`: shares 1..N of the inputs, joined by `bytepiece concat` in order,
// are byte-identical (cmp) to one encode of the whole, in every input mode and output format, for
// shard counts from 1 to more shards than documents; bad K/N and unshardable inputs are refused.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED, corpora } from '../helpers/shared.js';
import { expectBuilt, fails, ok } from '../helpers/run-cli.js';
import { tinyModel } from '../helpers/tiny-model.js';

/** Encodes the shares 1..n of `inputs` and joins them; returns the joined bytes (and .idx). */
function shardedEncode(dir: string, name: string, inputs: string[], args: string[], format: 'jsonl' | 'u16' | 'u32', n: number) {
  const parts: string[] = [];
  for (let k = 1; k <= n; k++) {
    const part = join(dir, `${name}.${k}-of-${n}.${format}`);
    ok(['encode', '-q', '-f', format, '-o', part, '--shard', `${k}/${n}`, ...args, ...inputs]);
    parts.push(part);
  }
  const all = join(dir, `${name}.all-${n}.${format}`);
  ok(['concat', '-q', '-o', all, ...parts]);
  return all;
}

function expectSameFiles(got: string, want: string, binary: boolean): void {
  expect(readFileSync(got).equals(readFileSync(want)), `${got} differs from ${want}`).toBe(true);
  if (binary) expect(readFileSync(`${got}.idx`).equals(readFileSync(`${want}.idx`)), `${got}.idx differs from ${want}.idx`).toBe(true);
}

describe('encode --shard K/N + concat == one encode (generated inputs, no ../shared needed)', { timeout: 300_000 }, () => {
  let dir: string;
  let model: string;
  const texts = ['héllo wörld', '', '中文 text 测试', 'a'.repeat(700), '\u2028 separators\u2029', 'tab\tand  spaces', '😀 emoji 😀', 'x'];

  beforeAll(() => {
    expectBuilt();
    dir = mkdtempSync(join(tmpdir(), 'bytepiece-shard-'));
    model = join(dir, 'tiny.model');
    writeFileSync(
      model,
      JSON.stringify(
        tinyModel([
          ['he', 5],
          ['llo', 4],
          ['wö', 3],
          ['aa', 9],
          ['中文', 6],
          ['text', 7],
        ]),
      ),
    );
    // lines: CRLF lines, empty lines, a long line (many blocks at --block-size 64), no final \n.
    const lines = Array.from({ length: 60 }, (_, i) => texts[i % texts.length]! + (i % 7 === 0 ? '\r' : '')).join('\n');
    writeFileSync(join(dir, 'a.txt'), lines + '\n');
    writeFileSync(join(dir, 'b.txt'), lines.slice(0, 500));
    writeFileSync(join(dir, 'empty.txt'), '');
    // jsonl: a BOM before the first record, blank lines, another field.
    const records = Array.from({ length: 45 }, (_, i) => JSON.stringify({ id: i, text: texts[i % texts.length] }) + (i % 5 === 0 ? '\n' : ''));
    writeFileSync(join(dir, 'a.jsonl'), '\ufeff' + records.join('\n') + '\n');
    writeFileSync(join(dir, 'b.jsonl'), records.slice(3, 20).join('\n'));
    // documents: a file each, one with \n runs and a long line.
    texts.forEach((t, i) => writeFileSync(join(dir, `doc${i}.txt`), `${t}\n\n${t}\nend`.repeat(i + 1)));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases = [
    { mode: 'lines', args: ['--lines'], inputs: ['a.txt', 'empty.txt', 'b.txt', 'empty.txt'] },
    { mode: 'jsonl', args: ['--jsonl'], inputs: ['a.jsonl', 'b.jsonl'] },
    { mode: 'doc', args: [], inputs: ['empty.txt', ...texts.map((_, i) => `doc${i}.txt`), 'empty.txt'] },
  ] as const;
  for (const c of cases) {
    it(`${c.mode}: shares 1..N for N in 1, 4 (u32) and 2 (JSONL); with --add-bos --add-eos`, () => {
      const inputs = c.inputs.map((f) => join(dir, f));
      const args = ['-m', model, '--block-size', '64', '-w', '2', ...c.args];
      for (const format of ['u16', 'u32', 'jsonl'] as const) {
        const extra = format === 'jsonl' ? ['--add-bos', '--add-eos'] : [];
        const whole = join(dir, `${c.mode}.whole.${format}`);
        ok(['encode', '-q', '-f', format, '-o', whole, ...args, ...extra, ...inputs]);
        const ns = format === 'u32' ? [1, 4] : [2];
        for (const n of ns) expectSameFiles(shardedEncode(dir, `${c.mode}-${format}`, inputs, [...args, ...extra], format, n), whole, format !== 'jsonl');
      }
    });
  }

  it('more shares than documents: the empty shares are empty outputs, and the join is still the whole', () => {
    const inputs = [join(dir, 'doc0.txt'), join(dir, 'doc1.txt'), join(dir, 'empty.txt')];
    const whole = join(dir, 'few.whole.u32');
    ok(['encode', '-q', '-m', model, '-f', 'u32', '-o', whole, ...inputs]);
    expectSameFiles(shardedEncode(dir, 'few', inputs, ['-m', model], 'u32', 4), whole, true);
    const lines = join(dir, 'two-lines.txt');
    writeFileSync(lines, 'one\ntwo\n');
    const wholeLines = join(dir, 'two.whole.u32');
    ok(['encode', '-q', '-m', model, '--lines', '-f', 'u32', '-o', wholeLines, lines]);
    expectSameFiles(shardedEncode(dir, 'two', [lines], ['-m', model, '--lines'], 'u32', 3), wholeLines, true);
  });

  it('every document lands in exactly one share: per-share document counts add up, shares are contiguous', () => {
    const input = join(dir, 'a.txt');
    const counts: number[] = [];
    for (let k = 1; k <= 4; k++) {
      const out = ok(['encode', '-q', '-m', model, '--lines', '--shard', `${k}/4`, input]).stdout.toString();
      counts.push(out.split('\n').filter((l) => l.length > 0).length);
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(60);
    expect(
      counts.every((n) => n > 5),
      `shares of 60 lines: ${counts}`,
    ).toBe(true);
  });

  it('a share that starts inside a file names a bad record by its line within the share and the byte it starts at', () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, Array.from({ length: 40 }, (_, i) => (i === 30 ? '{"text": 1}' : JSON.stringify({ text: `record ${i}` }))).join('\n') + '\n');
    const out = join(dir, 'out');
    mkdirSync(out);
    fails(
      ['encode', '-m', model, '--jsonl', '--shard', '2/2', '-f', 'u32', '-o', join(out, 'x.u32'), bad],
      /bad\.jsonl: line \d+ of the shard starting at byte \d+: "text" is a number/,
      out,
    );
    fails(['encode', '-m', model, '--jsonl', '--shard', '1/1', '-f', 'u32', '-o', join(out, 'x.u32'), bad], /bad\.jsonl:31: "text" is a number/, out);
  });

  it('bad K/N, stdin, and --seed are refused with a clear message', () => {
    const input = join(dir, 'a.txt');
    for (const [value, message] of [
      ['0/4', /--shard 0\/4: K must be between 1 and N \(4\)/],
      ['5/4', /--shard 5\/4: K must be between 1 and N \(4\)/],
      ['1/0', /--shard 1\/0: N must be a positive integer/],
      ['3', /--shard must be K\/N .*got "3"/],
      ['a/b', /--shard must be K\/N .*got "a\/b"/],
      ['-1/4', /--shard must be K\/N .*got "-1\/4"/],
    ] as const) {
      fails(['encode', '-m', model, '--lines', '--shard', value, input], message);
    }
    fails(['encode', '-m', model, '--lines', '--shard', '1/2', '-'], /--shard needs inputs of known size: stdin/, undefined, 'a\nb\n');
    fails(['encode', '-m', model, '--lines', '--shard', '1/2', '--alpha', '0.1', '--seed', '3', input], /--shard cannot be combined with --seed/);
  });
});

describe.skipIf(!HAS_SHARED)('encode --shard + concat == one encode over the shared corpora', { timeout: 300_000 }, () => {
  let dir: string;
  beforeAll(() => {
    expectBuilt();
    dir = mkdtempSync(join(tmpdir(), 'bytepiece-shard-corpora-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('all corpora as JSONL (one document per record), 4 shares, u32 out: cmp-identical', () => {
    const inputs = corpora().map((c) => join(SHARED, 'corpora', `${c}.jsonl`));
    expect(inputs.length).toBeGreaterThan(0);
    const model = join(SHARED, 'models', 'bytepiece.id.eu.plus.40k.zip');
    const whole = join(dir, 'whole.u32');
    ok(['encode', '-q', '-m', model, '--jsonl', '-f', 'u32', '-o', whole, ...inputs]);
    expectSameFiles(shardedEncode(dir, 'corpora', inputs, ['-m', model, '--jsonl'], 'u32', 4), whole, true);
  });
});
