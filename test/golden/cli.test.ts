// The `bytepiece` CLI, run as users run it: the built dist/cli.js in a child process (`npm test`
// builds it first). Round trips in every format and input mode, ids equal to the library's and the
// golden files, .idx offsets, every bad input of the issue (non-zero exit, one line, no output
// left behind), Ctrl-C, progress output, decode and info.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { HAS_SHARED, SHARED, corpora, corpusTexts, goldenIds, modelPath } from '../helpers/shared.js';
import { tinyModel } from '../helpers/tiny-model.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const SMALL = 'bytepiece.id.eu.plus.40k'; // eu, vocab <= 65535: u16 allowed
const LARGE = 'bytepiece.zh.id.eu.80k'; // eu, vocab > 65535: u16 refused

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function cli(args: string[], input?: string | Buffer): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, maxBuffer: 1 << 30, cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** Asserts a successful run (showing stderr otherwise). */
function ok(args: string[], input?: string | Buffer): Run {
  const r = cli(args, input);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

const jsonl = (buf: Buffer | string): unknown[] =>
  buf
    .toString()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));
const idsOf = (buf: Buffer | string) => (jsonl(buf) as { ids: number[] }[]).map((r) => r.ids);
const textsOf = (buf: Buffer | string) => (jsonl(buf) as { text: string }[]).map((r) => r.text);

function readU(path: string, width: 2 | 4): number[] {
  const b = readFileSync(path);
  const out: number[] = [];
  for (let i = 0; i < b.length; i += width) out.push(width === 2 ? b.readUInt16LE(i) : b.readUInt32LE(i));
  return out;
}
function readIdx(path: string): number[] {
  const b = readFileSync(path);
  expect(b.length % 8).toBe(0);
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 8) out.push(Number(b.readBigUInt64LE(i)));
  return out;
}

/** Checks a u16/u32 file against its .idx and the expected ids per document. */
function checkBinary(out: string, width: 2 | 4, want: ArrayLike<number>[]): void {
  const ids = readU(out, width);
  const idx = readIdx(`${out}.idx`);
  expect(idx.length).toBe(want.length + 1);
  expect(idx[0]).toBe(0);
  expect(idx[idx.length - 1]).toBe(ids.length);
  const bad: number[] = [];
  want.forEach((w, d) => {
    const doc = ids.slice(idx[d], idx[d + 1]);
    const expected = [...Array.from(w), 2];
    if (doc.length !== expected.length || doc.some((v, k) => v !== expected[k])) bad.push(d);
  });
  expect(bad, 'documents whose ids (between .idx offsets) differ').toEqual([]);
}

/** Asserts a failed run: non-zero exit, one line on stderr naming the problem, nothing left in `dir`. */
function fails(args: string[], message: RegExp, dir?: string, input?: string): void {
  const before = dir ? readdirSync(dir).sort() : [];
  const r = cli(args, input);
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.code).not.toBeNull();
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^bytepiece: /);
  expect(lines[0]).toMatch(message);
  if (dir) expect(readdirSync(dir).sort(), 'files left behind').toEqual(before);
}

