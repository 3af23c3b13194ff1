// Issue 6 helpers: the binary model format (round trip, corruption), countTokens, encodeInto.
import { beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer, ModelError } from '../../src/node.js';
import { HAS_SHARED, corpora, corpusTexts, goldenIds, modelPath } from '../helpers/shared.js';

const MODEL = 'bytepiece.plus.80k';
/** Byte equality of two typed arrays (vitest's deep equality is slow on megabytes). */
const same = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe.skipIf(!HAS_SHARED)(`binary model format (${MODEL})`, () => {
  let zipTok: Tokenizer;
  let bin: Uint8Array;
  beforeAll(() => {
    zipTok = Tokenizer.loadSync(modelPath(MODEL));
    bin = zipTok.toBinary();
  });

  for (const engine of ['wasm', 'js'] as const) {
    it(`toBinary → load gives the golden ids on every corpus [${engine}]`, async () => {
      const tok = await Tokenizer.load(bin, { engine });
      expect(tok.vocabSize).toBe(zipTok.vocabSize);
      for (const corpus of corpora()) {
        const golden = goldenIds(MODEL, corpus);
        const bad = corpusTexts(corpus).flatMap((t, i) => (String(tok.encode(t)) === golden[i]!.join(',') ? [] : [i]));
        expect(bad, `${corpus}: documents differing from golden`).toEqual([]);
      }
    }, 120_000);
  }

  it('is deterministic and survives a second round trip; pieces and decode agree', () => {
    const again = Tokenizer.loadSync(bin);
    expect(same(again.toBinary(), bin)).toBe(true);
    for (const id of [3, 100, 1000, zipTok.vocabSize - 1]) expect(again.idToPiece(id)).toEqual(zipTok.idToPiece(id));
    expect(again.decode(again.encode('今天天气不错 hello'))).toBe('今天天气不错 hello');
  });

  it('samples like the zip-loaded model, seed for seed, with both engines (lengths by id read in place)', () => {
    const text = '今天天气不错 hello world, the quick brown fox. '.repeat(20);
    for (const engine of ['wasm', 'js'] as const) {
      const a = Tokenizer.loadSync(modelPath(MODEL), { engine, seed: 7 });
      const b = Tokenizer.loadSync(bin, { engine, seed: 7 });
      for (const alpha of [0, 0.1, 1, 5]) expect(String(b.encode(text, { alpha })), `${engine} alpha ${alpha}`).toBe(String(a.encode(text, { alpha })));
    }
  });

  it('is smaller gzipped than the published zip', async () => {
    const { gzipSync } = await import('node:zlib');
    const { statSync } = await import('node:fs');
    expect(gzipSync(bin).length).toBeLessThan(statSync(modelPath(MODEL)).size);
  });

  it('rejects truncated files with the sizes', () => {
    for (const cut of [4, 31, 32, 1000, bin.length >> 1, bin.length - 1]) {
      expect(() => Tokenizer.loadSync(bin.slice(0, cut)), `cut at ${cut}`).toThrow(ModelError);
      expect(() => Tokenizer.loadSync(bin.slice(0, cut))).toThrow(cut < 8 ? /not UTF-8|JSON|magic|truncated/ : /truncated/);
    }
  });

  it('rejects a corrupt payload, an unknown version and unknown flags', () => {
    const flipped = bin.slice();
    flipped[bin.length >> 1]! ^= 0x10;
    expect(() => Tokenizer.loadSync(flipped)).toThrow(/checksum mismatch/);
    const v2 = bin.slice();
    new DataView(v2.buffer).setUint32(8, 99, true);
    expect(() => Tokenizer.loadSync(v2)).toThrow(/version 99 is not supported/);
    // A file of the previous layout (version 2: CRC-32, piece bytes and lengths stored) is named as such.
    new DataView(v2.buffer).setUint32(8, 2, true);
    expect(() => Tokenizer.loadSync(v2)).toThrow(/binary model version 2 is not supported \(this package reads version 3\); re-export it/);
    const flags = bin.slice();
    new DataView(flags.buffer).setUint32(12, 4, true);
    expect(() => Tokenizer.loadSync(flags)).toThrow(/unknown flags/);
    const extra = new Uint8Array(bin.length + 3);
    extra.set(bin);
    expect(() => Tokenizer.loadSync(extra)).toThrow(/unexpected bytes/);
  });
});

