// `bytepiece encode --shard K/N`: the K-th of N contiguous shares of the inputs, by document, so N
// tasks can encode one large input without pre-splitting it and `bytepiece concat` of their
// outputs in order is the encode of the whole. The inputs are seen as one byte stream of size S;
// share K holds the documents that START in bytes [⌊(K-1)·S/N⌋, ⌊K·S/N⌋) (the last share also
// takes the empty files at S). A document is a file (doc mode) or a line (--lines, --jsonl), so a
// share of a file is a byte range from a line start to a line start: found by reading forward from
// the cut to the next `\n`, never by reading what comes before.

import { open } from 'node:fs/promises';
import { CliError, systemMessage } from './errors.js';
import type { InputMode } from './block.js';
import type { InputFile } from './input.js';

export interface Shard {
  /** 1-based. */
  k: number;
  n: number;
}

/** Parses `K/N` (1 ≤ K ≤ N). */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) throw new CliError(`--shard must be K/N (e.g. 3/8: the third of 8 shares), got ${JSON.stringify(value)}`);
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`--shard ${value}: N must be a positive integer`);
  if (!Number.isSafeInteger(k) || k < 1 || k > n) throw new CliError(`--shard ${value}: K must be between 1 and N (${n})`);
  return { k, n };
}

/**
 * The inputs of share `shard`: whole files in doc mode; in lines/jsonl modes, each file that has a
 * line starting in the share, with the byte range of those lines. Inputs need a known size (files).
 */
export async function shardInputs(inputs: InputFile[], mode: InputMode, shard: Shard): Promise<InputFile[]> {
  for (const input of inputs) {
    if (input.size === undefined)
      throw new CliError(`--shard needs inputs of known size: ${input.name} is ${input.path === '-' ? 'stdin' : 'not a regular file'}`);
  }
  const total = inputs.reduce((sum, input) => sum + input.size!, 0);
  const from = Math.floor(((shard.k - 1) * total) / shard.n);
  const last = shard.k === shard.n;
  const to = last ? total : Math.floor((shard.k * total) / shard.n);
  const out: InputFile[] = [];
  let base = 0; // where the file starts in the stream of all inputs
  for (const input of inputs) {
    const size = input.size!;
    if (mode === 'doc') {
      if ((base >= from && base < to) || (last && base === total)) out.push(input);
    } else if (size > 0 && base + size > from && base < to) {
      const start = await lineStartAtOrAfter(input, Math.max(from - base, 0));
      const end = last || base + size <= to ? size : await lineStartAtOrAfter(input, to - base);
      if (start < end) out.push({ ...input, range: { start, end } });
    }
    base += size;
  }
  return out;
}

const SCAN = 1 << 16;

/** The first line start p ≥ `at` in the file (0, or just after a `\n`), or its size if none. */
async function lineStartAtOrAfter(input: InputFile, at: number): Promise<number> {
  const size = input.size!;
  if (at <= 0) return 0;
  if (at >= size) return size;
  let handle;
  try {
    handle = await open(input.path, 'r');
  } catch (e) {
    throw new CliError(`${input.name}: cannot read: ${systemMessage((e as NodeJS.ErrnoException).code ?? '', (e as Error).message)}`);
  }
  try {
    const buf = new Uint8Array(SCAN);
    // A line starts at `at` when the byte before it is a `\n`: scan from at - 1.
    for (let pos = at - 1; pos < size;) {
      const n = (await handle.read(buf, 0, Math.min(SCAN, size - pos), pos)).bytesRead;
      if (n === 0) break; // the file shrank: nothing more starts
      const i = buf.subarray(0, n).indexOf(10);
      if (i >= 0) return Math.min(pos + i + 1, size);
      pos += n;
    }
    return size;
  } finally {
    await handle.close();
  }
}