describe.skipIf(!HAS_SHARED)('bytepiece CLI', () => {
  let dir: string;
  let small: Tokenizer;
  let sample: string; // a JSONL sample of every corpus
  let sampleTexts: string[];

  beforeAll(async () => {
    expect(existsSync(CLI), `${CLI} is missing: run \`npm run build\` (npm test does it in pretest)`).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'bytepiece-cli-'));
    small = await Tokenizer.load(modelPath(SMALL));
    sampleTexts = corpora().flatMap((c) => corpusTexts(c).filter((_, i) => i % 23 === 0));
    sample = join(dir, 'sample.jsonl');
    writeFileSync(sample, sampleTexts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('JSONL in, every format out: ids equal the golden files and single-thread encode; .idx offsets check out', () => {
    const model = modelPath(SMALL);
    const inputs = corpora().map((c) => join(SHARED, 'corpora', `${c}.jsonl`));
    const want = corpora().flatMap((c) => goldenIds(SMALL, c));
    const out = join(dir, 'all.jsonl');
    ok(['encode', '-m', model, '--jsonl', '--workers', '2', '--block-size', '200000', '-q', '-o', out, ...inputs]);
    const got = idsOf(readFileSync(out));
    expect(got.length).toBe(want.length);
    expect(got.filter((ids, i) => ids.join() !== want[i]!.join()).length, 'documents differing from golden').toBe(0);
    for (const format of ['u16', 'u32'] as const) {
      const bin = join(dir, `all.${format}`);
      ok(['encode', '-m', model, '--jsonl', '-w', '2', '--block-size', '300000', '-q', '-f', format, '-o', bin, ...inputs]);
      checkBinary(bin, format === 'u16' ? 2 : 4, want);
    }
  }, 120_000);

  it('round trip encode → decode reproduces the NFC input for eu models, in every format and input mode', () => {
    const nfc = sampleTexts.map((t) => t.normalize('NFC'));
    for (const name of [SMALL, LARGE]) {
      const model = modelPath(name);
      for (const format of name === SMALL ? (['jsonl', 'u16', 'u32'] as const) : (['jsonl', 'u32'] as const)) {
        const out = join(dir, `rt-${name}.${format}`);
        ok(['encode', '-m', model, '--jsonl', '-w', '2', '--block-size', '50000', '-q', '-f', format, '-o', out, sample]);
        const back = ok(['decode', '-m', model, '-f', format, '-q', out]).stdout;
        const texts = textsOf(back);
        expect(texts.length).toBe(nfc.length);
        expect(texts.filter((t, i) => t !== nfc[i]).length, `${name} ${format}: documents not reproduced`).toBe(0);
      }
    }
  }, 120_000);

  it('one document per file: exact for a document cut into many blocks (split only after \\n runs)', async () => {
    // Documents with \n runs, \r\n, combining marks at block edges, no final newline.
    const docs = [
      corpusTexts('zh-fortunes').slice(0, 1500).join('\n\n\n') + 'e\u0301',
      corpusTexts('code').slice(0, 20).join('\r\n'),
      '',
      '\n\n\nstarts with newlines\n',
    ];
    const files = docs.map((d, i) => {
      const f = join(dir, `doc${i}.txt`);
      writeFileSync(f, d);
      return f;
    });
    const want = docs.map((d) => Array.from(small.encode(d)));
    const out = join(dir, 'docs.jsonl');
    ok(['encode', '-m', modelPath(SMALL), '-w', '2', '--block-size', '4096', '-q', '-o', out, ...files]);
    expect(idsOf(readFileSync(out))).toEqual(want);
    const bin = join(dir, 'docs.u32');
    ok(['encode', '-m', modelPath(SMALL), '-w', '2', '--block-size', '4096', '-q', '-f', 'u32', '-o', bin, ...files]);
    checkBinary(bin, 4, want);
    const texts = textsOf(ok(['decode', '-m', modelPath(SMALL), '-q', bin]).stdout);
    expect(texts).toEqual(docs.map((d) => d.normalize('NFC')));
    // <bos>/<eos> frame each document; binary formats never double the <eos>.
    const framed = idsOf(ok(['encode', '-m', modelPath(SMALL), '--add-bos', '--add-eos', '-q', files[2]!, files[3]!]).stdout);
    expect(framed).toEqual([
      [1, 2],
      [1, ...want[3]!, 2],
    ]);
    const framedBin = join(dir, 'framed.u16');
    ok(['encode', '-m', modelPath(SMALL), '--add-bos', '--add-eos', '-q', '-f', 'u16', '-o', framedBin, files[2]!, files[3]!]);
    checkBinary(framedBin, 2, [[1], [1, ...want[3]!]]);
  }, 60_000);

  it('--lines: one document per line (CRLF ends a line too; empty lines are empty documents); stdin works', () => {
    const text = 'first line\r\nsecond 行\n\nfourth e\u0301\nlast without newline';
    const lines = ['first line', 'second 行', '', 'fourth e\u0301', 'last without newline'];
    const want = lines.map((l) => Array.from(small.encode(l)));
    const file = join(dir, 'lines.txt');
    writeFileSync(file, text);
    expect(idsOf(ok(['encode', '-m', modelPath(SMALL), '--lines', '-q', file]).stdout)).toEqual(want);
    expect(idsOf(ok(['encode', '-m', modelPath(SMALL), '--lines', '-q', '-'], text).stdout)).toEqual(want);
    expect(idsOf(ok(['encode', '-m', modelPath(SMALL), '--lines', '-q'], text).stdout)).toEqual(want);
    const bin = join(dir, 'lines.u16');
    ok(['encode', '-m', modelPath(SMALL), '--lines', '-q', '-f', 'u16', '-o', bin, file]);
    checkBinary(bin, 2, want);
  });

  it('--jsonl: blank lines skipped, --field picks the text, a BOM before the first record is ignored', () => {
    const file = join(dir, 'fields.jsonl');
    writeFileSync(file, '\uFEFF{"body": "one", "text": 1}\n\n   \n{"body": "two\\u2028three"}\n');
    const want = ['one', 'two\u2028three'].map((t) => Array.from(small.encode(t)));
    expect(idsOf(ok(['encode', '-m', modelPath(SMALL), '--jsonl', '--field', 'body', '-q', file]).stdout)).toEqual(want);
  });

  it('the same output for 1 and 2 workers and any block size', () => {
    const outs = [
      ['-w', '1', '--block-size', '1048576'],
      ['-w', '2', '--block-size', '7000'],
    ].map((extra, i) => {
      const out = join(dir, `w${i}.u32`);
      ok(['encode', '-m', modelPath(SMALL), '--jsonl', '-q', '-f', 'u32', '-o', out, ...extra, sample]);
      return [readFileSync(out), readFileSync(`${out}.idx`)];
    });
    expect(outs[0]![0]!.equals(outs[1]![0]!)).toBe(true);
    expect(outs[0]![1]!.equals(outs[1]![1]!)).toBe(true);
  });

  describe('bad input: non-zero exit, one line naming the problem, no output left behind', () => {
    let out: string;
    let outDir: string;
    let bigJsonl: string;
    beforeAll(() => {
      outDir = join(dir, 'out');
      mkdirSync(outDir);
      out = join(outDir, 'result');
      // Enough records that several blocks are written before the bad record is reached.
      bigJsonl = corpusTexts('en-fortunes')
        .slice(0, 6000)
        .map((text) => JSON.stringify({ text }))
        .join('\n');
    });
    const model = () => modelPath(SMALL);
    const write = (name: string, data: string | Uint8Array) => {
      const f = join(dir, name);
      writeFileSync(f, data);
      return f;
    };
    const multiBlock = ['--block-size', '8192', '-w', '2'];

    it('a missing input file', () => fails(['encode', '-m', model(), '-o', out, join(dir, 'nope.txt')], /nope\.txt: no such file or directory/, outDir));
    it('a directory as input', () => fails(['encode', '-m', model(), '-o', out, dir], /is a directory/, outDir));
    it('a missing model', () => fails(['encode', '-m', join(dir, 'nope.zip'), '-o', out, sample], /model .*nope\.zip: no such file/, outDir));
    it('a corrupt model', () =>
      fails(['encode', '-m', write('bad.model', '{"a": 1}'), '-o', out, sample], /bad\.model.*value must be \[id, text, count\]/, outDir));

    it('invalid UTF-8 in a text file: file and byte offset (or --lossy)', () => {
      const good = new TextEncoder().encode(corpusTexts('en-fortunes').slice(0, 3000).join('\n'));
      const bytes = new Uint8Array(good.length + 10);
      bytes.set(good);
      bytes.set([0x0a, 0x61, 0xc3, 0x28, 0x62, 0x0a, 0x63, 0xe2, 0x82, 0xac], good.length); // \n a C3 ( b \n c €
      const f = write('bad-utf8.txt', bytes);
      fails(
        ['encode', '-m', model(), ...multiBlock, '-o', out, f],
        new RegExp(`bad-utf8\\.txt:${good.filter((b) => b === 10).length + 2}: invalid UTF-8 at byte offset ${good.length + 2} \\(use --lossy`),
        outDir,
      );
      const line = good.filter((b) => b === 10).length + 2; // the bad byte is on the line after the last good one
      fails(
        ['encode', '-m', model(), ...multiBlock, '--lines', '-o', out, f],
        new RegExp(`bad-utf8\\.txt:${line}: invalid UTF-8 at byte offset ${good.length + 2}`),
        outDir,
      );
      const lossy = ok(['encode', '-m', model(), ...multiBlock, '--lossy', '-q', f]).stdout;
      expect(idsOf(lossy)).toEqual([Array.from(small.encode(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)))]);
    });

    it('a malformed JSONL line: file:line', () => {
      const f = write('malformed.jsonl', `${bigJsonl}\n{"text": "fine"}\n{"text": "broken\n`);
      fails(['encode', '-m', model(), ...multiBlock, '--jsonl', '-o', out, f], /malformed\.jsonl:6002: invalid JSON/, outDir);
      const g = write('not-object.jsonl', '{"text": "a"}\n["text"]\n');
      fails(['encode', '-m', model(), '--jsonl', '-o', out, g], /not-object\.jsonl:2: expected a JSON object, got an array/, outDir);
    });

    it('a missing field, or one that is not a string', () => {
      const f = write('nofield.jsonl', `${bigJsonl}\n{"txt": "wrong key"}\n`);
      fails(['encode', '-m', model(), ...multiBlock, '--jsonl', '-o', out, f], /nofield\.jsonl:6001: no "text" field/, outDir);
      const g = write('numfield.jsonl', '{"text": "a"}\n\n{"text": 42}\n');
      fails(['encode', '-m', model(), '--jsonl', '-o', out, g], /numfield\.jsonl:3: "text" is a number, expected a string/, outDir);
      const h = write('lone.jsonl', '{"text": "a"}\n{"text": "x\\ud800y"}\n');
      fails(['encode', '-m', model(), '--jsonl', '-o', out, h], /lone\.jsonl:2: "text": lone surrogate U\+D800/, outDir);
    });

    it('u16 with a large vocabulary', () =>
      fails(
        ['encode', '-m', modelPath(LARGE), '-f', 'u16', '-o', out, sample],
        /--format u16 cannot hold the ids of .*vocab size is \d+, over the 65535 u16 allows; use --format u32/,
        outDir,
      ));

    it('an unwritable output', () => {
      fails(['encode', '-m', model(), '-o', join(dir, 'no-such-dir', 'x.jsonl'), sample], /cannot write .*no-such-dir.*no such file or directory/, outDir);
      fails(['encode', '-m', model(), '-o', join(sample, 'x.jsonl'), sample], /cannot write .*not a directory/, outDir);
      fails(['encode', '-m', model(), '-o', outDir, sample], /cannot write .*it is a directory/, outDir);
      fails(['encode', '-m', model(), '-o', sample, sample], /is also an input/, outDir);
    });

    it('bad options', () => {
      fails(['encode', '-m', model(), '-f', 'u32', sample], /give the output path with -o/, outDir);
      fails(['encode', '-m', model(), '--lines', '--jsonl', '-o', out, sample], /--lines and --jsonl exclude each other/, outDir);
      fails(['encode', '-m', model(), '-w', 'zero', '-o', out, sample], /--workers must be a positive integer/, outDir);
      fails(['encode', '-m', model(), '-f', 'u8', '-o', out, sample], /u8.*invalid|Allowed choices/i, outDir);
      fails(['encode', '-m', join(dir, 'bytepiece.eu.plus.160k'), '-o', out, sample], /model .*bytepiece\.eu\.plus\.160k: no such file/, outDir);
    });

    it('sampling flags pass through (same ids for any --workers); a seed without --alpha is refused', () => {
      const a = ok(['encode', '-m', model(), '--jsonl', '--alpha', '0.1', '--seed', '3', '-w', '1', '-q', sample]).stdout;
      const b = ok(['encode', '-m', model(), '--jsonl', '--alpha', '0.1', '--seed', '3', '-w', '2', '-q', sample]).stdout;
      expect(a.equals(b)).toBe(true);
      fails(['encode', '-m', model(), '--seed', '3', '-o', out, sample], /--seed only applies with --alpha/, outDir);
    });

    it('decode: unknown ids (file:line), malformed lines, an index that does not match', () => {
      const f = write('ids.jsonl', '{"ids":[100,200]}\n{"ids":[5, 99999999]}\n');
      fails(['decode', '-m', model(), '-o', out, f], /ids\.jsonl:2: unknown id 99999999 at index 1/, outDir);
      const g = write('ids2.jsonl', '{"ids":[100]}\n{"idz":[1]}\n');
      fails(['decode', '-m', model(), '-o', out, g], /ids2\.jsonl:2: expected an object with an "ids" array/, outDir);
      const bin = join(dir, 'mismatch.u32');
      ok(['encode', '-m', model(), '--lines', '-q', '-f', 'u32', '-o', bin, write('two.txt', 'a\nb\n')]);
      writeFileSync(`${bin}.idx`, Buffer.from(new BigUint64Array([0n, 2n, 5n]).buffer));
      fails(['decode', '-m', model(), '-o', out, bin], /mismatch\.u32\.idx: the last offset is 5 but the ids file holds 4 ids/, outDir);
      writeFileSync(join(dir, 'odd.u32'), Buffer.from([1, 0, 0]));
      fails(['decode', '-m', model(), '-o', out, join(dir, 'odd.u32')], /3 bytes is not a whole number of 32-bit ids/, outDir);
    });
  });

  it('Ctrl-C: exits 130 with a message and leaves no output or temporary file', async () => {
    const big = join(dir, 'big.jsonl');
    const one = corpora()
      .map((c) => readFileSync(join(SHARED, 'corpora', `${c}.jsonl`)))
      .map((b) => b.toString())
      .join('');
    writeFileSync(big, one.repeat(6));
    const outDir = join(dir, 'sigint');
    mkdirSync(outDir);
    const child = spawn(process.execPath, [
      CLI,
      'encode',
      '-m',
      modelPath(SMALL),
      '--jsonl',
      '-w',
      '1',
      '--progress-interval',
      '0.1',
      '-o',
      join(outDir, 'out.u32'),
      '-f',
      'u32',
      big,
    ]);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until it is writing (a progress line), then interrupt.
    const deadline = Date.now() + 60_000;
    while (!/encode: \d/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(
      readdirSync(outDir).some((f) => f.endsWith('.tmp')),
      'a temporary file exists while running',
    ).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/bytepiece: interrupted \(SIGINT\); no output file written/);
    expect(readdirSync(outDir)).toEqual([]);
  }, 90_000);

  it('progress: plain periodic lines when stderr is not a terminal, a summary at the end; --quiet prints nothing', () => {
    const inputs = corpora().map((c) => join(SHARED, 'corpora', `${c}.jsonl`));
    const r = ok(['encode', '-m', modelPath(SMALL), '--jsonl', '-w', '1', '--progress-interval', '0.05', '-o', join(dir, 'p.jsonl'), ...inputs]);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(
      lines.slice(0, -1).every((l) => /^bytepiece: encode: [\d.]+%, [\d.]+\/[\d.]+ MB, [\d.]+ MB\/s, ETA /.test(l)),
      r.stderr,
    ).toBe(true);
    expect(lines.at(-1)).toMatch(
      /^bytepiece: encoded 20,568 documents, [\d.]+ MB → [\d,]+ tokens \([\d.]+ bytes\/token\) in ([\d.]+ s|\d+ ms), [\d.]+ [kM]B\/s, 1 worker, peak RSS \d+ MiB; wrote /,
    );
    expect(ok(['encode', '-m', modelPath(SMALL), '--jsonl', '-q', '-o', join(dir, 'p.jsonl'), sample]).stderr).toBe('');
  }, 60_000);

  it('info: pieces, vocab size, longest piece, special ids, load time, bytes/token on a file', () => {
    const text = ok(['info', modelPath(SMALL), sample, '--jsonl']).stdout.toString();
    expect(text).toMatch(new RegExp(`pieces +${(small.vocabSize - 3).toLocaleString('en-US')}\\n`));
    expect(text).toMatch(new RegExp(`vocab size +${small.vocabSize.toLocaleString('en-US')} \\(ids 0-${small.vocabSize - 1}\\)`));
    expect(text).toMatch(/longest piece +\d+ bytes, id \d+: /);
    expect(text).toMatch(/special ids +<pad>=0 <bos>=1 <eos>=2/);
    expect(text).toMatch(/load time +\d+ ms \(wasm engine\)/);
    const info = JSON.parse(ok(['info', modelPath(SMALL), sample, '--jsonl', '--json']).stdout.toString());
    const tokens = sampleTexts.reduce((n, t) => n + small.encode(t).length, 0);
    const bytes = sampleTexts.reduce((n, t) => n + Buffer.byteLength(t), 0);
    expect(info.sample).toEqual({ file: sample, documents: sampleTexts.length, bytes, tokens, bytesPerToken: bytes / tokens });
    let longest = 0;
    for (let id = 3; id < small.vocabSize; id++) longest = Math.max(longest, (small.idToPiece(id) as Uint8Array).length);
    expect(info.longestPiece.bytes).toBe(longest);
    expect(info.pieces).toBe(small.vocabSize - 3);
  });

  it('the CommonJS build loads and runs the pool', () => {
    const script = `const { Tokenizer, TokenizerPool } = require(${JSON.stringify(join(ROOT, 'dist', 'node.cjs'))});
      (async () => {
        const pool = await TokenizerPool.create(${JSON.stringify(modelPath(SMALL))}, { threads: 2 });
        const tok = Tokenizer.loadSync(${JSON.stringify(modelPath(SMALL))});
        const [a] = await pool.encodeBatch(['hello 世界']);
        await pool.close();
        process.stdout.write(JSON.stringify([Array.from(a), Array.from(tok.encode('hello 世界'))]));
      })();`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT });
    expect(r.status, r.stderr.toString()).toBe(0);
    const [a, b] = JSON.parse(r.stdout.toString());
    expect(a).toEqual(b);
    expect(a).toEqual(Array.from(small.encode('hello 世界')));
  });
});

