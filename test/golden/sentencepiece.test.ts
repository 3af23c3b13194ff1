// SentencePiece export (SPEC §8): byte-identical to the reference's conversions in
// ../shared/bench/sp/, refused with a clear error for pieces that are not UTF-8, written by the CLI
// atomically, and loadable by real SentencePiece (Debian's spm_encode), whose ids on the shared
// corpora are compared with ours (the agreement is printed).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { HAS_SHARED, SHARED, corpusTexts, modelPath } from '../helpers/shared.js';
import { tinyModel } from '../helpers/tiny-model.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const SP_DIR = join(SHARED, 'bench', 'sp');
const REFERENCE =
  HAS_SHARED && existsSync(SP_DIR)
    ? readdirSync(SP_DIR)
        .filter((f) => f.endsWith('.model'))
        .map((f) => f.slice(0, -6))
    : [];
const SPM_ENCODE = spawnSync('spm_encode', ['--help']).error === undefined;
if (!SPM_ENCODE)
  console.warn('[bytepiece-wasm tests] spm_encode not found (Debian package `sentencepiece`): skipping the test that loads the export in SentencePiece');
if (HAS_SHARED && REFERENCE.length === 0) console.warn(`[bytepiece-wasm tests] no reference conversions in ${SP_DIR}`);

