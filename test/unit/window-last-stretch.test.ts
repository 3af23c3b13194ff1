// The last stretch of a window (src/engine/engine-wasm.ts, WasmEngine.meet): a long chunk is run in
// windows, and what is final is found where the best paths from the window's last L ends
// (w - L + 1 .. w, L the longest piece) all meet. One end fewer at either side of that stretch
// is an off-by-one that gives wrong ids only where the true path has a boundary at that very end.
// The paths can meet at w - L at the latest (the path from end w - L + 1 has its last piece before
// it): here seeded lines make them meet there and one before it, many times, every line is checked
// against the pure-JS engine, and the same lines are shown to catch both off-by-ones (the check
// would fail with them).
import { afterEach, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { WasmEngine, windowing } from '../../src/engine/engine-wasm.js';
import { tinyModel } from '../helpers/tiny-model.js';

const defaults = { ...windowing };
type Meet = (this: unknown, trace: number, w: number, L: number) => number;
const proto = WasmEngine.prototype as unknown as { meet: Meet };
const meet = proto.meet;
afterEach(() => {
  Object.assign(windowing, defaults);
  proto.meet = meet;
});

// Pieces of 2-5 bytes over 'a' and 'b' whose counts make ties and late meetings common.
const model = tinyModel([
  ['aa', 50],
  ['aaa', 20],
  ['ab', 30],
  ['ba', 30],
  ['abab', 60],
  ['aab', 7],
  ['baab', 25],
  ['bbbbb', 3],
]);
const L = 5;

/** Seeded lines over {a, b} and a window size for each (5-16 bytes: a window holds 1-3 pieces). */
function* lines(count: number): Generator<[string, number]> {
  let seed = 14;
  const rand = () => ((seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
  for (let k = 0; k < count; k++) {
    const n = 5 + Math.floor(rand() * 40);
    let text = '';
    for (let i = 0; i < n; i++) text += rand() < 0.6 ? 'a' : 'b';
    yield [text, 5 + Math.floor(rand() * 12)];
  }
}

/** The lines on which the WASM engine (windowed) and the JS engine differ. */
function mismatches(cases: [string, number][]): string[] {
  const wasm = Tokenizer.loadSync(model, { engine: 'wasm' });
  const js = Tokenizer.loadSync(model, { engine: 'js' });
  const bad: string[] = [];
  for (const [text, window] of cases) {
    Object.assign(windowing, { long: window, window });
    if (Array.from(wasm.encode(text)).join() !== Array.from(js.encode(text)).join()) bad.push(`${text} (window ${window})`);
  }
  return bad;
}

describe('the last stretch of ends in a window (WASM engine)', () => {
  const cases = [...lines(3000)];

  it('lines whose paths meet at w - L (just before the stretch), and one before it, give the ids of the JS engine', () => {
    const where = { last: 0, before: 0, later: 0 };
    proto.meet = function (trace, w, l) {
      const c = meet.call(this, trace, w, l);
      if (c > w - l) where.later++;
      else if (c === w - l) where.last++;
      else if (c === w - l - 1) where.before++;
      return c;
    };
    expect(mismatches(cases)).toEqual([]);
    expect(where.later, 'meetings inside the stretch (impossible)').toBe(0);
    expect(where.last, 'meetings at w - L').toBeGreaterThan(100);
    expect(where.before, 'meetings at w - L - 1').toBeGreaterThan(100);
  });

  it('would catch the stretch one end short at its start (w - L + 2 .. w)', () => {
    proto.meet = function (trace, w, l) {
      expect(l).toBe(L);
      return meet.call(this, trace, w, l - 1);
    };
    expect(mismatches(cases).length).toBeGreaterThan(0);
  });

  it('would catch the stretch one end short at its end (w - L + 1 .. w - 1)', () => {
    proto.meet = function (trace, w, l) {
      return meet.call(this, trace, w - 1, l - 1);
    };
    expect(mismatches(cases).length).toBeGreaterThan(0);
  });
});