describe.skipIf(!HAS_SHARED)(`countTokens and encodeInto (${MODEL})`, () => {
  for (const engine of ['wasm', 'js'] as const) {
    it(`countTokens(text) === encode(text).length on every corpus document [${engine}]`, async () => {
      const tok = await Tokenizer.load(modelPath(MODEL), { engine });
      for (const corpus of corpora()) {
        const bad = corpusTexts(corpus).flatMap((t, i) => (tok.countTokens(t) === tok.encode(t).length ? [] : [i]));
        expect(bad, corpus).toEqual([]);
      }
      expect(tok.countTokens('')).toBe(0);
      expect(tok.countTokens('hi', { addBos: true, addEos: true })).toBe(tok.encode('hi').length + 2);
    }, 120_000);

    it(`encodeInto reuses a buffer, frames with bos/eos, and refuses to truncate [${engine}]`, async () => {
      const tok = await Tokenizer.load(modelPath(MODEL), { engine });
      const texts = corpusTexts('en-fortunes').slice(0, 200);
      const out = new Uint32Array(1 << 16);
      for (const t of texts) {
        const n = tok.encodeInto(t, out);
        expect(Array.from(out.subarray(0, n))).toEqual(Array.from(tok.encode(t)));
      }
      const text = texts[0]!;
      const ids = tok.encode(text, { addBos: true, addEos: true });
      const exact = new Uint32Array(ids.length);
      expect(tok.encodeInto(text, exact, { addBos: true, addEos: true })).toBe(ids.length);
      expect(exact).toEqual(ids);
      // One slot short: a RangeError naming both sizes, and the buffer untouched.
      for (const opts of [{}, { addBos: true }, { addEos: true }, { addBos: true, addEos: true }]) {
        const want = tok.encode(text, opts).length;
        const small = new Uint32Array(want - 1).fill(7);
        expect(() => tok.encodeInto(text, small, opts)).toThrow(new RegExp(`has ${want} ids.*room for ${want - 1}`));
        expect(small.every((x) => x === 7)).toBe(true);
      }
      expect(() => tok.encodeInto('x', new Uint32Array(1), { addBos: true, addEos: true })).toThrow(/has 3 ids.*room for 1/);
      expect(tok.encodeInto('', new Uint32Array(0))).toBe(0);
      expect(() => tok.encodeInto('x', [] as unknown as Uint32Array)).toThrow(TypeError);
      // Packing several texts into one buffer through subarrays.
      let at = 0;
      for (const t of texts.slice(0, 5)) at += tok.encodeInto(t, out.subarray(at));
      expect(Array.from(out.subarray(0, at))).toEqual(texts.slice(0, 5).flatMap((t) => Array.from(tok.encode(t))));
    }, 60_000);
  }

  it('both engines agree on a long text without newlines (memory growth) and after it', async () => {
    const wasm = await Tokenizer.load(modelPath(MODEL), { engine: 'wasm' });
    const js = await Tokenizer.load(modelPath(MODEL), { engine: 'js' });
    // ~1.4M UTF-16 units (4 MB of UTF-8) in one chunk: past the one-shot reservation, so the host's
    // encodeInto-and-grow loop runs.
    const long = corpusTexts('zh-fortunes').join(' ').repeat(2);
    const a = wasm.encode(long);
    expect(a.length).toBeGreaterThan(100_000);
    expect(same(a, js.encode(long))).toBe(true);
    expect(wasm.countTokens(long)).toBe(a.length);
    expect(wasm.encode('短 text')).toEqual(js.encode('短 text'));
  }, 120_000);
});
