// The default model (bytepiece.eu.plus.160k, built into build/models/ by `npm run build:model`):
// Tokenizer.load() / loadSync() with no source or its name, both engines, the pool, the
// options.defaultModel override, and the same ids as the published zip when ../shared is there.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer, TokenizerPool } from '../../src/node.js';
import { Tokenizer as WebTokenizer } from '../../src/index.js';
import { DEFAULT_MODEL, defaultModelUrl } from '../../src/model/default-model.js';
import { HAS_SHARED, modelPath } from '../helpers/shared.js';

const TEXT = '今天天气不错，我们去公园散步吧。 The quick brown fox jumps over the lazy dog 🦊👩‍👩‍👧‍👦 ❤️‍🔥\n\tdef f(x): return x ** 2\n';

describe('the default model', () => {
  let ids: number[];

  beforeAll(() => {
    ids = Array.from(Tokenizer.loadSync().encode(TEXT));
  });

  it('loads with no source, by name, sync and async, with either engine: the same model and ids', async () => {
    const byName = await Tokenizer.load(DEFAULT_MODEL);
    expect(byName.vocabSize).toBe(159831);
    expect(Array.from(byName.encode(TEXT))).toEqual(ids);
    expect(Array.from((await Tokenizer.load()).encode(TEXT))).toEqual(ids);
    expect(Array.from(Tokenizer.loadSync(DEFAULT_MODEL, { engine: 'js' }).encode(TEXT))).toEqual(ids);
    expect(byName.decode(ids)).toBe(TEXT.normalize('NFC'));
  });

  it.skipIf(!HAS_SHARED)('gives the ids of the published bytepiece.eu.plus.160k.zip (a binary copy of it)', () => {
    const zip = Tokenizer.loadSync(modelPath(DEFAULT_MODEL));
    expect(ids).toEqual(Array.from(zip.encode(TEXT)));
    expect(Tokenizer.loadSync().vocabSize).toBe(zip.vocabSize);
  });

  it('the universal entry fetches it from beside the module, or from options.defaultModel', async () => {
    const bytes = new Uint8Array(readFileSync(defaultModelUrl()));
    // Bytes, as a host that serves the file elsewhere would hand them in (sync needs them: no fetch).
    expect(Array.from(WebTokenizer.loadSync(undefined, { defaultModel: bytes, engine: 'js' }).encode(TEXT))).toEqual(ids);
    expect(Array.from((await WebTokenizer.load(DEFAULT_MODEL, { defaultModel: bytes.slice(), engine: 'js' })).encode(TEXT))).toEqual(ids);
    // Node's fetch has no file: URLs; the message names the default model and what to do.
    expect(() => WebTokenizer.loadSync(undefined, { engine: 'js' })).toThrow(
      /cannot fetch the default model here: use Tokenizer\.load\(\), or pass its bytes as options\.defaultModel/,
    );
    // A Node path as the override.
    expect(Array.from(Tokenizer.loadSync(undefined, { defaultModel: defaultModelUrl().pathname }).encode(TEXT))).toEqual(ids);
    expect(Array.from((await Tokenizer.load(undefined, { defaultModel: pathToFileURL(defaultModelUrl().pathname) })).encode(TEXT))).toEqual(ids);
  });

  it('errors name the default model; options.defaultModel with a source of its own is refused', async () => {
    await expect(Tokenizer.load(undefined, { defaultModel: new Uint8Array([1, 2, 3]) })).rejects.toThrow(/bytepiece\.eu\.plus\.160k/);
    expect(() => Tokenizer.loadSync('some.zip', { defaultModel: new Uint8Array(1) })).toThrow(/options\.defaultModel only applies to the default model/);
  });

  it('TokenizerPool.create() with no source uses it', async () => {
    const pool = await TokenizerPool.create(undefined, { threads: 1 });
    try {
      expect(pool.vocabSize).toBe(159831);
      const [got] = await pool.encodeBatch([TEXT]);
      expect(Array.from(got!)).toEqual(ids);
    } finally {
      await pool.terminate();
    }
  });
});

describe('options a method does not take are refused, saying where they belong', () => {
  let tok: Tokenizer;
  beforeAll(() => {
    tok = Tokenizer.loadSync(undefined, { engine: 'js' });
  });

  it('a load option given to encode (it used to be silently ignored)', () => {
    expect(() => tok.encode('x', { loneSurrogates: 'replace' } as never)).toThrow(
      'encode: unknown option "loneSurrogates": it is a load option: Tokenizer.load(source, { loneSurrogates })',
    );
    expect(() => tok.countTokens('x', { engine: 'js' } as never)).toThrow(/countTokens: unknown option "engine": it is a load option/);
    expect(() => tok.encodeBatch(['x'], { seed: 1 } as never)).toThrow(/encodeBatch: unknown option "seed": it is a load option/);
    expect(() => tok.encodeInto('x', new Uint32Array(4), { name: 'n' } as never)).toThrow(/encodeInto: unknown option "name"/);
  });

  it('an encode option given to tokenize or load; a misspelt one lists what the method takes', () => {
    expect(() => tok.tokenize('x', { addEos: true } as never)).toThrow(
      'tokenize: unknown option "addEos": it is an encode option: tokenizer.encode(text, { addEos })',
    );
    expect(() => Tokenizer.loadSync(undefined, { addBos: true } as never)).toThrow(/load: unknown option "addBos": it is an encode option/);
    expect(() => tok.encode('x', { add_eos: true } as never)).toThrow('encode: unknown option "add_eos": encode takes alpha, addBos, addEos');
  });

  it('known options, and unknown keys left undefined, still work', () => {
    expect(Array.from(tok.encode('x', { addBos: true, addEos: true }))).toEqual([1, ...tok.encode('x'), 2]);
    expect(() => tok.encode('x', { loneSurrogates: undefined } as never)).not.toThrow();
  });
});
