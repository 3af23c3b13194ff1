// The sampler's arithmetic: the generator (known answers, the lazy 53-bit draw), the shared exp
// (accuracy, table), and long inputs: 10 MB in one chunk stays exact (no NaN/Infinity, no drift:
// the end of the input is segmented with the same statistics as its start) in both engines.
import Decimal from 'decimal.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EXP2_TABLE, expNeg } from '../../src/engine/exp-neg.js';
import { compileModel } from '../../src/model/compile.js';
import { Tokenizer } from '../../src/node.js';
import { Xoshiro128, randomState, seedState } from '../../src/engine/prng.js';
import { JsSampler } from '../../src/engine/sampler-js.js';
import { fillWeights, forceLogDomain, inverseBinade, linearPlan } from '../../src/engine/sampling-weights.js';
import { modelFromBytes } from '../../src/model/source.js';
import { vocabularyFromJson, type ModelJson } from '../../src/model/vocabulary.js';
import { HAS_SHARED, modelPath } from '../helpers/shared.js';
import { substringModel as tinyModel } from '../helpers/substring-model.js';

describe('xoshiro128**', () => {
  it('matches the reference outputs from state {1, 2, 3, 4}', () => {
    // From Blackman & Vigna's xoshiro128starstar.c (the same vector Rust's rand_xoshiro tests).
    const r = new Xoshiro128(Uint32Array.of(1, 2, 3, 4));
    const got = Array.from({ length: 10 }, () => r.nextUint32());
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
  });

  it('nextDouble is a multiple of 2^-53 in [0, 1) with the expected mean', () => {
    const r = new Xoshiro128(seedState(5));
    let sum = 0;
    let bad = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = r.nextDouble();
      if (!(u >= 0 && u < 1 && Number.isInteger(u * 2 ** 53))) bad++;
      sum += u;
    }
    expect(bad).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('nextUniform32 is (k + 1/2)·2^-32 for the next output k: in (0, 1), one output per draw', () => {
    const r = new Xoshiro128(seedState(6));
    const twin = new Xoshiro128(seedState(6));
    let sum = 0;
    let bad = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = r.nextUniform32();
      if (!(u > 0 && u < 1 && u * 2 ** 32 - 0.5 === twin.nextUint32())) bad++;
      sum += u;
    }
    expect(bad).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('chance(part, total) answers exactly u·total < part for the 53-bit u, and mostly draws once', () => {
    const a = new Xoshiro128(seedState(9));
    const b = new Xoshiro128(seedState(9));
    const pick = new Xoshiro128(seedState(10));
    let disagreements = 0;
    for (let i = 0; i < 200_000; i++) {
      const total = 1 + pick.nextDouble() * 100;
      // Mostly random fractions, sometimes a part that sits right on a draw's edge.
      const part = i % 3 ? pick.nextDouble() * total : total * (pick.nextUint32() * 2 ** 21 * 2 ** -53);
      const fast = a.chance(part, total);
      const full = b.nextDouble() * total < part;
      if (fast !== full) disagreements++;
      // Keep b in step with a: a draws the second word only when it had to.
      b.setState(a.getState());
    }
    expect(disagreements).toBe(0);
  });

  it('seeds map to distinct, never all-zero states; unseeded states come from crypto', () => {
    const states = new Set<string>();
    for (const seed of [0, 1, -1, 2 ** 32, -(2 ** 32), 2 ** 32 + 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      const s = seedState(seed);
      expect(s.some((w) => w !== 0)).toBe(true);
      states.add(s.join(','));
    }
    expect(states.size).toBe(8);
    expect(randomState().join()).not.toBe(randomState().join());
  });
});

describe('expNeg', () => {
  it('the 2^(j/64) table is correctly rounded', () => {
    Decimal.set({ precision: 50 });
    for (let j = 0; j < 64; j++) expect(EXP2_TABLE[j]).toBe(Number(Decimal.pow(2, new Decimal(j).div(64)).toString()));
  });

  it('is within 2 ulp of exp on (-708, 0], and 0 below -708', () => {
    const r = new Xoshiro128(seedState(1));
    const xs = [0, -1e-300, -1e-17, -1e-9, -0.5, -1, -Math.LN2, -10, -100, -700, -707.99];
    for (let i = 0; i < 200_000; i++) xs.push(-r.nextDouble() * (i % 2 ? 2 : 708));
    let worst = 0;
    for (const x of xs) {
      const want = Math.exp(x); // itself within 1 ulp
      const ulp = 2 ** (Math.floor(Math.log2(want)) - 52);
      worst = Math.max(worst, Math.abs(expNeg(x) - want) / ulp);
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(expNeg(-708.5)).toBe(0);
    expect(expNeg(-Infinity)).toBe(0);
  });
});

describe('long inputs: one 10 MB chunk', () => {
  // A periodic text, so that every stretch of it has the same segmentation statistics. The
  // reference's z grows without bound along a chunk (~0.5 per byte at alpha 0, ~-10·alpha per byte
  // otherwise) and a naive sum of weights overflows after ~1 KB; here the histogram of piece lengths
  // in the first and in the last MB of one 10 MB chunk must both match the one of short inputs
  // (4 periods long, where nothing can overflow), and the engines must agree on all 10 MB.
  const PARAGRAPH = '今天天气不错，我们去公园散步吧。The quick brown fox jumps over the lazy dog; for (let i = 0; i < n; i++) { sum += a[i]; } ';
  const para = new TextEncoder().encode(PARAGRAPH);
  const periodic = (n: number) => {
    const out = new Uint8Array(n);
    for (let at = 0; at < n; at += para.length) out.set(para.subarray(0, Math.min(para.length, n - at)), at);
    return out;
  };
  const big = periodic(10_000_000);
  const MB = 1_000_000;

  /** Piece-length histogram of the pieces (of a segmentation of `n` bytes) starting in [from, to). */
  function histogram(ids: Uint32Array, pieceLength: Int32Array, n: number, from: number, to: number, into = new Map<number, number>()) {
    let at = 0;
    for (const id of ids) {
      if (at >= from && at < to) into.set(pieceLength[id]!, (into.get(pieceLength[id]!) ?? 0) + 1);
      at += pieceLength[id]!;
    }
    expect(at).toBe(n); // the pieces cover the input exactly
    return into;
  }
  function tv(a: Map<number, number>, b: Map<number, number>): number {
    const na = [...a.values()].reduce((x, y) => x + y, 0);
    const nb = [...b.values()].reduce((x, y) => x + y, 0);
    let d = 0;
    for (const k of new Set([...a.keys(), ...b.keys()])) d += Math.abs((a.get(k) ?? 0) / na - (b.get(k) ?? 0) / nb);
    return d / 2;
  }

  async function check(name: string, source: ModelJson | string, model: { lengths: Int32Array; scores: Float64Array }, bothEngines: boolean) {
    const wasm = await Tokenizer.load(source, { seed: 77 });
    for (const alpha of [0, 1]) {
      // Reference statistics: inputs of 4 periods, pieces starting in the middle two.
      const short = periodic(4 * para.length);
      const want = new Map<number, number>();
      for (let i = 0; i < 2000; i++) histogram(wasm.encodeBytes(short, { alpha }), model.lengths, short.length, para.length, 3 * para.length, want);
      const ids = wasm.encodeBytes(big, { alpha });
      const head = tv(histogram(ids, model.lengths, big.length, 0, MB), want);
      const tail = tv(histogram(ids, model.lengths, big.length, big.length - MB, big.length), want);
      console.log(
        `${name} alpha ${alpha}: ${ids.length} pieces for 10 MB; piece-length histogram vs short inputs: first MB TV ${head.toFixed(4)}, last MB TV ${tail.toFixed(4)}`,
      );
      expect(head).toBeLessThan(0.01);
      expect(tail).toBeLessThan(0.01);
      if (bothEngines && alpha === 0) {
        const js = await Tokenizer.load(source, { seed: 77, engine: 'js' });
        wasm.setSeed(5);
        js.setSeed(5);
        const a = wasm.encodeBytes(big, { alpha });
        const b = js.encodeBytes(big, { alpha });
        expect(b.length).toBe(a.length);
        expect(a.every((id, k) => id === b[k])).toBe(true);
      }
    }
    // A huge alpha over the whole chunk still finds a best segmentation (ties aside).
    const total = (ids: Uint32Array) => ids.reduce((sum, id) => sum + model.scores[id]!, 0);
    const best = total(wasm.encodeBytes(big));
    const huge = total(wasm.encodeBytes(big, { alpha: 1e290 }));
    expect(Math.abs(huge - best)).toBeLessThanOrEqual(1e-9 * Math.abs(best));
  }

  it('log domain: stored log-weights stay within one piece span of the current position, however long the chunk', () => {
    // Without renormalization they would reach ~ -alpha · 3 per byte (-3e7 here at alpha 5), and
    // every draw would lose ~8 digits of its probability to rounding. Here each walk's L is z[start]
    // relative to the current position: bounded by the longest piece times the largest per-piece
    // log-weight (plus the m rescaling's 32 ln 2 and ln of the candidates per end).
    const json = tinyModel([PARAGRAPH]);
    const model = compileModel(vocabularyFromJson(json));
    const sampler = new JsSampler(model);
    forceLogDomain(true);
    onTestFinished(() => forceLogDomain(false));
    const maxAbsScore = Math.max(...Array.from(model.scores).filter(Number.isFinite).map(Math.abs));
    for (const alpha of [0, 5, 1e6]) {
      const ids = sampler.encode(big.subarray(0, 2 * MB), false, 0, 0, alpha);
      expect(ids.length).toBeGreaterThan(0);
      const stored = Array.from((sampler as unknown as { liveL: Float64Array }).liveL);
      expect(stored.every(Number.isFinite)).toBe(true);
      const largest = Math.max(...stored.map(Math.abs));
      const bound = model.maxPieceLength * (alpha * maxAbsScore + 32);
      console.log(`alpha ${alpha}: largest stored |L| ${largest.toPrecision(4)} (bound ${bound.toPrecision(4)}) after 2 MB`);
      expect(largest).toBeLessThan(bound);
    }
  }, 60_000);

  it('linear domain: the live values stay finite, positive and normal, however long the chunk', () => {
    // Each walk's V = Z[start] is kept in the frame of the current total, rescaled by powers of two
    // (src/sampling-weights.ts); after 2 MB in one chunk they must all be normal doubles, within
    // e^G (G = alpha·D, at most 600) above the total and a bounded factor below it.
    const json = tinyModel([PARAGRAPH]);
    const model = compileModel(vocabularyFromJson(json));
    const sampler = new JsSampler(model);
    for (const alpha of [0, 1, 5, 50]) {
      const plan = linearPlan(model, alpha);
      expect(plan, `alpha ${alpha}`).not.toBeNull();
      const ids = sampler.encode(big.subarray(0, 2 * MB), false, 0, 0, alpha);
      expect(ids.length).toBeGreaterThan(0);
      // Every slot holds a V that was live at some position (the last ones, or earlier ones).
      const v = Array.from((sampler as unknown as { liveV: Float64Array }).liveV).filter((x) => x !== 0);
      expect(v.length).toBeGreaterThan(0);
      expect(v.every((x) => Number.isFinite(x) && x >= 2 ** -1022)).toBe(true);
      console.log(
        `alpha ${alpha}: live V in [${Math.min(...v).toExponential(2)}, ${Math.max(...v).toExponential(2)}] after 2 MB (rescale window [${plan!.low.toExponential(1)}, ${plan!.high.toExponential(1)}])`,
      );
      expect(Math.max(...v)).toBeLessThan(2 ** 1000);
    }
  }, 60_000);

  it('inverseBinade gives the exact power of two that brings a double into [1, 2)', () => {
    for (const x of [1, 1.5, 2, 3, 2 ** -1000 * 1.7, 2 ** 1000 * 1.3, Number.MIN_VALUE * 2 ** 60, 123456.789]) {
      const s = inverseBinade(x);
      expect(Math.log2(s)).toBe(Math.round(Math.log2(s)));
      expect(x * s).toBeGreaterThanOrEqual(1);
      expect(x * s).toBeLessThan(2);
    }
  });

  it('hand-made model: exact statistics at both ends, both engines identical', async () => {
    const json = tinyModel([PARAGRAPH]);
    await check('tiny model', json, compileModel(vocabularyFromJson(json)), true);
  }, 120_000);

  it.skipIf(!HAS_SHARED)(
    'bytepiece.plus.80k: exact statistics at both ends',
    async () => {
      const path = modelPath('bytepiece.plus.80k');
      await check('bytepiece.plus.80k', path, compileModel(modelFromBytes(new Uint8Array(readFileSync(path)))), false);
    },
    120_000,
  );
});

describe('linear-domain weight tables', () => {
  it('W is in [0, 1], positive exactly where a piece ends, 1 at alpha 0', () => {
    const json = tinyModel(['今天天气不错，我们去公园散步吧。', 'The quick brown fox jumps over the lazy dog', 'for (let i = 0; i < n; i++) {}']);
    const model = compileModel(vocabularyFromJson(json));
    for (const alpha of [0, 0.1, 0.37, 1, 5, 40]) {
      const w = new Float64Array(model.trie.size);
      fillWeights(model, alpha, w);
      expect(w.every((x) => x >= 0 && x <= 1)).toBe(true);
      expect(w.every((x, node) => x > 0 === model.trie.nodeIds[node]! >= 0)).toBe(true);
      if (alpha === 0) expect(w.every((x, node) => x === (model.trie.nodeIds[node]! >= 0 ? 1 : 0))).toBe(true);
    }
  });

  it('the last 3 alphas keep their tables; a fourth reuses the least recently used slot', async () => {
    const json = tinyModel(['hello world']);
    const tok = await Tokenizer.load(json, { seed: 1 });
    const js = await Tokenizer.load(json, { seed: 1, engine: 'js' });
    const engine = (tok as unknown as { impl: { tables: { kept: { alpha: number; table: number }[] } } }).impl;
    for (const alpha of [0.1, 0.2, 0.3, 0.1, 0.4, 0.2, 0.1]) {
      expect(Array.from(tok.encode('hello world', { alpha }))).toEqual(Array.from(js.encode('hello world', { alpha })));
    }
    expect(engine.tables.kept.map((t) => t.alpha)).toEqual([0.1, 0.2, 0.4]);
    expect(new Set(engine.tables.kept.map((t) => t.table)).size).toBe(3);
  });
});
