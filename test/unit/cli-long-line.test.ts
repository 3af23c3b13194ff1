// Lines too long for a block through `bytepiece encode` (issue 14 item 1): readBlocks gives such a
// line in parts cut anywhere (inside a UTF-8 character, an NFC sequence, a piece), and the parts
// are encoded in order by the streams' encoder (src/cli/long-line.ts). Here the block size, the
// streams' long-line threshold and the window are tiny, so short texts cross hundreds of part cuts
// and windows; the output files must be exactly those of encode() of each whole document, for
// both engines, every format, <bos>/<eos> framing, one worker and two. encodeCommand runs in this
// process, so the tiny thresholds reach the long lines (which the main thread encodes).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { encodeCommand, type EncodeOptions } from '../../src/cli/encode.js';
import { longLineLimits } from '../../src/cli/long-line.js';
import { streamLines } from '../../src/api/incremental.js';
import { lineWindowing } from '../../src/engine/line-windows.js';
import { tinyModel } from '../helpers/tiny-model.js';
import { PALETTE } from '../helpers/tricky-text.js';
import { longLine } from '../helpers/long-line-text.js';
import { expectBuilt, ok } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bp-cli-long-line-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const defaults = { lines: { ...streamLines }, windows: { ...lineWindowing }, limits: { ...longLineLimits } };
afterEach(() => {
  Object.assign(streamLines, defaults.lines);
  Object.assign(lineWindowing, defaults.windows);
  Object.assign(longLineLimits, defaults.limits);
});

const model = tinyModel([
  ['aa', 50],
  ['aaa', 20],
  ['ab', 30],
  ['ba', 30],
  ['abab', 60],
  ['\n\n', 9],
  ['世界', 40],
  ['世', 12],
  ['é', 9],
  ['hello ', 25],
  ['\r\n', 4],
  ['👨\u200D👩', 6],
]);
const modelPath = join(dir, 'tiny.model');
writeFileSync(modelPath, JSON.stringify(model));

/** A deterministic generator (xorshift32) so each case is reproducible. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

// PALETTE without its lone surrogates (a file holds UTF-8), plus the model's pieces and `\r`s.
const palette = [...PALETTE.filter((p) => Buffer.from(p).toString() === p), 'a', 'b', 'ab', 'aa', '世界', '\r'];

/** Lines, some far longer than the blocks, with combining marks, CJK, emoji and CRLF. */
function corpus(seed: number, lines: number, newlines: boolean): string {
  const next = random(seed);
  const out: string[] = [];
  for (let l = 0; l < lines; l++) {
    const parts = Math.floor(next() < 0.5 ? next() * 6 : next() * 400);
    let line = '';
    for (let k = 0; k < parts; k++) {
      const p = palette[Math.floor(next() * palette.length)]!;
      if (newlines || !p.includes('\n')) line += p;
    }
    out.push(line);
  }
  return out.join(next() < 0.5 ? '\n' : '\r\n') + (next() < 0.5 ? '\n' : '');
}

type Format = EncodeOptions['format'];
interface Frame {
  addBos?: boolean;
  addEos?: boolean;
}

/** What encode writes for these documents: their ids per document, as the format frames them. */
function expected(tok: Tokenizer, docs: string[], format: Format, frame: Frame): number[][] {
  const binary = format !== 'jsonl';
  return docs.map((d) => {
    const ids = Array.from(tok.encode(d, { addBos: frame.addBos === true, addEos: frame.addEos === true && !binary }));
    if (binary) ids.push(2);
    return ids;
  });
}

/** The documents of a file: itself (doc mode), or its lines without `\n` and a `\r` before it. */
function documents(text: string, lines: boolean): string[] {
  if (!lines) return [text];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** The output file read back as documents of ids (JSONL records, or the .idx ranges of the ids). */
function readOutput(out: string, format: Format): number[][] {
  if (format === 'jsonl') {
    return readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { ids: number[] }).ids);
  }
  const bytes = readFileSync(out);
  const ids =
    format === 'u16' ? new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2) : new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const idx = readFileSync(`${out}.idx`);
  const offsets = Array.from(new BigUint64Array(idx.buffer, idx.byteOffset, idx.length / 8), Number);
  expect(offsets[offsets.length - 1]).toBe(ids.length);
  return offsets.slice(0, -1).map((start, k) => Array.from(ids.subarray(start, offsets[k + 1])));
}

async function encodeFile(inputs: string | string[], options: Partial<EncodeOptions>): Promise<string> {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  await encodeCommand(typeof inputs === 'string' ? [inputs] : inputs, {
    format: 'jsonl',
    blockSize: 5,
    workers: 1,
    quiet: true,
    progressInterval: 1000,
    model: modelPath,
    output: out,
    ...options,
  });
  return out;
}

const engines = ['wasm', 'js'] as const;
const formats: Format[] = ['jsonl', 'u32', 'u16'];

