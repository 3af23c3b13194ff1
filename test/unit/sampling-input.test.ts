// Must-show 6 of the sampling issue: bad alpha and seed values are clear errors, for every entry
// point; and the documented meaning of the accepted values (negative alpha: deterministic; the
// largest accepted alpha still samples correctly).
import { describe, expect, it, vi } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { substringModel as tinyModel } from '../helpers/substring-model.js';

const TEXT = 'hello world, 你好世界';
const json = tinyModel([TEXT]);
const bytes = new TextEncoder().encode(TEXT);

describe('alpha', () => {
  const calls = (tok: Tokenizer, alpha: unknown) => [
    () => tok.tokenize(TEXT, { alpha } as never),
    () => tok.encode(TEXT, { alpha, addBos: true } as never),
    () => tok.tokenizeBytes(bytes, { alpha } as never),
    () => tok.encodeBytes(bytes, { alpha } as never),
  ];

  it('NaN, ±Infinity, out of range and non-numbers are rejected with a clear error', async () => {
    for (const engine of ['wasm', 'js'] as const) {
      const tok = await Tokenizer.load(json, { seed: 1, engine });
      const cases: [unknown, ErrorConstructor, RegExp][] = [
        [NaN, RangeError, /options\.alpha is NaN/],
        [Infinity, RangeError, /options\.alpha must be finite, got Infinity.*negative alpha/],
        [-Infinity, RangeError, /options\.alpha must be finite, got -Infinity/],
        [1e300, RangeError, /options\.alpha must be at most 1e\+290, got 1e\+300/],
        ['0.1', TypeError, /options\.alpha must be a number, got "0\.1"/],
        [null, TypeError, /options\.alpha must be a number, got object/],
        [1n, TypeError, /options\.alpha must be a number, got bigint/],
        [new Number(0.1), TypeError, /options\.alpha must be a number, got object/],
      ];
      for (const [alpha, type, message] of cases) {
        for (const call of calls(tok, alpha)) {
          expect(call).toThrow(type);
          expect(call).toThrow(message);
        }
      }
    }
  });

  it('a negative alpha, or none, is the deterministic segmentation and draws nothing', async () => {
    const a = await Tokenizer.load(json, { seed: 3 });
    const b = await Tokenizer.load(json, { seed: 3 });
    const best = Array.from(a.encode(TEXT));
    for (const alpha of [-1, -0.5, -1e300, undefined]) {
      expect(Array.from(a.encode(TEXT, { alpha }))).toEqual(best);
      expect(Array.from(a.encodeBytes(bytes, { alpha }))).toEqual(best);
    }
    // a's generator was not advanced by the calls above.
    expect(Array.from(a.encode(TEXT, { alpha: 0 }))).toEqual(Array.from(b.encode(TEXT, { alpha: 0 })));
  });

  it('alpha 0 (and -0) samples: uniform over segmentations, so it differs from the best one', async () => {
    const tok = await Tokenizer.load(json, { seed: 3 });
    const best = tok.encode(TEXT).join(',');
    for (const alpha of [0, -0]) {
      const seen = new Set(Array.from({ length: 50 }, () => tok.encode(TEXT, { alpha }).join(',')));
      expect(seen.size).toBeGreaterThan(40);
      expect([...seen].filter((s) => s !== best).length).toBeGreaterThan(40);
    }
  });

  it('the largest alpha accepted (1e290) samples the best segmentation, in both engines', async () => {
    for (const engine of ['wasm', 'js'] as const) {
      const tok = await Tokenizer.load(json, { seed: 3, engine });
      expect(Array.from(tok.encode(TEXT, { alpha: 1e290 }))).toEqual(Array.from(tok.encode(TEXT)));
    }
  });

  it('empty input samples to no pieces', async () => {
    for (const engine of ['wasm', 'js'] as const) {
      const tok = await Tokenizer.load(json, { seed: 3, engine });
      expect(tok.tokenize('', { alpha: 0.1 })).toEqual([]);
      expect(Array.from(tok.encode('', { alpha: 0, addBos: true, addEos: true }))).toEqual([1, 2]);
      expect(Array.from(tok.encodeBytes(new Uint8Array(0), { alpha: 1 }))).toEqual([]);
    }
  });

  it('bos/eos framing is kept when sampling', async () => {
    const tok = await Tokenizer.load(json, { seed: 3 });
    const ids = tok.encode(TEXT, { alpha: 0.5, addBos: true, addEos: true });
    expect(ids[0]).toBe(1);
    expect(ids[ids.length - 1]).toBe(2);
    expect(tok.decode(ids)).toBe(TEXT);
    const raw = tok.encodeBytes(bytes, { alpha: 0.5, addEos: true });
    expect(raw[raw.length - 1]).toBe(2);
    expect(tok.decode(raw)).toBe(TEXT);
  });
});

