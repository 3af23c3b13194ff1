// Hostile models (issue 14): every loading path must reject what it cannot represent exactly with a
// ModelError naming it, never load it altered. Models and zips are generated here, in memory.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ModelError, Tokenizer, type ModelSource } from '../src/node.js';
import { Tokenizer as WebTokenizer } from '../src/index.js';
import { readBinaryModel, sealBinaryModel } from '../src/binary-model.js';
import { tinyModel } from './tiny-model.js';

const kernel = new WebAssembly.Module(readFileSync(new URL('../build/bytepiece.wasm', import.meta.url)));
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
