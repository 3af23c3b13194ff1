// `bytepiece train`, run as users run it (the built dist/cli.js; `npm test` builds it first): the
// reference's files byte for byte on the fortunes params (../shared/trainer/fortunes), stdin, the
// one-size naming, and bad flags (one line naming the flag, non-zero exit, no output file left).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { SHARED } from '../helpers/shared.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const FORTUNES = join(SHARED, 'trainer', 'fortunes');
const HAS = existsSync(join(FORTUNES, 'params.json'));
if (!HAS) console.warn(`[bytepiece-wasm tests] ${FORTUNES} not found: SKIPPING the train CLI parity test`);

const dir = mkdtempSync(join(tmpdir(), 'bytepiece-cli-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, 'train', ...args], { input, cwd: ROOT, maxBuffer: 1 << 28 });
  return { code: r.status, stderr: r.stderr.toString('utf8') };
}

const corpus = join(dir, 'small.txt');
writeFileSync(corpus, 'hello world, hello there\n世界 你好 世界\n'.repeat(50));

describe('bytepiece train: bad flags', () => {
  const cases: [string, string[], RegExp][] = [
    ['a size under 259', ['--vocab', '8000,100'], /^bytepiece: --vocab: each size must be at least 259 \(256 single bytes \+ 3 special ids\), got 100\n$/],
    ['a size that is not a number', ['--vocab', '8k'], /^bytepiece: --vocab must be sizes separated by commas .*got "8k"\n$/],
    ['a size given twice', ['--vocab', '300,300'], /^bytepiece: --vocab lists 300 twice\n$/],
    ['--order 0', ['--vocab', '300', '--order', '0'], /^bytepiece: --order must be a positive integer, got "0"\n$/],
    ['--min-count -1', ['--vocab', '300', '--min-count=-1'], /^bytepiece: --min-count must be a positive integer, got "-1"\n$/],
    ['--jsonl with --lines', ['--vocab', '300', '--jsonl', '--lines'], /^bytepiece: --jsonl and --lines exclude each other\n$/],
    [
      '--format other',
      ['--vocab', '300', '--format', 'yaml'],
      /^bytepiece: option '-f, --format <format>' argument 'yaml' is invalid\. Allowed choices are json, binary\.\n$/,
    ],
  ];
  for (const [what, flags, message] of cases) {
    it(`refuses ${what}`, () => {
      const out = join(dir, `bad-${what.replace(/\W+/g, '-')}`);
      const r = cli([corpus, ...flags, '-o', out]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(readdirSync(dir).filter((f) => f.includes('bad-'))).toEqual([]);
    });
  }

  it('refuses a missing input file before any work, leaving no output', () => {
    const out = join(dir, 'missing-out');
    const r = cli([corpus, join(dir, 'nope.txt'), '--vocab', '300', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`bytepiece: ${join(dir, 'nope.txt')}: no such file or directory\n`);
    expect(readdirSync(dir).filter((f) => f.includes('missing-out'))).toEqual([]);
  });

  it('refuses a bad JSONL line with file and line, leaving no output file and no temporary', () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"text":"ok"}\n{"text":1}\n');
    const r = cli([bad, '--jsonl', '--vocab', '300', '-o', join(dir, 'badjson-out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`bytepiece: ${bad}:2: field "text" is number, not a string\n`);
    expect(readdirSync(dir).filter((f) => f.includes('badjson-out'))).toEqual([]);
  });
});

describe('bytepiece train: outputs', () => {
  it('one size writes PREFIX (JSON, the same as from stdin); --format binary loads to the same tokenizer', async () => {
    const prefix = join(dir, 'one');
    const r = cli([corpus, '--lines', '--vocab', '300', '--min-count', '2', '--workers', '1', '-o', prefix]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/trained in .*one \(\d+ pieces\); peak RSS \d+ MiB\n$/);
    expect(readdirSync(dir).filter((f) => f.startsWith('one'))).toEqual(['one']);
    const fromStdin = join(dir, 'stdin-one');
    const s = cli(['-', '--lines', '--vocab', '300', '--min-count', '2', '--workers', '1', '-o', fromStdin, '--quiet'], readFileSync(corpus, 'utf8'));
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toBe('');
    expect(readFileSync(fromStdin).equals(readFileSync(prefix))).toBe(true);
    const bin = join(dir, 'one.bin');
    expect(cli([corpus, '--lines', '--vocab', '300', '--format', 'binary', '-o', bin, '-q']).code).toBe(0);
    const a = await Tokenizer.load(prefix);
    const b = await Tokenizer.load(bin);
    const text = 'hello world, 世界 你好';
    expect(Array.from(b.encode(text))).toEqual(Array.from(a.encode(text)));
    expect(a.vocabSize).toBeGreaterThan(259);
  }, 60_000);
});

describe('bytepiece train: Ctrl-C', () => {
  it('exits 130 during training, leaving no output file, temporary or stdin copy', async () => {
    const big = join(dir, 'big.txt');
    writeFileSync(big, Array.from({ length: 20000 }, (_, i) => `line ${i} ${(i * 7919).toString(36)} 世界${i % 97}`).join('\n'));
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('.bytepiece-train-stdin')).length;
    const child = spawn(process.execPath, [CLI, 'train', '-', big, '--lines', '--vocab', '5000', '--workers', '1', '--engine', 'js', '-o', join(dir, 'int')], {
      cwd: ROOT,
    });
    child.stdin.end(readFileSync(big));
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('train: count ngrams')) child.kill('SIGINT');
      });
      child.on('close', resolve);
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted \(SIGINT\); no output file written\n$/);
    expect(readdirSync(dir).filter((f) => f.includes('int'))).toEqual([]);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('.bytepiece-train-stdin')).length).toBe(before);
  }, 60_000);
});

describe.skipIf(!HAS)('bytepiece train: parity with the reference trainer on fortunes', () => {
  it('writes PREFIX.8000 and PREFIX.4000 identical to the reference files', () => {
    const p = JSON.parse(readFileSync(join(FORTUNES, 'params.json'), 'utf8')) as {
      corpora: string[];
      max_vocab_size: number[];
      min_count: number;
      order: number;
      max_piece_length: number;
    };
    const prefix = join(dir, 'fortunes.model');
    const r = cli([
      ...p.corpora.map((c) => join(SHARED, c)),
      '--jsonl',
      '--vocab',
      p.max_vocab_size.join(','),
      '--min-count',
      String(p.min_count),
      '--order',
      String(p.order),
      '--max-piece-length',
      String(p.max_piece_length),
      '--workers',
      '2',
      '-o',
      prefix,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('bytepiece: train: count ngrams\n');
    for (const size of p.max_vocab_size) {
      const want = readFileSync(join(FORTUNES, `fortunes.model.${size}`));
      expect(readFileSync(`${prefix}.${size}`).equals(want), `fortunes.model.${size}`).toBe(true);
    }
    expect(readdirSync(dir).filter((f) => f.includes('fortunes') && f.endsWith('.tmp'))).toEqual([]);
  }, 180_000);
});
