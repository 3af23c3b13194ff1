// Issue 14 item 8: one error class and one wording per kind of mistake. A value of the wrong type
// is a TypeError that shows the value as given ('3' is a string, not id 3); a value of the right
// type out of range is a RangeError; a file that is no model is a ModelError naming the file and
// what the bytes look like.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncodeStream, EncodeTransform, ModelError, Tokenizer, TokenizerPool } from '../../src/node.js';
import { tinyModel } from '../helpers/tiny-model.js';

const model = tinyModel([['ab', 10]]);
const engines = ['wasm', 'js'] as const;

/** The error `f` throws (the test fails if it throws none). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}

describe.each(engines)('ids and pieces of the wrong type (%s engine)', (engine) => {
  const tok = Tokenizer.loadSync(model, { engine });
  const range = `ids are integers in \\[0, ${tok.vocabSize}\\)`;

  it('decode: a string id is a TypeError showing the string and its index', () => {
    const e = thrown(() => tok.decode(['3'] as never));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(new RegExp(`^the id at index 0 is the string "3", not a number: ${range}$`));
    expect(thrown(() => tok.decode([5, null] as never)).message).toMatch(/^the id at index 1 is null, not a number/);
    expect(thrown(() => tok.decode([5n] as never)).message).toMatch(/^the id at index 0 is 5n, not a number/);
  });

  it('decode: a number that is no id is a RangeError (unchanged wording)', () => {
    const e = thrown(() => tok.decode([3, tok.vocabSize]));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toMatch(new RegExp(`^unknown id ${tok.vocabSize} at index 1: ${range}$`));
  });

  it('decode: ids that are not a list are a TypeError naming the argument and what is accepted', () => {
    for (const [ids, shown] of [
      [12345, 'the number 12345'],
      [null, 'null'],
      [undefined, 'undefined'],
      ['12', 'the string "12"'],
      [true, 'the boolean true'],
    ] as const) {
      const e = thrown(() => tok.decode(ids as never));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe(`decode: ids must be an array or a typed array of ids, got ${shown}`);
    }
    expect(tok.decode([])).toBe('');
    expect(tok.decode(new Uint32Array(0))).toBe('');
  });

  it('idToPiece and idsToPieces: the same classes and wording', () => {
    expect(thrown(() => tok.idToPiece('3' as never))).toBeInstanceOf(TypeError);
    expect(thrown(() => tok.idToPiece('3' as never)).message).toMatch(/^the id is the string "3", not a number/);
    expect(thrown(() => tok.idToPiece(-1))).toBeInstanceOf(RangeError);
    expect(thrown(() => tok.idsToPieces(7 as never)).message).toBe('idsToPieces: ids must be an array or a typed array of ids, got the number 7');
  });

  it('a stream decoder: the same TypeError for a string id', () => {
    const d = tok.decoder();
    const e = thrown(() => d.push(['3'] as never));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/^the id at index 0 is the string "3", not a number/);
  });

  it('pieceToId: a piece that is neither a string nor bytes is a TypeError naming it', () => {
    const e = thrown(() => tok.pieceToId(5 as never));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('pieceToId: a piece is a string or a Uint8Array, got the number 5');
    expect(thrown(() => tok.pieceToId(null as never)).message).toBe('pieceToId: a piece is a string or a Uint8Array, got null');
    expect(thrown(() => tok.pieceToId([97, 98] as never)).message).toBe('pieceToId: a piece is a string or a Uint8Array, got [97,98]');
    // A piece of the right type that is not in the vocabulary stays a RangeError.
    expect(thrown(() => tok.pieceToId('abc'))).toBeInstanceOf(RangeError);
  });
});

describe('options.alpha: one class per kind of bad value, in every entry point', () => {
  const tok = Tokenizer.loadSync(model, { engine: 'wasm' });
  const entries: [string, (alpha: unknown) => unknown][] = [
    ['encode', (alpha) => tok.encode('ab', { alpha } as never)],
    ['tokenize', (alpha) => tok.tokenize('ab', { alpha } as never)],
    ['encodeBytes', (alpha) => tok.encodeBytes(Uint8Array.of(97), { alpha } as never)],
    ['EncodeStream', (alpha) => new EncodeStream(tok, { alpha } as never)],
    ['EncodeTransform', (alpha) => new EncodeTransform(tok, { alpha } as never)],
  ];
  const cases: [unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    [NaN, RangeError, /^options\.alpha is NaN: use a number >= 0 to sample/],
    [Infinity, RangeError, /^options\.alpha must be finite, got Infinity/],
    [1e300, RangeError, /^options\.alpha must be at most 1e\+290, got 1e\+300$/],
    ['0.1', TypeError, /^options\.alpha must be a number, got "0\.1"$/],
    [null, TypeError, /^options\.alpha must be a number, got object$/],
  ];
  it.each(entries)('%s', (_name, call) => {
    for (const [alpha, kind, message] of cases) {
      const e = thrown(() => call(alpha));
      expect(e, String(alpha)).toBeInstanceOf(kind);
      expect(e.message, String(alpha)).toMatch(message);
    }
  });

  it('the pool: the same class and wording', async () => {
    const pool = await TokenizerPool.create(model, { threads: 1 });
    try {
      for (const [alpha, kind, message] of cases) {
        const e = await pool.encodeBatch(['ab'], { alpha } as never).then(
          () => undefined,
          (err: Error) => err,
        );
        expect(e, String(alpha)).toBeInstanceOf(kind);
        expect(e!.message, String(alpha)).toMatch(message);
      }
    } finally {
      await pool.close();
    }
  });
});

describe('model files that are no model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bp-msg-'));

  it('a file of zero bytes says so, with its name and size', () => {
    const path = join(dir, 'zeros.model');
    writeFileSync(path, new Uint8Array(1_000_003));
    for (const engine of engines) {
      const e = thrown(() => Tokenizer.loadSync(path, { engine }));
      expect(e).toBeInstanceOf(ModelError);
      expect(e.message).toBe(`${path}: not a zip, a binary model or UTF-8 JSON text: all its 1000003 bytes are zero`);
    }
  });

  it('other bytes: their first bytes in hex, with the file', () => {
    const path = join(dir, 'junk.model');
    writeFileSync(
      path,
      Uint8Array.from({ length: 40 }, (_, i) => (i * 37 + 1) & 255),
    );
    expect(thrown(() => Tokenizer.loadSync(path)).message).toBe(
      `${path}: not a zip, a binary model or UTF-8 JSON text: its 40 bytes start 01 26 4b 70 95 ba df 04 29 4e 73 98 bd e2 07 2c …`,
    );
    // Zeros after a JSON-looking start are still read as JSON, and the JSON error says where.
    expect(thrown(() => Tokenizer.loadSync(Uint8Array.of(0x7b, 0, 0), { name: 'brace.model' })).message).toMatch(/^brace\.model: not valid JSON/);
  });

  it('a model lacking single bytes names the file it came from (path, URL; or options.name)', async () => {
    const entries = Object.entries(model).filter(([key]) => key !== Buffer.from([0x41]).toString('base64'));
    const holes = Object.fromEntries(entries.map(([k, v], i) => [k, [i + 3, v[1], v[2]]]));
    const path = join(dir, 'holes.model');
    writeFileSync(path, JSON.stringify(holes));
    for (const engine of engines) {
      expect(thrown(() => Tokenizer.loadSync(path, { engine })).message).toBe(
        `${path}: the model lacks single-byte pieces 0x41: every byte 0x00-0xff must be a piece`,
      );
      expect(thrown(() => Tokenizer.loadSync(path, { engine, name: 'mine' })).message).toMatch(/^mine: the model lacks single-byte pieces 0x41/);
    }
    await expect(Tokenizer.load(path)).rejects.toThrow(`${path}: the model lacks single-byte pieces 0x41`);
    await expect(Tokenizer.load(new URL(`file://${path}`))).rejects.toThrow(`file://${path}: the model lacks single-byte pieces 0x41`);
  });

  it('counts beyond 2^53 or beyond a double are quoted for what they are', () => {
    const path = join(dir, 'counts.model');
    const text = JSON.stringify(model);
    const ab = Buffer.from('ab').toString('base64');
    for (const [spelled, shown] of [
      ['1e400', 'a number beyond the range of a double'],
      ['9007199254740993', 'a number beyond 2^53-1'],
    ] as const) {
      writeFileSync(path, text.replace(new RegExp(`"${ab}":\\[(\\d+),"ab",10\\]`), `"${ab}":[$1,"ab",${spelled}]`));
      expect(thrown(() => Tokenizer.loadSync(path)).message).toMatch(
        new RegExp(`^${path}: piece "${ab}": count must be a positive integer \\(at most 2\\^53-1\\), got ${shown.replace(/[\^()]/g, '\\$&')}`),
      );
    }
  });
});
