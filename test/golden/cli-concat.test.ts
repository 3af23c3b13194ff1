// `bytepiece concat`: encodes of pieces, joined in order, are byte-identical (cmp) to one encode of
// all the pieces (u16, u32 with .idx, JSONL); bad inputs (mixed formats, a missing, truncated or
// inconsistent .idx, truncated data) fail with one line naming the file and leave nothing behind.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, fails, ok } from '../helpers/run-cli.js';
import { tinyModel } from '../helpers/tiny-model.js';

describe('bytepiece concat (generated inputs, no ../shared needed)', { timeout: 300_000 }, () => {
  let dir: string;
  let model: string;
  let pieces: string[];

  beforeAll(() => {
    expectBuilt();
    dir = mkdtempSync(join(tmpdir(), 'bytepiece-concat-'));
    model = join(dir, 'tiny.model');
    writeFileSync(
      model,
      JSON.stringify(
        tinyModel([
          ['ab', 5],
          ['abc', 4],
          ['中', 3],
        ]),
      ),
    );
    pieces = ['abc abc\nab\n', '', '中文 abcabc\n\n\nlast line', 'x\n'].map((text, i) => {
      const f = join(dir, `piece${i}.txt`);
      writeFileSync(f, text);
      return f;
    });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const same = (a: string, b: string) => expect(readFileSync(a).equals(readFileSync(b)), `${a} differs from ${b}`).toBe(true);

  for (const mode of [[], ['--lines']]) {
    it(`encodes of pieces joined == one encode of all pieces (${mode.length ? 'lines' : 'documents'}; u16, u32, JSONL)`, () => {
      for (const format of ['u16', 'u32', 'jsonl'] as const) {
        const whole = join(dir, `whole.${format}`);
        ok(['encode', '-q', '-m', model, ...mode, '-f', format, '-o', whole, ...pieces]);
        const parts = pieces.map((p, i) => {
          const out = join(dir, `part${i}.${format}`);
          ok(['encode', '-q', '-m', model, ...mode, '-f', format, '-o', out, p]);
          return out;
        });
        const joined = join(dir, `joined.${format}`);
        ok(['concat', '-q', '-o', joined, ...parts]);
        same(joined, whole);
        if (format !== 'jsonl') same(`${joined}.idx`, `${whole}.idx`);
        if (format === 'jsonl') expect(ok(['concat', '-q', ...parts]).stdout.equals(readFileSync(whole)), 'JSONL to stdout').toBe(true);
      }
    });
  }

  it('--format names the format of inputs whose names do not; the summary counts files, documents and ids', () => {
    const a = join(dir, 'fmt-a.u32');
    ok(['encode', '-q', '-m', model, '-f', 'u32', '-o', a, ...pieces]);
    const plain = join(dir, 'plain');
    copyFileSync(a, plain);
    copyFileSync(`${a}.idx`, `${plain}.idx`);
    const out = join(dir, 'fmt-out.u32');
    const r = ok(['concat', '-f', 'u32', '-o', out, plain, a]);
    expect(r.stderr).toMatch(/joined 2 files: 8 documents, [\d,]+ ids/);
    const ids = readFileSync(a).length / 4;
    const idx = readFileSync(`${out}.idx`);
    expect(Number(idx.readBigUInt64LE(idx.length - 8))).toBe(2 * ids);
    expect(Number(idx.readBigUInt64LE(4 * 8))).toBe(ids); // the second file's first document
  });

  describe('bad input: one line naming the file, nothing left behind', () => {
    let bad: string;
    let out: string;
    let good: string;
    beforeAll(() => {
      bad = join(dir, 'bad');
      mkdirSync(bad);
      out = join(dir, 'bad-out');
      mkdirSync(out);
      good = join(bad, 'good.u32');
      ok(['encode', '-q', '-m', model, '-f', 'u32', '-o', good, ...pieces]);
      ok(['encode', '-q', '-m', model, '-f', 'u16', '-o', join(bad, 'good.u16'), ...pieces]);
      ok(['encode', '-q', '-m', model, '-f', 'jsonl', '-o', join(bad, 'good.jsonl'), ...pieces]);
    });
    const copy = (name: string, edit: (data: string, idx: string) => void) => {
      const f = join(bad, name);
      copyFileSync(good, f);
      copyFileSync(`${good}.idx`, `${f}.idx`);
      edit(f, `${f}.idx`);
      return f;
    };
    const o = () => join(out, 'all.u32');

    it('mixed formats, or a name that says none', () => {
      fails(['concat', '-o', o(), good, join(bad, 'good.u16')], /mixed formats: .*good\.u32 is u32 but .*good\.u16 is u16/, out);
      fails(['concat', '-o', o(), good, join(bad, 'good.jsonl')], /mixed formats/, out);
      const plain = join(bad, 'noext');
      writeFileSync(plain, '');
      fails(['concat', '-o', o(), good, plain], /noext: cannot tell its format from the name .*give --format/, out);
      fails(['concat', '-o', join(out, 'all.u16'), good], /all\.u16: the output is named as u16 but the inputs are u32/, out);
    });
    it('a missing .idx, or a u16 file given as u32', () => {
      const noIdx = copy('no-idx.u32', (_, idx) => rmSync(idx));
      fails(['concat', '-o', o(), good, noIdx], /no-idx\.u32\.idx: no such file or directory \(every u32 input needs its \.idx/, out);
      fails(['concat', '-f', 'u32', '-o', o(), join(bad, 'good.u16')], /good\.u16(\.idx)?: .*(not a whole number of u32 ids|does not match its data)/, out);
    });
    it('truncated data: part of an id, or whole ids', () => {
      const partial = copy('partial.u32', (data) => truncateSync(data, readFileSync(data).length - 2));
      fails(['concat', '-o', o(), good, partial], /partial\.u32: \d+ bytes is not a whole number of u32 ids \(truncated/, out);
      const short = copy('short.u32', (data) => truncateSync(data, readFileSync(data).length - 8));
      fails(['concat', '-o', o(), good, short], /short\.u32\.idx: .*short\.u32.*: the index does not match its data \(truncated/, out);
    });
    it('a truncated or corrupt .idx', () => {
      const cut = copy('cut-idx.u32', (_, idx) => truncateSync(idx, readFileSync(idx).length - 3));
      fails(['concat', '-o', o(), good, cut], /cut-idx\.u32\.idx: \d+ bytes is not a whole number of uint64 offsets/, out);
      const lost = copy('lost-total.u32', (_, idx) => truncateSync(idx, readFileSync(idx).length - 8));
      fails(['concat', '-o', o(), good, lost], /lost-total\.u32\.idx: ends with the total \d+ but .*lost-total\.u32 holds \d+ ids/, out);
      const down = copy('down.u32', (_, idx) => {
        const b = readFileSync(idx);
        b.writeBigUInt64LE(0n, 16); // the third document starts at 0: below the second
        writeFileSync(idx, b);
      });
      fails(['concat', '-o', o(), good, down], /down\.u32\.idx: offset 2 \(0\) is below the one before it/, out);
      const first = copy('first.u32', (_, idx) => {
        const b = readFileSync(idx);
        b.writeBigUInt64LE(1n, 0);
        writeFileSync(idx, b);
      });
      fails(['concat', '-o', o(), good, first], /first\.u32\.idx: the first offset is 1, expected 0/, out);
    });
    it('a truncated JSONL output, or a file that is not one', () => {
      const j = join(bad, 'cut.jsonl');
      const text = readFileSync(join(bad, 'good.jsonl'));
      writeFileSync(j, text.subarray(0, text.length - 4));
      fails(
        ['concat', '-o', join(out, 'all.jsonl'), join(bad, 'good.jsonl'), j],
        /cut\.jsonl: does not end with a whole \{"ids":\[…\]\} line \(truncated\?\)/,
        out,
      );
      const t = join(bad, 'text.jsonl');
      writeFileSync(t, '{"text":"not ids"}\n');
      fails(['concat', '-o', join(out, 'all.jsonl'), t], /text\.jsonl: does not start with \{"ids":\[/, out);
    });
    it('missing inputs, an output that is an input, u32 without -o, stdin', () => {
      fails(['concat', '-o', o(), join(bad, 'nope.u32')], /nope\.u32: no such file or directory/, out);
      fails(['concat', '-o', good, good], /good\.u32 is also the output/, out);
      fails(['concat', good], /--format u32 writes OUT and OUT\.idx: give the output path with -o OUT/, out);
      fails(['concat', '-o', o(), '-'], /stdin \(-\) is not an input here/, out);
    });
  });
});