/** A model of exactly `vocabSize` ids: the 256 bytes plus distinct 3-byte printable-ASCII pieces. */
function modelOfVocabSize(vocabSize: number): ReturnType<typeof tinyModel> {
  const pieces: [string, number][] = [];
  for (let i = 0; pieces.length < vocabSize - 3 - 256; i++) {
    pieces.push([String.fromCharCode(32 + (i % 95), 32 + (Math.floor(i / 95) % 95), 32 + Math.floor(i / 9025)), 2]);
  }
  return tinyModel(pieces);
}

describe('bytepiece CLI on generated models (no ../shared needed)', () => {
  let dir: string;
  const writeModel = (name: string, model: object) => {
    const f = join(dir, name);
    writeFileSync(f, JSON.stringify(model));
    return f;
  };
  beforeAll(() => {
    expect(existsSync(CLI), `${CLI} is missing: run \`npm run build\` (npm test does it in pretest)`).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'bytepiece-cli-gen-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('u16: vocab size 65535 is accepted (ids up to 65534 written), 65536 is refused (the issue: refused when vocabSize > 65535)', async () => {
    const outDir = join(dir, 'u16');
    mkdirSync(outDir);
    const at = writeModel('v65535.model', modelOfVocabSize(65535));
    const over = writeModel('v65536.model', modelOfVocabSize(65536));
    const tok = await Tokenizer.load(at);
    expect(tok.vocabSize).toBe(65535);
    expect((await Tokenizer.load(over)).vocabSize).toBe(65536);
    const last = new TextDecoder().decode(tok.idToPiece(65534) as Uint8Array);
    const lines = ['hello world', `${last}${last} and ${last}`, ''];
    const input = join(dir, 'u16.txt');
    writeFileSync(input, lines.join('\n') + '\n');
    const out = join(outDir, 'ids.u16');
    ok(['encode', '-m', at, '--lines', '-q', '-f', 'u16', '-o', out, input]);
    checkBinary(
      out,
      2,
      lines.map((l) => tok.encode(l)),
    );
    expect(readU(out, 2)).toContain(65534);
    rmSync(out);
    rmSync(`${out}.idx`);
    fails(
      ['encode', '-m', over, '--lines', '-f', 'u16', '-o', out, input],
      /--format u16 cannot hold the ids of .*v65536\.model: its vocab size is 65536, over the 65535 u16 allows; use --format u32/,
      outDir,
    );
    ok(['encode', '-m', over, '--lines', '-q', '-f', 'u32', '-o', out, input]);
  }, 60_000);

  it('--seed takes what Tokenizer.load / setSeed take (any safe integer), and refuses the rest with their wording', async () => {
    const json = tinyModel([
      ['ab', 3],
      ['bc', 3],
      ['ca', 3],
      ['abc', 4],
      ['bca', 4],
    ]);
    const model = writeModel('seeds.model', json);
    const input = join(dir, 'seeds.txt');
    writeFileSync(input, Array.from({ length: 200 }, (_, i) => 'abc'.repeat(5 + (i % 7))).join('\n') + '\n');
    const run = (seed: string, workers: string) =>
      ok(['encode', '-m', model, '--lines', '--alpha', '0.5', '--seed', seed, '-w', workers, '--block-size', '500', '-q', input]).stdout;
    for (const seed of ['-7', '4294967296', '9007199254740991', '-9007199254740991']) {
      expect(run(seed, '1').equals(run(seed, '2')), `seed ${seed}: 1 and 2 workers agree`).toBe(true);
    }
    // Seeds past 32 bits are seeds of their own, not truncated to their low bits.
    expect(run('4294967296', '1').equals(run('0', '1'))).toBe(false);
    expect(run('-4294967296', '1').equals(run('0', '1'))).toBe(false);
    for (const bad of ['1.5', '9007199254740992', '0x10', 'abc']) {
      let library = '';
      try {
        await Tokenizer.load(json, { seed: Number(bad) });
      } catch (e) {
        library = (e as Error).message;
      }
      const r = cli(['encode', '-m', model, '--alpha', '0.5', '--seed', bad, input]);
      expect(r.code).not.toBe(0);
      const expected = bad === '0x10' ? '' : library.replace('options.seed', '--seed').replace(/got .*$/, `got "${bad}"`);
      expect(r.stderr.trimEnd()).toMatch(/^bytepiece: --seed must be a finite integer between -\(2\^53 - 1\) and 2\^53 - 1, got "/);
      if (expected) expect(r.stderr.trimEnd()).toBe(`bytepiece: ${expected}`);
    }
  }, 60_000);

  it('decode streams a large .idx (not read whole): many documents round-trip, a bad offset deep in it is named', () => {
    const model = writeModel(
      'idx.model',
      tinyModel([
        ['ab', 3],
        ['abc', 4],
      ]),
    );
    const lines = Array.from({ length: 300_000 }, (_, i) => (i % 10 === 0 ? '' : `abc ${i}`)); // .idx: 2.4 MB, 3 read chunks
    const input = join(dir, 'many.txt');
    writeFileSync(input, lines.join('\n') + '\n');
    const outDir = join(dir, 'idx');
    mkdirSync(outDir);
    const bin = join(dir, 'many.u32');
    ok(['encode', '-m', model, '--lines', '-q', '-f', 'u32', '-o', bin, input]);
    expect(textsOf(ok(['decode', '-m', model, '-q', bin]).stdout)).toEqual(lines);
    const idx = readFileSync(`${bin}.idx`);
    const at = 200_000; // in the second 1 MiB chunk of offsets
    idx.writeBigUInt64LE(idx.readBigUInt64LE(8 * (at - 1)) - 1n, 8 * at);
    writeFileSync(`${bin}.idx`, idx);
    fails(
      ['decode', '-m', model, '-o', join(outDir, 'x.jsonl'), bin],
      new RegExp(`many\\.u32\\.idx: offset ${at} \\(\\d+\\) is smaller than offset ${at - 1} \\(\\d+\\)`),
      outDir,
    );
  }, 60_000);

  it('bounded buffering: while nobody reads its stdout, encode stops reading stdin after a few blocks, then finishes', async () => {
    const model = writeModel(
      'buffering.model',
      tinyModel([
        ['hello', 5],
        [' world', 5],
        ['lo w', 2],
      ]),
    );
    const line = 'hello world, hello again\n'; // 25 bytes
    const chunk = Buffer.from(line.repeat(2621)); // about 64 KiB of whole lines
    const total = 512; // chunks: 32 MiB of input
    const blockSize = 65536;
    const child = spawn(process.execPath, [CLI, 'encode', '-m', model, '--lines', '-w', '1', '--block-size', String(blockSize), '-q', '-']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdout.pause(); // a stalled consumer: the pipe fills, then the CLI's writes wait
    let sent = 0;
    let stalled = false;
    while (sent < total) {
      const more = child.stdin.write(chunk);
      sent++;
      if (!more) {
        const drained = await Promise.race([
          new Promise<boolean>((resolve) => child.stdin.once('drain', () => resolve(true))),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000)),
        ]);
        if (!drained) {
          stalled = true;
          break;
        }
      }
    }
    // Bounded by construction: 2·workers + 2 blocks in flight, the block reader's 2 MiB buffer, the
    // output batch (1 MiB), and the pipes' buffers. Unbounded read-ahead would take all 32 MiB.
    expect(stalled, `the CLI kept reading its input (${sent} chunks of 64 KiB) though nobody read its output`).toBe(true);
    const sentBytes = sent * chunk.length;
    expect(sentBytes).toBeLessThan(4 * blockSize + 6 * 2 ** 20);
    // Then it finishes normally once its output is read.
    let newlines = 0;
    child.stdout.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) newlines++;
    });
    child.stdout.resume();
    child.stdin.once('drain', async () => {
      while (sent < total) {
        sent++;
        if (!child.stdin.write(chunk)) await new Promise((resolve) => child.stdin.once('drain', resolve));
      }
      child.stdin.end();
    });
    expect(await exited, stderr).toBe(0);
    expect(newlines).toBe(total * 2621);
  }, 120_000);
});

