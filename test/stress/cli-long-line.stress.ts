// A 1 GiB single line (no `\n` at all), made at run time and piped into `bytepiece encode` (the
// built CLI, two workers, default model, WASM engine) (issue 14 item 1): the line comes in parts
// and is encoded in windows as it arrives, so its ids must be those of the streams over the same
// bytes (EncodeTransform, fed alongside in this process; both checked by a digest), and the CLI's
// peak RSS must stay far below the line's size.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EncodeTransform, Tokenizer } from '../../src/node.js';
import { CLI, expectBuilt } from '../helpers/run-cli.js';
import { longLine } from '../helpers/long-line-text.js';

const BYTES = 2 ** 30;
/** Peak RSS allowed to the CLI: measured 324 MiB (load ~10); the bound leaves room for other machines. */
const RSS_BOUND_MIB = 1024;

/** A running digest of ids (FNV-1a over their 32-bit values) and their number. */
class Digest {
  hash = 0x811c9dc5;
  count = 0;
  add(id: number): void {
    this.hash = Math.imul(this.hash ^ id, 0x01000193);
    this.count++;
  }
  toString(): string {
    return `${this.count} ids, digest ${(this.hash >>> 0).toString(16)}`;
  }
}

describe('a 1 GiB single line through the CLI', () => {
  it('is encoded in bounded memory, with the ids of the streams over the same bytes', async () => {
    expectBuilt();
    const child = spawn(process.execPath, [CLI, 'encode', '--workers', '2', '--progress-interval', '60', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (stderr += s));
    // The CLI's output, `{"ids":[…]}\n`, read as it comes: every decimal in it is an id.
    const got = new Digest();
    let value = 0;
    let inNumber = false;
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (b >= 48 && b <= 57) {
          value = value * 10 + b - 48;
          inNumber = true;
        } else if (inNumber) {
          got.add(value);
          value = 0;
          inNumber = false;
        }
      }
    });
    const exited = once(child, 'close');

    const want = new Digest();
    const oracle = new EncodeTransform(Tokenizer.loadSync());
    oracle.on('data', (ids: Uint32Array) => {
      for (let i = 0; i < ids.length; i++) want.add(ids[i]!);
    });
    const oracleDone = once(oracle, 'end');
    for (const piece of longLine(BYTES)) {
      const a = child.stdin.write(piece);
      const b = oracle.write(piece);
      if (!a) await once(child.stdin, 'drain');
      if (!b) await once(oracle, 'drain');
    }
    child.stdin.end();
    oracle.end();
    await oracleDone;
    const [code] = (await exited) as [number | null];
    expect(code, stderr).toBe(0);

    expect(want.count).toBeGreaterThan(BYTES / 8);
    expect(got.toString()).toBe(want.toString());
    const rss = /peak RSS (\d+) MiB/.exec(stderr);
    expect(rss, stderr).not.toBeNull();
    console.log(`1 GiB single line through the CLI: ${got}, CLI peak RSS ${rss![1]} MiB`);
    expect(Number(rss![1])).toBeLessThan(RSS_BOUND_MIB);
  });
});
