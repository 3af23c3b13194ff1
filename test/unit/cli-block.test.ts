// The CLI's block output writers, fed chosen ids through a stand-in tokenizer: every uint32 must
// come out as the decimal JSON.stringify writes, and u32 output must hold the same values.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { processBlock, type BlockJob } from '../../src/cli/block.js';
import type { Tokenizer } from '../../src/api/tokenizer.js';

/** A tokenizer whose "ids" for a text are the JSON array the text holds. */
const echo = {
  encodeBatch: (texts: string[]) => texts.map((t) => Uint32Array.from(JSON.parse(t) as number[])),
} as unknown as Tokenizer;

function run(docs: number[][], format: BlockJob['format']): Uint8Array {
  const lines = docs.map((ids) => JSON.stringify({ text: JSON.stringify(ids) })).join('\n');
  return processBlock(echo, {
    bytes: new TextEncoder().encode(`${lines}\n`),
    mode: 'jsonl',
    field: 'text',
    format,
    addBos: false,
    addEos: false,
    lossy: false,
    fileOffset: 0,
    stripBom: false,
  }).data;
}

const jsonl = (docs: number[][]) => docs.map((ids) => `${JSON.stringify({ ids })}\n`).join('');

describe('CLI block output', () => {
  const edges = [
    0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 9999, 10000, 65535, 65536, 99999, 100000, 999999, 1000000, 9999999, 10000000, 99999999, 100000000, 999999999,
    1000000000, 2147483647, 2147483648, 4294967294, 4294967295,
  ];

  it('jsonl: ids at every digit-count boundary, as JSON.stringify writes them', () => {
    const docs = [edges, [], [7], edges.slice().reverse()];
    expect(new TextDecoder().decode(run(docs, 'jsonl'))).toBe(jsonl(docs));
  });

  it('jsonl: any uint32 ids (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 50 }), { minLength: 1, maxLength: 8 }), (docs) => {
        expect(new TextDecoder().decode(run(docs, 'jsonl'))).toBe(jsonl(docs));
      }),
      { numRuns: 300 },
    );
  });

  it('u32: the ids, each document followed by <eos> (2)', () => {
    const docs = [edges, [5, 6]];
    const data = run(docs, 'u32');
    const ids = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const got = Array.from({ length: data.byteLength / 4 }, (_, k) => ids.getUint32(4 * k, true));
    expect(got).toEqual([...edges, 2, 5, 6, 2]);
  });
});