describe('bytepiece CLI with the default model (no --model; no ../shared needed)', () => {
  const TEXT = '今天天气不错，出去走走。 The quick brown fox 🦊 jumps over the lazy dog.\n第二行 second line 👩‍👩‍👧\n';
  let want: number[][];

  beforeAll(() => {
    expect(existsSync(CLI), `${CLI} is missing: run \`npm run build\` (npm test does it in pretest)`).toBe(true);
    const tok = Tokenizer.loadSync();
    want = TEXT.split('\n')
      .slice(0, -1)
      .map((line) => Array.from(tok.encode(line)));
  });

  it("encode --lines and decode round-trip on stdin with no --model: the library's default-model ids", () => {
    const enc = ok(['encode', '--lines'], TEXT);
    expect(idsOf(enc.stdout)).toEqual(want);
    // A tiny input is summarized in its own units and plurals, not "0.0 MB" and "1 documents".
    expect(enc.stderr).toMatch(
      /^bytepiece: encoded 2 documents, \d+ bytes → \d+ tokens \([\d.]+ bytes\/token\) in (\d+ ms|[\d.]+ s), [\d.]+ [kM]B\/s, \d+ workers?, /,
    );
    const dec = ok(['decode', '-'], enc.stdout);
    expect(textsOf(dec.stdout)).toEqual(TEXT.split('\n').slice(0, -1));
    expect(dec.stderr).toMatch(/^bytepiece: decoded 2 documents \(\d+ ids\) in /);
    // The model's name says the same as no --model.
    expect(idsOf(ok(['encode', '--lines', '-m', 'bytepiece.eu.plus.160k', '-q'], TEXT).stdout)).toEqual(want);
  });

  it('one document: "1 document"', () => {
    expect(ok(['encode'], 'a').stderr).toMatch(/^bytepiece: encoded 1 document, 1 byte → 1 token \(/);
  });

  it('info with no model describes the default model', () => {
    const info = JSON.parse(ok(['info', '--json']).stdout.toString()) as { model: string; vocabSize: number };
    expect(info.model).toBe('bytepiece.eu.plus.160k');
    expect(info.vocabSize).toBe(159831);
  });

  it.skipIf(!HAS_SHARED)('the default model gives the ids of the published bytepiece.eu.plus.160k.zip', () => {
    const zip = Tokenizer.loadSync(modelPath('bytepiece.eu.plus.160k'));
    expect(want).toEqual(
      TEXT.split('\n')
        .slice(0, -1)
        .map((line) => Array.from(zip.encode(line))),
    );
  });
});
