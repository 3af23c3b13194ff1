// The encoding streams: for any chunking (inside a UTF-8 sequence, a surrogate pair, a combining
// sequence, a `\n` run), the ids concatenated equal encode(wholeText). Property-tested with
// fast-check on tricky text, and checked on whole shared corpora; errors name stream offsets.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EncodeStream, EncodeTransform, Tokenizer, type StreamEncodeOptions } from '../../src/node.js';
import { IncrementalEncoder } from '../../src/api/incremental.js';
import { firstLoneSurrogate } from '../../src/text/normalize.js';
import { HAS_SHARED, corpusTexts, modelPath } from '../helpers/shared.js';
import { tinyModel } from '../helpers/tiny-model.js';

type Chunk = string | Uint8Array;

async function viaWeb(tok: Tokenizer, chunks: Chunk[], options?: StreamEncodeOptions): Promise<number[]> {
  const source = new ReadableStream<Chunk>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  const out: number[] = [];
  const reader = source.pipeThrough(new EncodeStream(tok, options)).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    expect(r.value).toBeInstanceOf(Uint32Array);
    for (const id of r.value) out.push(id);
  }
  return out;
}

async function viaNode(tok: Tokenizer, chunks: Chunk[], options?: StreamEncodeOptions): Promise<number[]> {
  const out: number[] = [];
  await pipeline(Readable.from(chunks, { objectMode: true }), new EncodeTransform(tok, options), async (ids: AsyncIterable<Uint32Array>) => {
    for await (const chunk of ids) {
      expect(chunk).toBeInstanceOf(Uint32Array);
      for (const id of chunk) out.push(id);
    }
  });
  return out;
}

/** Cuts `s` (as UTF-16 units, or as its UTF-8 bytes) at the given fractions. */
function cut(s: string, fractions: number[], bytes: boolean): Chunk[] {
  const whole: string | Uint8Array = bytes ? new TextEncoder().encode(s) : s;
  const points = [...new Set(fractions.map((f) => Math.floor(f * whole.length)))].sort((a, b) => a - b);
  const chunks: Chunk[] = [];
  let at = 0;
  for (const p of [...points, whole.length]) {
    chunks.push(whole.slice(at, p));
    at = p;
  }
  return chunks;
}

// Pieces that stress each rule: NFC compositions across a cut (e + U+0301, Hangul jamo, A + ring),
// surrogate pairs, `\n` runs, characters that are not line breaks here (\r, U+2028, U+0085), a BOM.
const PALETTE = [
  'a',
  'hello ',
  'é',
  'e',
  '\u0301',
  '\u0327',
  'A\u030A',
  '\u1100',
  '\u1161',
  '\u11A8',
  '今天天气',
  '😀',
  '🇫🇷',
  '\n',
  '\n\n',
  '\n\n\n\n',
  '\r\n',
  '\r',
  '\u2028',
  '\u0085',
  '\uFEFF',
  ' ',
  '\t',
  'ﬁ',
  '1234',
  '\u00A0',
];
const text = fc
  .array(fc.oneof(fc.constantFrom(...PALETTE), fc.string({ maxLength: 6 })), { maxLength: 60 })
  .map((parts) => parts.join(''))
  .filter((s) => firstLoneSurrogate(s) < 0);
const fractions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

