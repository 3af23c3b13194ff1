// The kernel's per-byte step is written out three times in assembly/index.ts (the two streams of
// forwardFrom, with their state in locals, and `single`): measured faster than one shared inlined
// step (docs/kernel-notes.md). This keeps the three copies the same code: between their markers,
// with comments and whitespace dropped and each copy's state renamed to the single stream's names,
// they must be identical.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SOURCE = readFileSync(new URL('../../assembly/index.ts', import.meta.url), 'utf8');

/** Copy k's code between its markers. */
function copyOf(k: number): string {
  const begin = SOURCE.indexOf(`// ---- per-byte step, copy ${k} of 3`);
  const end = SOURCE.indexOf(`// ---- end of per-byte step, copy ${k} of 3`);
  if (begin < 0 || end < begin) throw new Error(`assembly/index.ts: the markers of copy ${k} of the per-byte step are missing`);
  return SOURCE.slice(begin, end);
}

/** Code only: comments dropped, whitespace collapsed, the copy's names replaced. */
function normalized(code: string, names: Record<string, string>): string {
  let out = code
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [from, to] of Object.entries(names)) out = out.replace(new RegExp(`\\b${from}\\b`, 'g'), to);
  return out;
}

const STREAM_A = { a: 'walks', countA: 'count', bestPrevA: 'bestPrev', prevA: 'prev' };
const STREAM_B = { b: 'walks', countB: 'count', bestPrevB: 'bestPrev', prevB: 'prev' };

describe("the kernel's per-byte step", () => {
  it('is the same code in its three copies', () => {
    const single = normalized(copyOf(3), {});
    expect(single.length).toBeGreaterThan(1000); // the whole step, not an empty region
    expect(normalized(copyOf(1), STREAM_A)).toBe(single);
    expect(normalized(copyOf(2), STREAM_B)).toBe(single);
  });

  it('would notice a change to one copy', () => {
    const single = normalized(copyOf(3), {});
    const edited = normalized(copyOf(1).replace('score < best', 'score <= best'), STREAM_A);
    expect(edited).not.toBe(single);
  });
});
