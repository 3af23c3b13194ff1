// Hostile models (issue 14): every loading path must reject what it cannot represent exactly with a
// ModelError naming it, never load it altered. Models and zips are generated here, in memory.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ModelError, Tokenizer, type ModelSource } from '../../src/node.js';
import { Tokenizer as WebTokenizer } from '../../src/index.js';
import { readBinaryModel, sealBinaryModel } from '../../src/model/binary-model.js';
import { tinyModel } from '../helpers/tiny-model.js';

const kernel = new WebAssembly.Module(readFileSync(new URL('../../build/bytepiece.wasm', import.meta.url)));
const good = tinyModel([['ab', 3]]);
const goodText = JSON.stringify(good);
const dir = mkdtempSync(join(tmpdir(), 'bp-hostile-'));

/** The error a load throws (fails the test if it loads). */
function errorOf(load: () => unknown): Error {
  try {
    load();
  } catch (e) {
    return e as Error;
  }
  throw new Error('loaded, but should have been rejected');
}
async function errorOfAsync(load: () => Promise<unknown>): Promise<Error> {
  try {
    await load();
  } catch (e) {
    return e as Error;
  }
  throw new Error('loaded, but should have been rejected');
}

/** Every way a model's JSON text reaches the loader: path (sync, async), bytes, zip (both readers), parsed object. */
async function everyPath(text: string): Promise<Array<[string, Error]>> {
  const bytes = strToU8(text);
  const model = join(dir, 'm.model');
  const zip = join(dir, 'm.zip');
  writeFileSync(model, bytes);
  writeFileSync(zip, zipSync({ 'm.model': bytes }));
  const stored = zipSync({ 'm.model': [bytes, { level: 0 }] });
  const out: Array<[string, Error]> = [
    ['path sync', errorOf(() => Tokenizer.loadSync(model))],
    ['path async', await errorOfAsync(() => Tokenizer.load(model))],
    ['zip path', await errorOfAsync(() => Tokenizer.load(zip))],
    ['bytes', errorOf(() => Tokenizer.loadSync(bytes))],
    ['ArrayBuffer', errorOf(() => Tokenizer.loadSync(bytes.slice().buffer))],
    ['stored zip bytes', errorOf(() => Tokenizer.loadSync(stored))],
    ['universal bytes', errorOf(() => WebTokenizer.loadSync(bytes, { engine: 'js' }))],
    ['universal zip', await errorOfAsync(() => WebTokenizer.load(readFileSync(zip), { engine: 'js' }))],
    ['Response', await errorOfAsync(() => Tokenizer.load(new Response(bytes)))],
    ['parsed object', errorOf(() => Tokenizer.loadSync(JSON.parse(text) as ModelSource))],
  ];
  return out;
}