const tmp = mkdtempSync(join(tmpdir(), 'bytepiece-sp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { maxBuffer: 1 << 30 });
  return { code: r.status, stderr: r.stderr.toString('utf8') };
}

/** The first piece id (from 3) whose bytes are 2+ long and not valid UTF-8, or -1. */
function firstNonUtf8Piece(tok: Tokenizer): number {
  const strict = new TextDecoder('utf-8', { fatal: true });
  for (let id = 3; id < tok.vocabSize; id++) {
    const p = tok.idToPiece(id) as Uint8Array;
    if (p.length < 2) continue;
    try {
      strict.decode(p);
    } catch {
      return id;
    }
  }
  return -1;
}

describe('toSentencePiece on a hand-made model', () => {
  // Pieces with a space, a backslash, a non-ASCII character; the model has all 256 single bytes.
  const tok = Tokenizer.loadSync(
    tinyModel([
      ['a b', 5],
      ['\\n', 4],
      ['世界', 3],
      [' ', 2],
    ]),
    { engine: 'js' },
  );

  it('is deterministic, names the specials, bytes and the space as SPEC §8 says', () => {
    const out = tok.toSentencePiece();
    expect(out).toEqual(tok.toSentencePiece());
    const text = Buffer.from(out).toString('latin1');
    // Field 1 (pieces), the first one: <unk>, score 0 (float 0 present), type 2.
    expect(Buffer.from(out.subarray(0, 16)).toString('hex')).toBe('0a0e0a053c756e6b3e1500000000' + '1802');
    for (const name of ['<s>', '</s>', '<0x00>', '<0x0A>', '<0x5C>', '<0xFF>', 'a▁b', '\\n', '世界', '▁']) {
      expect(text.includes(Buffer.from(name).toString('latin1')), name).toBe(true);
    }
    expect(text.includes('<0x41>')).toBe(true); // the fallback piece of 'A', after the vocabulary
    expect(text.includes('identity')).toBe(true);
  });

  it('refuses a piece that is not valid UTF-8, naming it', () => {
    const bad = Tokenizer.loadSync(
      tinyModel([
        ['ok', 3],
        [Uint8Array.of(0xe4, 0xb8), 2],
      ]),
      { engine: 'js' },
    );
    const id = bad.pieceToId(Uint8Array.of(0xe4, 0xb8));
    expect(() => bad.toSentencePiece()).toThrow(new RegExp(`^piece ${id} \\(bytes e4 b8\\) is not valid UTF-8`));
  });
});

describe.skipIf(!HAS_SHARED)('toSentencePiece on the published models', () => {
  for (const name of REFERENCE) {
    for (const engine of ['wasm', 'js'] as const) {
      it(`${name} (${engine}) equals the reference's conversion byte for byte`, async () => {
        const tok = await Tokenizer.load(modelPath(name), { engine });
        const out = tok.toSentencePiece();
        const ref = readFileSync(join(SP_DIR, `${name}.model`));
        expect(out.length).toBe(ref.length);
        expect(Buffer.compare(Buffer.from(out), ref)).toBe(0);
      });
    }
  }

  it('plus.80k (not eu) is refused with the first non-UTF-8 piece named', async () => {
    const tok = await Tokenizer.load(modelPath('bytepiece.plus.80k'));
    const id = firstNonUtf8Piece(tok);
    expect(id).toBeGreaterThan(0);
    expect(() => tok.toSentencePiece()).toThrow(new RegExp(`^piece ${id} \\(bytes [0-9a-f ]+\\) is not valid UTF-8`));
  });

  it('bytepiece convert --to sentencepiece writes the same bytes; a non-eu model fails leaving no file', () => {
    const name = 'bytepiece.zh.id.eu.80k';
    const out = join(tmp, 'cli.model');
    const r = cli(['convert', '--to', 'sentencepiece', modelPath(name), '-o', out, '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.compare(readFileSync(out), readFileSync(join(SP_DIR, `${name}.model`)))).toBe(0);

    const failed = join(tmp, 'failed.model');
    const bad = cli(['convert', '--to', 'sentencepiece', modelPath('bytepiece.plus.80k'), '-o', failed]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bytepiece\.plus\.80k\.zip: piece \d+ \(bytes [0-9a-f ]+\) is not valid UTF-8/);
    expect(existsSync(failed)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const noTarget = cli(['convert', modelPath(name), '-o', failed]);
    expect(noTarget.code).not.toBe(0);
    expect(noTarget.stderr).toMatch(/--to/);
  });

  it.skipIf(!SPM_ENCODE)(
    'the export loads in SentencePiece (spm_encode) and mostly agrees with our ids on the corpora',
    async () => {
      // SentencePiece sees one line at a time (spm_encode splits at \n) and scores in float32 with its
      // own tie-breaking, so its ids are compared with ours line by line, and need not all agree.
      for (const name of REFERENCE) {
        const tok = await Tokenizer.load(modelPath(name));
        const model = join(tmp, `${name}.model`);
        writeFileSync(model, tok.toSentencePiece());
        const fallback = new Map<number, number>(); // SentencePiece's extra <0xHH> ids → our single-byte ids
        for (let b = 0x20, k = 0; b <= 0x7e; b++) if (b !== 0x5c) fallback.set(tok.vocabSize + k++, tok.pieceToId(Uint8Array.of(b)));
        for (const corpus of ['en-fortunes', 'zh-fortunes', 'code']) {
          const lines = corpusTexts(corpus)
            .slice(0, 400)
            .flatMap((t) => t.normalize('NFC').split('\n'))
            .filter((l) => l.length > 0);
          const input = join(tmp, `${corpus}.txt`);
          writeFileSync(input, lines.join('\n') + '\n');
          const r = spawnSync('spm_encode', [`--model=${model}`, '--output_format=id', `--input=${input}`], { maxBuffer: 1 << 30 });
          expect(r.status, r.stderr?.toString()).toBe(0);
          const spLines = r.stdout.toString('utf8').split('\n').slice(0, lines.length);
          expect(spLines.length).toBe(lines.length);
          let same = 0;
          let tokens = 0;
          let ours = 0;
          lines.forEach((line, i) => {
            const sp = spLines[i]!.split(' ')
              .filter((s) => s.length > 0)
              .map((s) => fallback.get(Number(s)) ?? Number(s));
            const mine = Array.from(tok.encode(line));
            if (sp.length === mine.length && sp.every((id, k) => id === mine[k])) same++;
            tokens += sp.length;
            ours += mine.length;
          });
          const rate = same / lines.length;
          console.log(
            `SentencePiece vs bytepiece-wasm, ${name} on ${corpus}: ${same}/${lines.length} lines identical (${(100 * rate).toFixed(2)}%), tokens ${tokens} vs ${ours}`,
          );
          // Measured: 98.6% of en-fortunes lines, 88.4% of zh-fortunes lines (long lines: one near-tie
          // decided differently in float32 changes the line), token counts within 0.01%.
          expect(rate).toBeGreaterThan(0.8);
          expect(Math.abs(tokens - ours)).toBeLessThanOrEqual(0.01 * ours);
        }
      }
    },
    120_000,
  );
});
