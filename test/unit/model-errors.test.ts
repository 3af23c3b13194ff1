// Bad models: each is an Error whose message names the problem and the offending key, id or file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ModelError, Tokenizer, type ModelSource } from '../../src/node.js';
import { tinyModel } from '../helpers/tiny-model.js';

const good = tinyModel([['ab', 3]]);
const json = (m: unknown) => strToU8(JSON.stringify(m));
// Bad models are not of the model type, by design: the loader must reject them at run time.
const load = (source: unknown, name?: string) => () => Tokenizer.loadSync(source as ModelSource, { engine: 'js', name });

describe('model validation', () => {
  it('accepts the good model in every form', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-'));
    writeFileSync(join(dir, 'm.model'), json(good));
    writeFileSync(join(dir, 'm.zip'), zipSync({ 'dir/m.model': json(good) }));
    const ids = (t: Tokenizer) => Array.from(t.encode('abc'));
    const want = ids(Tokenizer.loadSync(good));
    expect(ids(Tokenizer.loadSync(join(dir, 'm.model')))).toEqual(want);
    expect(ids(await Tokenizer.load(join(dir, 'm.zip')))).toEqual(want);
    expect(ids(await Tokenizer.load(new URL(`file://${join(dir, 'm.zip')}`)))).toEqual(want);
    expect(ids(Tokenizer.loadSync(json(good)))).toEqual(want);
    expect(ids(Tokenizer.loadSync(json(good).buffer as ArrayBuffer))).toEqual(want);
    expect(ids(await Tokenizer.load(new Response(zipSync({ 'm.model': json(good) }))))).toEqual(want);
  });

  it('rejects text that is not JSON', () => {
    expect(load(strToU8('{"QQ==": [3, "A", 1'), 'bad.model')).toThrow(/^bad\.model: not valid JSON/);
    expect(load(strToU8('[1, 2]'))).toThrow(/must be a JSON object/);
    expect(load(Uint8Array.of(0xff, 0xfe, 0x00))).toThrow(/^model: not a zip, a binary model or UTF-8 JSON text: its 3 bytes start ff fe 00$/);
  });

  it('rejects a bad base64 key, naming it', () => {
    const next = Object.keys(good).length + 3;
    expect(load({ ...good, 'Q!==': [next, '', 1] })).toThrow(/bad base64 key "Q!==": invalid character at offset 1/);
    expect(load({ ...good, 'QQ=': [next, '', 1] })).toThrow(/bad base64 key "QQ=": length/);
    expect(load({ ...good, 'QR==': [next, '', 1] })).toThrow(/bad base64 key "QR==": non-zero padding bits/);
    expect(load({ ...good, '': [next, '', 1] })).toThrow(/bad base64 key ""/);
  });

  it('rejects values that are not [int >= 3, string, count > 0], naming the key', () => {
    const n = Object.keys(good).length;
    const next = n + 3;
    expect(load({ ...good, eHl6: [next, 'xyz'] })).toThrow(/piece "eHl6": value must be \[id, text, count\], got \[\d+,"xyz"\]/);
    expect(load({ ...good, eHl6: 'x' })).toThrow(/piece "eHl6": value must be/);
    expect(load({ ...good, eHl6: [2, 'xyz', 1] })).toThrow(/piece "eHl6": id must be an integer >= 3, got 2/);
    expect(load({ ...good, eHl6: [3.5, 'xyz', 1] })).toThrow(/id must be an integer >= 3, got 3.5/);
    expect(load({ ...good, eHl6: ['7', 'xyz', 1] })).toThrow(/id must be an integer >= 3, got "7"/);
    expect(load({ ...good, eHl6: [next, 5, 1] })).toThrow(/piece "eHl6": text must be a string/);
    expect(load({ ...good, eHl6: [next, 'xyz', 0] })).toThrow(/piece "eHl6": count must be a positive integer/);
    expect(load({ ...good, eHl6: [next, 'xyz', -4] })).toThrow(/count must be a positive integer.*got -4/);
    expect(load({ ...good, eHl6: [next, 'xyz', 1.25] })).toThrow(/got 1.25/);
    expect(load({ ...good, eHl6: [next + 5, 'xyz', 1] })).toThrow(/id \d+ is out of range: a model with \d+ pieces uses ids 3\.\.\d+/);
  });

  it('rejects duplicate ids and a model without pieces', () => {
    expect(load({ ...good, eHl6: [4, 'xyz', 1] })).toThrow(/duplicate id 4: pieces "[^"]+" and "eHl6"/);
    expect(load({})).toThrow(/no pieces/);
  });

  it('rejects a model missing single-byte pieces, listing them', () => {
    const m = { ...good };
    delete m[Buffer.from([0x41]).toString('base64')];
    delete m[Buffer.from([0xfe]).toString('base64')];
    // renumber so the ids stay contiguous and only the missing bytes are wrong
    const renumbered = Object.fromEntries(Object.entries(m).map(([k, v], i) => [k, [i + 3, v[1], v[2]]]));
    expect(load(renumbered, 'holes.model')).toThrow(/^holes\.model: the model lacks single-byte pieces 0x41, 0xfe/);
    expect(load(renumbered)).toThrow(ModelError);
  });

  it('rejects corrupt, empty and model-less zips, naming the file', () => {
    const zip = zipSync({ 'm.model': json(good) });
    expect(load(zip.slice(0, 40), 'cut.zip')).toThrow(/^cut\.zip: corrupt zip/);
    const garbled = zip.slice();
    garbled.fill(0x55, 30, 60);
    expect(load(garbled, 'garbled.zip')).toThrow(/garbled\.zip: (corrupt zip|not valid JSON)/);
    expect(load(zipSync({}), 'empty.zip')).toThrow(/^empty\.zip: the zip holds no \*\.model file/);
    expect(load(zipSync({ 'readme.txt': strToU8('hi') }), 'x.zip')).toThrow(/x\.zip: the zip holds no \*\.model file/);
    expect(load(zipSync({ 'a.model': json(good), 'b.model': json(good) }), 'two.zip')).toThrow(/several \*\.model files \(a\.model, b\.model\)/);
    expect(load(zipSync({ 'm.model': strToU8('nope') }), 'inner.zip')).toThrow(/^inner\.zip!m\.model: not valid JSON/);
    expect(load(new Uint8Array(0), 'zero.model')).toThrow(/^zero\.model: the file is empty/);
  });

  it('names a missing file, and rejects bad options', async () => {
    await expect(Tokenizer.load('/nonexistent/x.model')).rejects.toThrow(/ENOENT.*\/nonexistent\/x\.model/);
    expect(() => Tokenizer.loadSync(good, { engine: 'fast' as 'js' })).toThrow(/options.engine must be 'wasm' or 'js', got "fast"/);
    expect(() => Tokenizer.loadSync(good, { loneSurrogates: 'drop' as 'error' })).toThrow(/loneSurrogates/);
  });
});