describe('model ids out of range (issue 14 item 2)', () => {
  const n = Object.keys(good).length;
  // The last piece's id replaced: ≥ 2^32 (was truncated to 32 bits), ≥ 2^31, not safe, huge.
  const lastKey = Object.keys(good).at(-1)!;
  const withId = (id: string) => goodText.replace(new RegExp(`("${lastKey.replace(/[+/=]/g, '\\$&')}":\\[)${n + 2}(,)`), `$1${id}$2`);

  it('the generated text really carries the id', () => {
    expect(withId('4294967299')).toContain(`[4294967299,`);
    expect(Tokenizer.loadSync(strToU8(withId(String(n + 2)))).vocabSize).toBe(n + 3);
  });

  for (const id of ['4294967299', `${2 ** 32 + n + 2}`, '2147483648', `${2 ** 31 + n + 2}`, '9007199254740993', '123456789012345', '1e400']) {
    it(`rejects id ${id} on every loading path with a ModelError naming it`, async () => {
      for (const [path, e] of await everyPath(withId(id))) {
        expect(e, path).toBeInstanceOf(ModelError);
        expect(e.message, path).toMatch(/\bid\b.*(out of range|must be an integer)/);
      }
    });
  }

  it('rejects a binary model whose piece id is out of range, with both decoders', () => {
    const bin = Tokenizer.loadSync(good).toBinary();
    const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
    const vocabSize = view.getUint32(16, true);
    const size = view.getUint32(20, true);
    const distinct = view.getUint32(24, true);
    const pad8 = (x: number) => x + (-x & 7);
    const counts = 64 + pad8(4 * (vocabSize - 3));
    const ids = counts + 16 * distinct + 8 * size + pad8(2 * size);
    // The first slot holding a piece: its delta made to point past the last id, or far past it.
    let slot = 0;
    while (view.getInt32(ids + 4 * slot, true) === -0x80000000) slot++;
    for (const delta of [vocabSize, 0x7fffffff, -0x7fffffff]) {
      const bad = bin.slice();
      new DataView(bad.buffer).setInt32(ids + 4 * slot, delta, true);
      sealBinaryModel(bad);
      for (const k of [undefined, kernel]) {
        const e = errorOf(() => readBinaryModel(bad, 'bad.bpm', k));
        expect(e).toBeInstanceOf(ModelError);
        expect(e.message).toMatch(/^bad\.bpm: corrupt binary model: trie slot \d+: its piece's id is out of range/);
      }
      expect(errorOf(() => Tokenizer.loadSync(bad))).toBeInstanceOf(ModelError);
      expect(errorOf(() => Tokenizer.loadSync(bad, { engine: 'js' }))).toBeInstanceOf(ModelError);
    }
  });
});

describe('zip integrity (issue 14 item 3)', () => {
  const bytes = strToU8(goodText);
  // A count digit changed in a stored entry: still valid JSON, a valid model, but not the one zipped.
  const lastKey = Object.keys(good).at(-1)!;
  const countAt = goodText.indexOf(',3]', goodText.indexOf(`"${lastKey}"`)) + 1;

  it('rejects a stored or deflated entry whose data does not match its CRC-32, on every zip path', async () => {
    expect(goodText[countAt]).toBe('3');
    const stored = zipSync({ 'm.model': [bytes, { level: 0 }] });
    const at = Buffer.from(stored).indexOf(Buffer.from(goodText.slice(countAt - 20, countAt + 1))) + 20;
    const flipped = stored.slice();
    flipped[at] = 0x37; // count 3 -> 7
    const deflatedBad = zipSync({ 'm.model': strToU8(goodText.slice(0, countAt) + '7' + goodText.slice(countAt + 1)) });
    // The deflated entry's data made from the altered text, its directory's CRC-32 from the original.
    const crcOf = (z: Uint8Array) => new DataView(z.buffer).getUint32(Buffer.from(z).lastIndexOf(Buffer.from([0x50, 0x4b, 1, 2])) + 16, true);
    const original = zipSync({ 'm.model': bytes });
    const patch = (z: Uint8Array, crc: number) => {
      const out = z.slice();
      const view = new DataView(out.buffer);
      view.setUint32(14, crc, true); // local header
      view.setUint32(Buffer.from(out).lastIndexOf(Buffer.from([0x50, 0x4b, 1, 2])) + 16, crc, true); // central directory
      return out;
    };
    const deflated = patch(deflatedBad, crcOf(original));
    for (const [label, zip] of [
      ['stored', flipped],
      ['deflated', deflated],
    ] as const) {
      const file = join(dir, `${label}.zip`);
      writeFileSync(file, zip);
      const errors: Array<[string, Error]> = [
        ['bytes', errorOf(() => Tokenizer.loadSync(zip, { name: `${label}.zip` }))],
        ['path sync', errorOf(() => Tokenizer.loadSync(file))],
        ['path async', await errorOfAsync(() => Tokenizer.load(file))],
        ['universal sync', errorOf(() => WebTokenizer.loadSync(zip, { engine: 'js', name: `${label}.zip` }))],
        ['universal async', await errorOfAsync(() => WebTokenizer.load(zip, { engine: 'js', name: `${label}.zip` }))],
        ['Response', await errorOfAsync(() => Tokenizer.load(new Response(zip), { name: `${label}.zip` }))],
      ];
      for (const [path, e] of errors) {
        expect(e, `${label} ${path}`).toBeInstanceOf(ModelError);
        expect(e.message, `${label} ${path}`).toMatch(
          /\.zip: corrupt zip \(m\.model: CRC-32 mismatch \(the directory says 0x[0-9a-f]{8}, the data has 0x[0-9a-f]{8}\)\)/,
        );
      }
    }
    // The unaltered zips still load, on the same paths.
    expect(Tokenizer.loadSync(zipSync({ 'm.model': [bytes, { level: 0 }] })).vocabSize).toBe(Object.keys(good).length + 3);
    expect((await WebTokenizer.load(original, { engine: 'js' })).vocabSize).toBe(Object.keys(good).length + 3);
  });

  it('rejects two model entries of the same name (it loaded the last one)', async () => {
    const other = tinyModel([
      ['ab', 5],
      ['xy', 9],
    ]);
    // fflate's zipSync keys entries by name: make two names of equal length, then rename one.
    const zip = zipSync({ 'a.model': bytes, 'b.model': strToU8(JSON.stringify(other)) });
    const at = Buffer.from(zip).indexOf(Buffer.from('b.model'));
    const at2 = Buffer.from(zip).indexOf(Buffer.from('b.model'), at + 1);
    zip[at] = zip[at2] = 0x61; // both headers of b.model now say a.model
    const file = join(dir, 'twice.zip');
    writeFileSync(file, zip);
    const stored = zip.slice();
    // The same with a third entry of an unknown method: the fast reader declines the zip, and the
    // general unzipper (fflate's) reads it.
    const odd = zipSync({ 'a.model': bytes, 'b.model': strToU8(JSON.stringify(other)), 'x.txt': strToU8('x') });
    for (const header of [0x04034b50, 0x02014b50]) {
      for (let p = 0; (p = Buffer.from(odd).indexOf(Buffer.from(new Uint32Array([header]).buffer), p)) >= 0; p += 4) {
        const nameAt = p + (header === 0x04034b50 ? 30 : 46);
        const name = Buffer.from(odd.subarray(nameAt, nameAt + 7)).toString('latin1');
        if (name === 'b.model') odd[nameAt] = 0x61;
        if (name.startsWith('x.txt')) odd[p + (header === 0x04034b50 ? 8 : 10)] = 99;
      }
    }
    const errors: Array<[string, Error]> = [
      ['bytes', errorOf(() => Tokenizer.loadSync(stored, { name: 'twice.zip' }))],
      ['general unzipper', errorOf(() => Tokenizer.loadSync(odd, { name: 'twice.zip' }))],
      ['path', await errorOfAsync(() => Tokenizer.load(file))],
      ['universal async', await errorOfAsync(() => WebTokenizer.load(stored, { engine: 'js', name: 'twice.zip' }))],
    ];
    for (const [path, e] of errors) {
      expect(e, path).toBeInstanceOf(ModelError);
      expect(e.message, path).toMatch(/twice\.zip: the zip holds several \*\.model files \(a\.model, a\.model, a name more than once\)/);
    }
  });
});

describe('no stack overflow, no recursion into values (issue 14 item 5)', () => {
  it('a zip in a zip is a ModelError: a model entry may not be a zip (3,000 deep overflowed the stack)', () => {
    let zip = zipSync({ 'm.model': [strToU8(goodText), { level: 0 }] });
    expect(Tokenizer.loadSync(zip).vocabSize).toBe(Object.keys(good).length + 3);
    for (let k = 0; k < 3; k++) zip = zipSync({ 'm.model': [zip, { level: 0 }] });
    for (const load of [() => Tokenizer.loadSync(zip, { name: 'deep.zip' }), () => WebTokenizer.loadSync(zip, { engine: 'js', name: 'deep.zip' })]) {
      const e = errorOf(load);
      expect(e).toBeInstanceOf(ModelError);
      expect(e.message).toMatch(/^deep\.zip!m\.model: the model entry is itself a zip; nested zips are not read/);
    }
  });

  it('a value nested 100,000 deep is a ModelError with a short message', () => {
    // The last of two equal keys counts (JSON.parse): the deep value replaces byte 0's.
    const deep = goodText.replace(/\}$/, `,"AA==":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    for (const [path, e] of [
      ['bytes', errorOf(() => Tokenizer.loadSync(strToU8(deep)))],
      ['object', errorOf(() => Tokenizer.loadSync(JSON.parse(deep) as ModelSource))],
    ] as const) {
      expect(e, path).toBeInstanceOf(ModelError);
      expect(e.message, path).toMatch(/piece "AA==": value must be \[id, text, count\], got an array of 1 items$/);
    }
  });

  it('a huge key is quoted shortened', () => {
    const key = 'Q'.repeat(1 << 20) + '!';
    const e = errorOf(() => Tokenizer.loadSync({ ...good, [key]: [Object.keys(good).length + 3, '', 1] }));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message.length).toBeLessThan(200);
  });
});

describe('numbers quoted as read (issue 14 item 8)', () => {
  const lastKey = Object.keys(good).at(-1)!;
  const withCount = (count: string) => goodText.replace(/,3\]\}$/, `,${count}]}`);
  it('counts past 2^53 or past the range of a double are not misquoted', () => {
    expect(goodText.endsWith(',3]}')).toBe(true);
    const unsafe = errorOf(() => Tokenizer.loadSync(strToU8(withCount('9007199254740993'))));
    expect(unsafe).toBeInstanceOf(ModelError);
    expect(unsafe.message).toContain(
      `piece "${lastKey}": count must be a positive integer (at most 2^53-1), got a number beyond 2^53-1 (read as 9007199254740992)`,
    );
    const huge = errorOf(() => Tokenizer.loadSync(strToU8(withCount('1e400'))));
    expect(huge.message).toContain('got a number beyond the range of a double (read as Infinity)');
  });
});

describe('size cap and zip bombs (issue 14 item 4)', () => {
  const bytes = strToU8(goodText);
  const centralAt = (z: Uint8Array) => Buffer.from(z).lastIndexOf(Buffer.from([0x50, 0x4b, 1, 2]));
  /** The zip with its entry's uncompressed size set to `size` in both headers. */
  const announcing = (z: Uint8Array, size: number) => {
    const out = z.slice();
    const view = new DataView(out.buffer);
    view.setUint32(22, size, true);
    view.setUint32(centralAt(out) + 24, size, true);
    return out;
  };
  /** Every zip path; each must throw a ModelError matching `message`. */
  async function rejectedEverywhere(zip: Uint8Array, message: RegExp, options: { maxModelBytes?: number } = {}) {
    const file = join(dir, 'bomb.zip');
    writeFileSync(file, zip);
    const errors: Array<[string, Error]> = [
      ['bytes', errorOf(() => Tokenizer.loadSync(zip, { ...options, name: 'bomb.zip' }))],
      ['path sync', errorOf(() => Tokenizer.loadSync(file, options))],
      ['path async', await errorOfAsync(() => Tokenizer.load(file, options))],
      ['universal sync (fflate)', errorOf(() => WebTokenizer.loadSync(zip, { ...options, engine: 'js', name: 'bomb.zip' }))],
      ['universal async (DecompressionStream)', await errorOfAsync(() => WebTokenizer.load(zip, { ...options, engine: 'js', name: 'bomb.zip' }))],
      ['Response', await errorOfAsync(() => WebTokenizer.load(new Response(zip as Uint8Array<ArrayBuffer>), { ...options, engine: 'js', name: 'bomb.zip' }))],
    ];
    for (const [path, e] of errors) {
      expect(e, path).toBeInstanceOf(ModelError);
      expect(e.message, path).toMatch(message);
    }
  }

  it('an entry announcing more than the cap is refused before inflating (default cap 1 GiB)', async () => {
    const zip = announcing(zipSync({ 'm.model': bytes }), 2_200_000_000);
    await rejectedEverywhere(
      zip,
      /bomb\.zip: its entry m\.model has 2200000000 bytes, more than the 1073741824 allowed \(LoadOptions\.maxModelBytes, default 1073741824\)/,
    );
  });

  it('the cap is overridable, and applies to files, bytes and responses too', async () => {
    const zip = zipSync({ 'm.model': bytes });
    expect(zip.length).toBeLessThan(2000); // the zip is under the cap, its entry over it
    await rejectedEverywhere(zip, new RegExp(`its entry m\\.model has ${bytes.length} bytes, more than the 2000 allowed`), { maxModelBytes: 2000 });
    expect(Tokenizer.loadSync(zip, { maxModelBytes: bytes.length }).vocabSize).toBe(Object.keys(good).length + 3);
    const file = join(dir, 'big.model');
    writeFileSync(file, bytes);
    expect(errorOf(() => Tokenizer.loadSync(file, { maxModelBytes: 1000 })).message).toMatch(/big\.model: the file has \d+ bytes, more than the 1000 allowed/);
    expect((await errorOfAsync(() => Tokenizer.load(file, { maxModelBytes: 1000 }))).message).toMatch(/the file has \d+ bytes, more than the 1000 allowed/);
    expect(errorOf(() => Tokenizer.loadSync(bytes, { maxModelBytes: 1000 })).message).toMatch(/the model has \d+ bytes, more than the 1000 allowed/);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.subarray(0, 600));
        c.enqueue(bytes.subarray(600));
        c.close();
      },
    });
    const e = await errorOfAsync(() => Tokenizer.load(new Response(stream), { maxModelBytes: 1000 }));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message).toMatch(/the response has \d+ bytes, more than the 1000 allowed/);
    for (const bad of [0, -5, 1.5, NaN, '100']) {
      expect(() => Tokenizer.loadSync(bytes, { maxModelBytes: bad as number })).toThrow(/options\.maxModelBytes must be a positive integer/);
    }
  });

  it('an entry inflating past what its directory announces stops there, on every path', async () => {
    // 16 MB of spaces after the JSON (valid JSON still), announced as the JSON's size alone.
    const padded = new Uint8Array(bytes.length + (16 << 20)).fill(0x20);
    padded.set(bytes);
    const zip = announcing(zipSync({ 'm.model': padded }), bytes.length);
    await rejectedEverywhere(zip, /bomb\.zip: corrupt zip/);
  });
});