describe('seed', () => {
  const bad: [unknown, ErrorConstructor, RegExp][] = [
    [1.5, RangeError, /seed must be a finite integer between -\(2\^53 - 1\) and 2\^53 - 1, got 1\.5/],
    [NaN, RangeError, /got NaN/],
    [Infinity, RangeError, /got Infinity/],
    [-Infinity, RangeError, /got -Infinity/],
    [2 ** 53, RangeError, /got 9007199254740992/],
    ['42', TypeError, /seed must be an integer, got string/],
    [42n, TypeError, /seed must be an integer, got 42n \(a bigint\)/],
    [null, TypeError, /seed must be an integer, got object/],
  ];

  it('load / loadSync reject a bad options.seed before reading the model', async () => {
    for (const [seed, type, message] of bad) {
      await expect(Tokenizer.load(json, { seed } as never)).rejects.toThrow(type);
      await expect(Tokenizer.load('/nonexistent/model.zip', { seed } as never)).rejects.toThrow(message);
      expect(() => Tokenizer.loadSync(json, { seed } as never)).toThrow(/options\.seed/);
    }
  });

  it('setSeed rejects the same values and leaves the generator as it was', async () => {
    const a = await Tokenizer.load(json, { seed: 8 });
    const b = await Tokenizer.load(json, { seed: 8 });
    for (const [seed, type, message] of bad) {
      expect(() => a.setSeed(seed as never)).toThrow(type);
      expect(() => a.setSeed(seed as never)).toThrow(message);
    }
    expect(Array.from(a.encode(TEXT, { alpha: 0.2 }))).toEqual(Array.from(b.encode(TEXT, { alpha: 0.2 })));
  });

  it('without crypto.getRandomValues: deterministic use works, sampling needs a seed and says so', async () => {
    vi.stubGlobal('crypto', undefined);
    try {
      const tok = await Tokenizer.load(json);
      expect(tok.decode(tok.encode(TEXT))).toBe(TEXT);
      expect(() => tok.encode(TEXT, { alpha: 0.1 })).toThrow(/crypto\.getRandomValues is unavailable here; pass options\.seed/);
      tok.setSeed(1);
      expect(tok.decode(tok.encode(TEXT, { alpha: 0.1 }))).toBe(TEXT);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('accepts every safe integer, negative ones included', async () => {
    const tok = await Tokenizer.load(json, { seed: -(2 ** 53 - 1) });
    for (const seed of [0, -1, 1, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      tok.setSeed(seed);
      expect(tok.decode(tok.encode(TEXT, { alpha: 0.1 }))).toBe(TEXT);
    }
  });
});

describe('countTokens and encodeInto with alpha', () => {
  it('count and write the same random segmentation encode would draw, never the deterministic one silently', () => {
    const text = 'the quick brown fox jumps over the lazy dog';
    for (const engine of ['wasm', 'js'] as const) {
      const tok = Tokenizer.loadSync(tinyModel([text]), { engine, seed: 7 });
      const lengths = new Set<number>();
      for (let i = 0; i < 50; i++) {
        tok.setSeed(i);
        const ids = tok.encode(text, { alpha: 0, addEos: true });
        tok.setSeed(i);
        expect(tok.countTokens(text, { alpha: 0, addEos: true })).toBe(ids.length);
        tok.setSeed(i);
        const out = new Uint32Array(ids.length);
        expect(tok.encodeInto(text, out, { alpha: 0, addEos: true })).toBe(ids.length);
        expect(Array.from(out)).toEqual(Array.from(ids));
        lengths.add(ids.length);
      }
      expect(lengths.size).toBeGreaterThan(1); // alpha 0 is uniform: lengths vary, so this is sampling
      expect(() => tok.encodeInto(text, new Uint32Array(1), { alpha: 0 })).toThrow(/but out has room for 1/);
      // A call that does not fit has drawn its sample all the same, as encode would have.
      tok.setSeed(3);
      tok.encode(text, { alpha: 0 });
      const second = tok.encode(text, { alpha: 0 });
      tok.setSeed(3);
      expect(() => tok.encodeInto(text, new Uint32Array(1), { alpha: 0 })).toThrow(/but out has room for 1/);
      expect(Array.from(tok.encode(text, { alpha: 0 }))).toEqual(Array.from(second));
      tok.setSeed(3);
      expect(() => tok.encodeInto(text, new Uint32Array(0), { alpha: 0, addBos: true })).toThrow(/with <bos>\/<eos>\) but out has room for 0/);
      expect(Array.from(tok.encode(text, { alpha: 0 }))).toEqual(Array.from(second));
      expect(() => tok.countTokens(text, { alpha: Number.NaN })).toThrow(/NaN/);
    }
  });
});