describe.skipIf(!HAS_SHARED)('EncodeStream / EncodeTransform', () => {
  let tok: Tokenizer;
  beforeAll(async () => {
    tok = await Tokenizer.load(modelPath('bytepiece.zh.id.eu.80k'));
  });

  it('equal encode(wholeText) for any chunking of strings or bytes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(text, fractions, fc.boolean(), fc.boolean(), fc.boolean(), async (s, f, bytes, bos, eos) => {
        const options = { addBos: bos, addEos: eos };
        const want = Array.from(tok.encode(s, options));
        const chunks = cut(s, f, bytes);
        expect(await viaWeb(tok, chunks, options)).toEqual(want);
        expect(await viaNode(tok, chunks, options)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('equal encode(wholeText) on whole corpora cut into random-sized pieces', async () => {
    for (const corpus of ['en-fortunes', 'zh-fortunes', 'code']) {
      const whole = corpusTexts(corpus).join('\n');
      const want = Array.from(tok.encode(whole));
      const bytes = new TextEncoder().encode(whole);
      const rng = fc.sample(fc.integer({ min: 1, max: 70_000 }), { numRuns: 2000, seed: corpus.length });
      const chunks: Chunk[] = [];
      for (let at = 0, k = 0; at < bytes.length; k++) {
        const n = rng[k % rng.length]!;
        chunks.push(bytes.subarray(at, at + n));
        at += n;
      }
      expect(await viaNode(tok, chunks), corpus).toEqual(want);
      const strings = cut(whole, fc.sample(fc.double({ min: 0, max: 1, noNaN: true }), { numRuns: 300, seed: 1 }), false);
      expect(await viaWeb(tok, strings), corpus).toEqual(want);
    }
  }, 120_000);

  it('keeps memory bounded by the longest line, not the input', () => {
    const encoder = new IncrementalEncoder(tok);
    const line = 'a line of text that is not very long, with 汉字 too\n';
    let most = 0;
    let total = 0;
    for (let i = 0; i < 20_000; i++) {
      total += encoder.push(line.repeat(1 + (i % 5))).length;
      most = Math.max(most, (encoder as unknown as { text: string }).text.length);
    }
    total += encoder.end().length;
    expect(total).toBe(tok.encode(line.repeat(60_000)).length);
    expect(most).toBeLessThanOrEqual(line.length * 5);
  });

  it('names the stream byte offset of invalid UTF-8, and of a sequence cut by the end', async () => {
    const a = new TextEncoder().encode('x'.repeat(1000) + '\n');
    const b = new Uint8Array([0x61, 0x62, 0xe4, 0xbd, 0x0a]); // 0xE4 0xBD then a newline: invalid at 1003
    await expect(viaNode(tok, [a, b])).rejects.toThrow(/invalid UTF-8 at byte offset 1003 of the stream/);
    await expect(viaWeb(tok, [a, new Uint8Array([0x61, 0xff])])).rejects.toThrow(/invalid UTF-8 at byte offset 1002/);
    await expect(viaWeb(tok, [a, new Uint8Array([0x61, 0xf0, 0x9f])])).rejects.toThrow(/ends inside a multi-byte sequence at byte offset 1002/);
  });

  it("replaces invalid UTF-8 with U+FFFD under invalidUtf8: 'replace', as a whole-input decode would", async () => {
    const bytes = new Uint8Array([0x68, 0xe4, 0xbd, 0x0a, 0xc3, 0x28, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80, 0x0a, 0xe4]);
    const whole = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const want = Array.from(tok.encode(whole));
    for (let split = 0; split <= bytes.length; split++) {
      const chunks = [bytes.subarray(0, split), bytes.subarray(split)];
      expect(await viaWeb(tok, chunks, { invalidUtf8: 'replace' }), `split at ${split}`).toEqual(want);
    }
  });

  it('keeps a leading BOM, as the reference does', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]);
    expect(await viaNode(tok, [bytes.subarray(0, 2), bytes.subarray(2)])).toEqual(Array.from(tok.encode('\uFEFFhi')));
  });

  it('names the stream UTF-16 offset of a lone surrogate, even when the chunk it sits in is later', async () => {
    await expect(viaWeb(tok, ['abc\n', 'de\uD800', '\nxyz'])).rejects.toThrow(/lone surrogate U\+D800 at UTF-16 offset 6 of the stream/);
    const lenient = await Tokenizer.load(modelPath('bytepiece.zh.id.eu.80k'), { loneSurrogates: 'replace' });
    expect(await viaNode(lenient, ['ab\uD800', '\ncd'])).toEqual(Array.from(lenient.encode('ab\uFFFD\ncd')));
  });

  it('rejects chunks that are neither text nor bytes, text after a cut UTF-8 sequence, and bad options', async () => {
    expect(() => new EncodeStream(tok, { invalidUtf8: 'drop' as 'error' })).toThrow(/invalidUtf8 must be 'error' or 'replace'/);
    await expect(viaNode(tok, [42 as unknown as string])).rejects.toThrow(/strings or UTF-8 bytes.*got number/);
    await expect(viaWeb(tok, [new Uint8Array([0xe4]), 'x'])).rejects.toThrow(/string chunk came after byte chunks that ended inside a UTF-8 sequence/);
  });

  it('passes alpha through (the draws still spell the text), and refuses a NaN alpha up front', async () => {
    const s = corpusTexts('zh-fortunes').slice(0, 50).join('\n');
    const ids = await viaWeb(tok, cut(s, [0.3, 0.6], true), { alpha: 0.1 });
    expect(tok.decode(ids)).toBe(s.normalize('NFC'));
    expect(() => new EncodeStream(tok, { alpha: Number.NaN })).toThrow(/options\.alpha is NaN/);
    expect(() => new EncodeTransform(tok, { alpha: Number.NaN })).toThrow(/options\.alpha is NaN/);
  });
});