describe.each(engines)('bytepiece encode: lines longer than blocks, in parts (%s engine)', (engine) => {
  const tok = Tokenizer.loadSync(model, { engine });

  for (const lines of [false, true]) {
    it(`${lines ? '--lines' : 'doc mode'}: every format and framing, block sizes 3..11, ids of encode() of each document`, async () => {
      streamLines.long = 7;
      lineWindowing.window = 16;
      const texts = Array.from({ length: 4 }, (_, k) => corpus(k * 7919 + (lines ? 1 : 0), 6, !lines));
      const inputs = texts.map((text, k) => {
        const input = join(dir, `in-${engine}-${lines}-${k}.txt`);
        writeFileSync(input, text);
        return input;
      });
      const docs = texts.flatMap((text) => documents(text, lines));
      for (let c = 0; c < 3; c++) {
        const format = formats[c]!;
        const frame: Frame = { addBos: c !== 1, addEos: c !== 2 };
        const blockSize = [3, 7, 11][c]!;
        const out = await encodeFile(inputs, { engine, lines, format, blockSize, workers: 2, ...frame });
        expect(readOutput(out, format), `${format}, block size ${blockSize}`).toEqual(expected(tok, docs, format, frame));
      }
    });
  }

  it('a line of one letter (best paths meet late), a `\\n` run cut between parts, CRLF cut between parts', async () => {
    streamLines.long = 5;
    lineWindowing.window = 8;
    const texts = ['a'.repeat(700), `b${'a'.repeat(301)}\n\n\n\n${'ab'.repeat(150)}`, `${'ab'.repeat(7)}\r\n${'ab'.repeat(40)}\r\nx`];
    const inputs = texts.map((text, k) => {
      const input = join(dir, `edge-${engine}-${k}.txt`);
      writeFileSync(input, text);
      return input;
    });
    for (const lines of [false, true]) {
      for (const blockSize of [3, 4]) {
        const out = await encodeFile(inputs, { engine, lines, format: 'u32', blockSize, addBos: true });
        const docs = texts.flatMap((text) => documents(text, lines));
        expect(readOutput(out, 'u32')).toEqual(expected(tok, docs, 'u32', { addBos: true }));
      }
    }
  });

  it('invalid UTF-8 in a long line: an error naming the file, line and byte offset; --lossy: U+FFFD', async () => {
    const bad = Buffer.concat([Buffer.from(`short\n${'ab'.repeat(100)}`), Buffer.from([0xe4, 0xb8]), Buffer.from(`${'ab'.repeat(100)}\nend\n`)]);
    const input = join(dir, `bad-${engine}.txt`);
    writeFileSync(input, bad);
    for (const lines of [false, true]) {
      await expect(encodeFile(input, { engine, lines })).rejects.toThrow(`${input}:2: invalid UTF-8 at byte offset 206 (use --lossy`);
      const out = await encodeFile(input, { engine, lines, lossy: true });
      expect(readOutput(out, 'jsonl')).toEqual(expected(tok, documents(new TextDecoder().decode(bad), lines), 'jsonl', {}));
    }
  });

  it('--alpha: a long line is sampled whole (a valid segmentation of it, the same for any --workers); past the limit, an error naming it', async () => {
    const text = `hello\n${'hello abab 世界 é '.repeat(40)}\n${'ab'.repeat(30)}`;
    const input = join(dir, `alpha-${engine}.txt`);
    writeFileSync(input, text);
    const sampled = (workers: number) => encodeFile(input, { engine, lines: true, alpha: 0.1, seed: 7, workers });
    const out = readOutput(await sampled(2), 'jsonl');
    expect(out.map((ids) => tok.decode(ids))).toEqual(documents(text, true).map((d) => d.normalize('NFC')));
    expect(readOutput(await sampled(1), 'jsonl')).toEqual(out);
    expect(out[1]).not.toEqual(Array.from(tok.encode(documents(text, true)[1]!))); // sampled, not the best
    longLineLimits.sampled = 300;
    await expect(sampled(2)).rejects.toThrow(
      `${input}:2: the line starting at byte offset 6 is longer than 300 bytes, the most --alpha samples (a sampled line is drawn from whole, in one string)`,
    );
  });

  it('--jsonl: a record longer than the limit is an error naming its line, byte offset and the limit', async () => {
    longLineLimits.jsonlRecord = 100;
    const input = join(dir, `records-${engine}.jsonl`);
    const before = `${JSON.stringify({ text: 'hi' })}\n${JSON.stringify({ text: 'a'.repeat(80) })}\n`;
    writeFileSync(input, `${before}${JSON.stringify({ text: 'b'.repeat(200) })}\n`);
    await expect(encodeFile(input, { engine, jsonl: true })).rejects.toThrow(
      `${input}:3: a JSONL record longer than 100 bytes (it starts at byte offset ${before.length}): records are parsed whole`,
    );
  });
});

describe('bytepiece info on a single 20 MiB line (the built CLI)', () => {
  it('counts its tokens through the long-line parts (20 MiB > 16 blocks of 1 MiB): as many as encode of the whole line', () => {
    expectBuilt();
    const input = join(dir, 'line20.txt');
    writeFileSync(input, Buffer.concat([...longLine(20 << 20)]));
    const want = Tokenizer.loadSync().countTokens(readFileSync(input, 'utf8'));
    for (const mode of [[], ['--lines']]) {
      const sample = (
        JSON.parse(ok(['info', '--json', ...mode, 'bytepiece.eu.plus.160k', input]).stdout.toString()) as {
          sample: { documents: number; tokens: number; bytes: number };
        }
      ).sample;
      expect(sample).toMatchObject({ documents: 1, tokens: want, bytes: 20 << 20 });
    }
  });
});