describe('EncodeStream / EncodeTransform backpressure (generated model, no ../shared needed)', () => {
  const CHUNK = new TextEncoder().encode('hello world, hello stream\n'.repeat(2521)); // about 64 KiB
  const CAP = 1024; // chunks (64 MiB): an unbounded pipeline would pull all of them
  let tok: Tokenizer;
  beforeAll(async () => {
    tok = await Tokenizer.load(
      tinyModel([
        ['hello', 5],
        [' world', 5],
        ['stream', 3],
      ]),
    );
  });

  /** Waits until `count()` stops growing (stalled: true) or reaches CAP (false). */
  async function settles(count: () => number): Promise<boolean> {
    let last = -1;
    let still = 0;
    while (count() < CAP) {
      await new Promise((r) => setTimeout(r, 100));
      if (count() === last) {
        if (++still >= 5) return true;
      } else still = 0;
      last = count();
    }
    return false;
  }

  it('Node: with nobody reading the ids, the Transform stops pulling input after a few chunks', async () => {
    let pulled = 0;
    const source = new Readable({
      read() {
        if (pulled >= CAP) this.push(null);
        else {
          pulled++;
          this.push(CHUNK);
        }
      },
    });
    const transform = new EncodeTransform(tok);
    source.pipe(transform); // the readable side is never read
    const stalled = await settles(() => pulled);
    expect(stalled, `pulled ${pulled} chunks of 64 KiB with nobody reading`).toBe(true);
    // The writable and readable buffers (16 objects each in object mode) and the source's buffer.
    expect(pulled).toBeLessThanOrEqual(40);
    let ids = 0;
    transform.on('data', (chunk: Uint32Array) => (ids += chunk.length));
    await new Promise((resolve, reject) => transform.on('end', resolve).on('error', reject));
    expect(pulled).toBe(CAP);
    expect(ids).toBe(CAP * tok.encode(new TextDecoder().decode(CHUNK)).length);
  }, 120_000);

  it('WHATWG: with nobody reading the ids, the TransformStream stops pulling input after a few chunks', async () => {
    let pulled = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= CAP) controller.close();
        else {
          pulled++;
          controller.enqueue(CHUNK);
        }
      },
    });
    const ids = source.pipeThrough(new EncodeStream(tok));
    const stalled = await settles(() => pulled);
    expect(stalled, `pulled ${pulled} chunks of 64 KiB with nobody reading`).toBe(true);
    expect(pulled).toBeLessThanOrEqual(8);
    let count = 0;
    for await (const chunk of ids as unknown as AsyncIterable<Uint32Array>) count += chunk.length;
    expect(pulled).toBe(CAP);
    expect(count).toBe(CAP * tok.encode(new TextDecoder().decode(CHUNK)).length);
  }, 120_000);
});
