// The fast load paths against the general ones: the byte scanner of .model JSON against
// JSON.parse + vocabularyFromJson, the central-directory zip reader (native zlib, fflate) against
// fflate's unzipSync, and binary models under random corruption.
import { readFileSync } from 'node:fs';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { zipSync, strToU8 } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelError, Tokenizer } from '../../src/node.js';
import { scanModelJson } from '../../src/model/json-scan.js';
import { modelFromBytes } from '../../src/model/source.js';
import { vocabularyOf } from '../../src/model/compile.js';
import { vocabularyFromJson, type Vocabulary } from '../../src/model/vocabulary.js';
import { readZipDirectory } from '../../src/model/zip.js';
import { tinyModel } from '../helpers/tiny-model.js';
import { Tokenizer as WebTokenizer } from '../../src/index.js';
import { HAS_SHARED, modelPath } from '../helpers/shared.js';
import { payloadSums, readBinaryModel, sealBinaryModel } from '../../src/model/binary-model.js';

/** The kernel, for the WebAssembly binary decoder (what the Node entry passes by default). */
const kernel = new WebAssembly.Module(readFileSync(new URL('../../build/bytepiece.wasm', import.meta.url)));
/** A load's error message, or 'ok'. */
const outcome = (load: () => unknown) => {
  try {
    load();
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
};

/** The general path: what modelFromBytes did before the scanner (its result or its error message). */
function general(bytes: Uint8Array): Vocabulary | string {
  try {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return 'not utf-8';
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return 'not json';
    }
    return vocabularyFromJson(json);
  } catch (e) {
    return (e as Error).message;
  }
}

/** The path in use: the scanner, falling back to the general path. */
function current(bytes: Uint8Array): Vocabulary | string {
  try {
    return vocabularyOf(modelFromBytes(bytes, 'm'));
  } catch (e) {
    const m = (e as Error).message.replace(/^m: /, '');
    if (m.startsWith('not valid JSON')) return 'not json';
    // Bytes that cannot start JSON are refused before decoding: as the general path, by their UTF-8.
    if (m.startsWith('not a zip, a binary model or UTF-8 JSON')) return general(bytes) === 'not utf-8' ? 'not utf-8' : 'not json';
    return m;
  }
}

const plain = (v: Vocabulary | string) =>
  typeof v === 'string' ? v : { vocabSize: v.vocabSize, bytes: Array.from(v.bytes), offsets: Array.from(v.offsets), counts: Array.from(v.counts) };

// Pieces: short byte strings; ids: a permutation of 3..n+2, sometimes broken; texts with escapes,
// unicode, lone surrogates; counts as plain integers or other JSON spellings; odd whitespace.
const ws = fc.constantFrom('', ' ', '\n', '\t', '\r\n', '    ', '\n        ');
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('\u0000', '"', '\\', '\ud800', 'é', '😀', '\u2028'));
const entry = fc.record({ piece: fc.uint8Array({ minLength: 1, maxLength: 4 }), text, count: fc.integer({ min: 1, max: 1e6 }) });
const model = fc.record({
  entries: fc.array(entry, { minLength: 0, maxLength: 12 }),
  shuffle: fc.array(fc.nat(), { maxLength: 12 }),
  idShift: fc.constantFrom(0, 0, 0, 0, 0, 0, 1, -1),
  idSpelling: fc.constantFrom(0, 0, 0, 0, 0, 0, 1, 2),
  countSpelling: fc.constantFrom(0, 0, 0, 0, 0, 0, 1, 2),
  badCount: fc.constantFrom(undefined, undefined, undefined, undefined, undefined, undefined, 0, -1, 2 ** 53, 1.5),
  ws,
  escapeText: fc.boolean(),
  keyEscape: fc.constantFrom(false, false, false, false, false, true),
  tail: fc.constantFrom('', '', '', '', '', ' \n', ',', 'x', '}'),
  bom: fc.constantFrom(false, false, true),
});

function render(m: {
  entries: { piece: Uint8Array; text: string; count: number }[];
  shuffle: number[];
  idShift: number;
  idSpelling: number;
  countSpelling: number;
  badCount: number | undefined;
  ws: string;
  escapeText: boolean;
  keyEscape: boolean;
  tail: string;
  bom: boolean;
}): Uint8Array {
  const ids = m.entries.map((_, i) => i + 3);
  for (let i = 0; i < m.shuffle.length && ids.length > 1; i++) {
    const a = i % ids.length;
    const b = m.shuffle[i]! % ids.length;
    [ids[a], ids[b]] = [ids[b]!, ids[a]!];
  }
  if (ids.length > 0) ids[0] = ids[0]! + m.idShift;
  const spell = (v: number, how: number) =>
    Number.isInteger(v) && v > 0 && how === 1 ? `${v}.0` : how === 2 && Number.isInteger(v) && v > 0 ? `${v}e0` : JSON.stringify(v);
  const w = m.ws;
  const entries = m.entries.map((e, i) => (i === 0 && m.badCount !== undefined ? { ...e, count: m.badCount } : e));
  const parts = entries.map((e, i) => {
    let key = JSON.stringify(Buffer.from(e.piece).toString('base64'));
    if (m.keyEscape && i === 0) key = key.replace(/A|=/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
    const t = m.escapeText
      ? JSON.stringify(e.text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      : JSON.stringify(e.text);
    return `${w}${key}${w}:${w}[${w}${spell(ids[i]!, m.idSpelling)}${w},${w}${t}${w},${w}${spell(e.count, m.countSpelling)}${w}]`;
  });
  const body = `{${parts.join(',')}${w}}${m.tail}`;
  const bytes = strToU8(body);
  return m.bom ? Uint8Array.of(0xef, 0xbb, 0xbf, ...bytes) : bytes;
}

describe('.model scanner', () => {
  it('gives the same vocabulary or the same error as JSON.parse + the validator', () => {
    let fast = 0;
    fc.assert(
      fc.property(model, (m) => {
        const bytes = render(m);
        if (scanModelJson(bytes)) fast++;
        expect(plain(current(bytes))).toEqual(plain(general(bytes)));
      }),
      { numRuns: 2000 },
    );
    expect(fast).toBeGreaterThan(100); // the property exercises the scanner, not only the fallback
  });

  it("accepts the trainer's format itself (it is the fast path, not a fallback)", () => {
    const good = tinyModel([
      ['ab', 3],
      ['abc', 2],
    ]);
    const bytes = strToU8(JSON.stringify(good, null, 4));
    const v = scanModelJson(bytes);
    expect(v).toBeDefined();
    expect(plain(v!)).toEqual(plain(vocabularyFromJson(good)));
  });

  it('leaves duplicate keys, bad base64 and odd numbers to the general path', () => {
    const good = tinyModel([['ab', 3]]);
    const n = Object.keys(good).length + 3;
    const body = JSON.stringify(good).slice(0, -1);
    for (const extra of [`,"YWI=":[${n},"",1]`, `,"Q!==":[${n},"",1]`, `,"QR==":[${n},"",1]`, `,"eHl6":[${n}.0,"xyz",1]`, `,"eHl6":[${n},"xyz",1e0]`]) {
      const bytes = strToU8(`${body}${extra}}`);
      expect(scanModelJson(bytes)).toBeUndefined();
      expect(plain(current(bytes))).toEqual(plain(general(bytes)));
    }
    // Invalid UTF-8 inside a text (a stray byte, an overlong form, an encoded surrogate, a cut sequence), a raw control character.
    for (const bad of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xbd], [0xf4, 0x90, 0x80, 0x80], [0x01]]) {
      const bytes = Uint8Array.from([...strToU8(`${body},"eHl6":[${n},"`), ...bad, ...strToU8('",1]}')]);
      expect(scanModelJson(bytes)).toBeUndefined();
      expect(current(bytes)).toBe(general(bytes));
    }
  });

  it.skipIf(!HAS_SHARED)('reads a published model exactly as JSON.parse does', () => {
    const zip = new Uint8Array(readFileSync(modelPath('bytepiece.plus.80k')));
    const dir = readZipDirectory(zip)!;
    const entry = dir.find((e) => e.name.endsWith('.model'))!;
    const bytes = new Uint8Array(inflateRawSync(entry.data));
    const fast = scanModelJson(bytes);
    expect(fast).toBeDefined();
    const slow = vocabularyFromJson(JSON.parse(new TextDecoder().decode(bytes)));
    expect(Buffer.from(fast!.bytes).equals(Buffer.from(slow.bytes))).toBe(true);
    expect(Buffer.from(fast!.offsets.buffer).equals(Buffer.from(slow.offsets.buffer))).toBe(true);
    expect(Buffer.from(fast!.counts.buffer).equals(Buffer.from(slow.counts.buffer))).toBe(true);
  });
});

describe('zip reader', () => {
  const good = tinyModel([['ab', 3]]);
  const json = strToU8(JSON.stringify(good));
  const load = (bytes: Uint8Array, name: string) => () => Tokenizer.loadSync(bytes, { engine: 'js', name });
  const ids = (t: Tokenizer) => Array.from(t.encode('abc'));
  const want = ids(Tokenizer.loadSync(good, { engine: 'js' }));

  it('reads stored and deflated entries, in folders, with other files around, natively and with fflate', () => {
    for (const level of [0, 6] as const) {
      const zip = zipSync({ 'readme.txt': strToU8('hi'), 'dir/m.model': [json, { level }], '__MACOSX/dir/._m.model': strToU8('junk') });
      expect(readZipDirectory(zip)!.map((e) => e.name)).toEqual(['readme.txt', 'dir/m.model', '__MACOSX/dir/._m.model']);
      expect(ids(Tokenizer.loadSync(zip, { engine: 'js' }))).toEqual(want);
      expect(vocabularyOf(modelFromBytes(zip, 'x')).vocabSize).toBe(Object.keys(good).length + 3); // universal path: fflate inflate
    }
  });

  it('gives the messages of the general unzipper for empty, model-less, several-model and corrupt zips', () => {
    expect(load(zipSync({}), 'empty.zip')).toThrow(/^empty\.zip: the zip holds no \*\.model file/);
    expect(load(zipSync({ 'a.txt': json }), 'none.zip')).toThrow(/^none\.zip: the zip holds no \*\.model file/);
    expect(load(zipSync({ 'a.model': json, 'b/b.model': json }), 'two.zip')).toThrow(
      /^two\.zip: the zip holds several \*\.model files \(a\.model, b\/b\.model\)/,
    );
    const zip = zipSync({ 'm.model': json });
    expect(load(zip.slice(0, 40), 'cut.zip')).toThrow(/^cut\.zip: corrupt zip/);
    // Deflate data damaged in place (directory intact): the inflater's error, as a corrupt zip.
    const deflated = zipSync({ 'm.model': [strToU8(JSON.stringify(good).repeat(1)), { level: 9 }] });
    const entry = readZipDirectory(deflated)![0]!;
    const damaged = deflated.slice();
    damaged.fill(0xff, entry.data.byteOffset, entry.data.byteOffset + Math.min(8, entry.data.length));
    expect(load(damaged, 'bad.zip')).toThrow(/^bad\.zip: (corrupt zip|.*not valid JSON)/);
    // A directory announcing the wrong size.
    const wrong = zip.slice();
    const dirAt = new DataView(wrong.buffer).getUint32(wrong.length - 6, true);
    new DataView(wrong.buffer).setUint32(dirAt + 24, json.length + 5, true);
    expect(load(wrong, 'size.zip')).toThrow(/^size\.zip: corrupt zip/);
  });

  it('universal async load inflates with DecompressionStream, with the same errors', async () => {
    const zip = zipSync({ 'dir/m.model': [json, { level: 6 }], 'notes.txt': strToU8('x') });
    expect(ids(await WebTokenizer.load(zip, { engine: 'js' }))).toEqual(want);
    expect(ids(await WebTokenizer.load(new Response(zip), { engine: 'js' }))).toEqual(want);
    await expect(WebTokenizer.load(zipSync({ 'a.model': json, 'b.model': json }), { engine: 'js', name: 'two.zip' })).rejects.toThrow(
      /^two\.zip: the zip holds several/,
    );
    const entry = readZipDirectory(zip)!.find((e) => e.name === 'dir/m.model')!;
    const damaged = zip.slice();
    damaged.fill(0xff, entry.data.byteOffset, entry.data.byteOffset + Math.min(8, entry.data.length));
    await expect(WebTokenizer.load(damaged, { engine: 'js', name: 'bad.zip' })).rejects.toThrow(/^bad\.zip: (corrupt zip|.*not valid JSON)/);
  });

  it('reads a zip written by another tool (zlib raw deflate, data descriptor sizes in the directory)', () => {
    // Hand-built: local header with zero sizes (as streaming writers do), sizes in the directory only.
    const name = strToU8('m.model');
    const data = new Uint8Array(deflateRawSync(json));
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(6, 8, true); // flags: data descriptor
    lv.setUint16(8, 8, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(8, 8, true);
    cv.setUint16(10, 8, true);
    cv.setUint32(16, crc32(json), true); // writers put the CRC-32 in the directory too (it is checked)
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, json.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, 0, true);
    central.set(name, 46);
    const end = new Uint8Array(22);
    const ev = new DataView(end.buffer);
    ev.setUint32(0, 0x06054b50, true);
    ev.setUint16(8, 1, true);
    ev.setUint16(10, 1, true);
    ev.setUint32(12, central.length, true);
    ev.setUint32(16, local.length + data.length, true);
    const zip = Uint8Array.from([...local, ...data, ...central, ...end]);
    expect(readZipDirectory(zip)).toHaveLength(1);
    expect(ids(Tokenizer.loadSync(zip, { engine: 'js' }))).toEqual(want);
  });
});

describe.skipIf(!HAS_SHARED)('binary model under corruption', () => {
  it('flipping bytes anywhere gives a clear error, or (if the checksum is fixed up) still no hang or crash', () => {
    const tok = Tokenizer.loadSync(modelPath('bytepiece.id.eu.plus.40k'));
    const bin = tok.toBinary();
    const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
    let rejected = 0;
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(bin.length - 1), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (flips, fixChecksum) => {
          const bad = bin.slice();
          for (const { at, xor } of flips) bad[at]! ^= xor;
          // With the checksum recomputed, only the structural checks stand between the bytes and the kernel.
          if (fixChecksum && flips.every(({ at }) => at >= 64)) sealBinaryModel(bad);
          // The WebAssembly decoder and the pure-JS one agree, error for error.
          if (fixChecksum || flips.length === 1) expect(outcome(() => readBinaryModel(bad, 'm', kernel))).toBe(outcome(() => readBinaryModel(bad, 'm')));
          let t: Tokenizer;
          try {
            t = Tokenizer.loadSync(bad);
          } catch (e) {
            expect(e).toBeInstanceOf(ModelError);
            if (!fixChecksum) expect((e as Error).message).toMatch(/corrupt binary model|not supported|not UTF-8|JSON|zip|no pieces|must be a JSON object/);
            rejected++;
            return;
          }
          accepted++;
          // Loaded despite the damage: it must still tokenize any text completely, without hanging.
          const text = 'hello 今天天气不错 \u0000\u00ff 😀 ' + String.fromCharCode(...Array.from({ length: 64 }, (_, i) => 0x20 + i));
          for (const engine of [t, Tokenizer.loadSync(bad, { engine: 'js' })]) {
            const ids = engine.encode(text);
            for (const id of ids) expect(id).toBeLessThan(t.vocabSize);
            expect(engine.countTokens(text)).toBe(ids.length);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(rejected).toBeGreaterThan(0);
    expect(view.getUint32(8, true)).toBe(3);
    console.log(`binary corruption: ${rejected} rejected, ${accepted} loaded and tokenized safely`);
  }, 120_000);

  it('the checksum changes with any one changed 32-bit word and any swap of two different words', () => {
    const bin = Tokenizer.loadSync(modelPath('bytepiece.id.eu.plus.40k')).toBinary();
    const payload = bin.slice(64);
    const words = new Uint32Array(payload.buffer);
    const [a, b] = payloadSums(payload);
    fc.assert(
      fc.property(fc.nat(words.length - 1), fc.nat(words.length - 1), fc.integer({ min: 1, max: 0xffffffff }), (i, j, x) => {
        const changed = words.slice();
        changed[i] = (changed[i]! + x) >>> 0;
        expect(payloadSums(new Uint8Array(changed.buffer))[0]).not.toBe(a);
        if (words[i] === words[j]) return;
        const swapped = words.slice();
        [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
        const [a2, b2] = payloadSums(new Uint8Array(swapped.buffer));
        expect(a2).toBe(a);
        expect(b2).not.toBe(b);
      }),
      { numRuns: 200 },
    );
  });

  it('structural damage behind a valid checksum is caught: parent loops, deep chains, bases out of range, pieces off their nodes', () => {
    const tok = Tokenizer.loadSync(modelPath('bytepiece.id.eu.plus.40k'));
    const bin = tok.toBinary();
    const v = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
    const vocabSize = v.getUint32(16, true);
    const size = v.getUint32(20, true);
    const distinct = v.getUint32(24, true);
    const pad8 = (n: number) => (n + 7) & ~7;
    const pieces = vocabSize - 3;
    // Base and check deltas interleaved, 8 bytes per slot.
    const bases = 64 + pad8(4 * pieces) + 16 * distinct;
    const checks = bases + 4;
    const depths = bases + 8 * size;
    const ids = depths + pad8(2 * size);
    const withFix = (edit: (d: DataView) => void) => {
      const bad = bin.slice();
      const d = new DataView(bad.buffer);
      edit(d);
      return sealBinaryModel(bad);
    };
    // The first occupied non-root slot deeper than the root's children, and its parent.
    let slot = -1;
    for (let i = 300; i < size && slot < 0; i++) if (v.getInt32(checks + 8 * i, true) !== -0x80000000) slot = i;
    const parent = slot + v.getInt32(checks + 8 * slot, true);
    // A slot with a piece (not the first at its depth: its delta is small) and a free slot.
    let piece = -1;
    for (let i = 1000; i < size && piece < 0; i++) if (v.getInt32(ids + 4 * i, true) === 1) piece = i;
    let free = -1;
    for (let i = 300; i < size - 256 && free < 0; i++) if (v.getInt32(checks + 8 * i, true) === -0x80000000) free = i;
    expect(piece > 0 && free > 0).toBe(true);
    const cases: [string, (d: DataView) => void, RegExp][] = [
      [
        'parent loop',
        (d) => d.setInt32(checks + 8 * parent, slot - parent, true),
        /too deep, or its parents loop|deeper than the longest piece|out of range|not as deep/,
      ],
      ['parent is itself', (d) => d.setInt32(checks + 8 * slot, 0, true), /out of range/],
      ['parent past the table', (d) => d.setInt32(checks + 8 * slot, size, true), /out of range/],
      ['base past the table', (d) => d.setInt32(bases + 8 * parent, size, true), /out of range/],
      ['negative base', (d) => d.setInt32(bases + 8 * parent, -parent - 5, true), /out of range/],
      ['piece dropped from its node', (d) => d.setInt32(ids + 4 * piece, -0x80000000, true), /trie slot \d+|only \d+ of the \d+ pieces/],
      ['piece id past the vocabulary', (d) => d.setInt32(ids + 4 * piece, 2 ** 30, true), /trie slot \d+: its piece's id/],
      ['piece id repeated', (d) => d.setInt32(ids + 4 * piece, 0, true), /trie slot \d+: its piece's id/],
      ['free slot with a depth', (d) => d.setUint16(depths + 2 * free, 1, true), /trie slot \d+: base, parent or depth out of range/],
      ['piece on a free slot', (d) => d.setInt32(ids + 4 * free, 1, true), /trie slot \d+/],
      ["depth not its parent's plus one", (d) => d.setUint16(depths + 2 * slot, d.getUint16(depths + 2 * slot, true) + 1, true), /out of range/],
      [
        'depths that loop',
        (d) => {
          d.setInt32(checks + 8 * parent, slot - parent, true);
          d.setUint16(depths + 2 * parent, d.getUint16(depths + 2 * slot, true) + 1, true);
        },
        /out of range|not as deep/,
      ],
      [
        'vocabulary size + 2^30 (wrapped 32-bit layout arithmetic to the same sections)',
        (d) => d.setUint32(16, vocabSize + 2 ** 30, true),
        /implausible sizes/,
      ],
      ['root marked free', (d) => d.setInt32(checks, -0x80000000, true), /root slot|out of range/],
    ];
    for (const [what, edit, message] of cases) {
      const bad = withFix(edit);
      expect(() => Tokenizer.loadSync(bad), what).toThrow(message);
      expect(() => readBinaryModel(bad, 'm'), `${what} (JS decoder)`).toThrow(message);
      expect(
        outcome(() => readBinaryModel(bad, 'm', kernel)),
        what,
      ).toBe(outcome(() => readBinaryModel(bad, 'm')));
    }
  });
});

describe.skipIf(!HAS_SHARED)('binary model decoders', () => {
  const bin = Tokenizer.loadSync(modelPath('bytepiece.id.eu.plus.40k')).toBinary();
  const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

  it('the WebAssembly decoder builds exactly the tables of the pure-JS one (lazy ones included)', () => {
    const js = readBinaryModel(bin, 'm');
    const wasm = readBinaryModel(bin, 'm', kernel);
    expect(wasm.vocab.vocabSize).toBe(js.vocab.vocabSize);
    for (const key of ['bytes', 'offsets', 'counts'] as const) expect(bytesOf(wasm.vocab[key]).equals(bytesOf(js.vocab[key])), key).toBe(true);
    for (const key of ['scores', 'lengths'] as const) expect(bytesOf(wasm[key]).equals(bytesOf(js[key])), key).toBe(true);
    for (const key of ['words', 'nodeIds'] as const) expect(bytesOf(wasm.trie[key]).equals(bytesOf(js.trie[key])), key).toBe(true);
    expect(wasm.maxPieceLength).toBe(js.maxPieceLength);
    expect(wasm.trie.rootBase).toBe(js.trie.rootBase);
  });

  it('a tokenizer over WebAssembly-decoded tables keeps working after its memory grows (views re-made)', () => {
    const tok = Tokenizer.loadSync(bin);
    const text = 'hello 今天天气不错 '.repeat(1 << 16); // grows the kernel's memory past the tables
    const ids = tok.encode(text);
    expect(tok.decode(ids)).toBe(text);
    expect(tok.pieceToId(tok.idToPiece(1000) as Uint8Array)).toBe(1000);
    expect(bytesOf(Tokenizer.loadSync(tok.toBinary()).toBinary()).equals(bytesOf(bin))).toBe(true);
    expect(Array.from(Tokenizer.loadSync(bin, { engine: 'js' }).encode(text.slice(0, 5000)))).toEqual(Array.from(tok.encode(text.slice(0, 5000))));
  });

  it('the universal entry decodes with the kernel it is given, or in JS without one', async () => {
    const text = 'hello 今天天气不错';
    const want = Array.from(Tokenizer.loadSync(bin).encode(text));
    expect(Array.from(WebTokenizer.loadSync(bin, { wasm: kernel }).encode(text))).toEqual(want);
    expect(Array.from((await WebTokenizer.load(bin, { wasm: kernel })).encode(text))).toEqual(want);
    expect(Array.from(WebTokenizer.loadSync(bin, { engine: 'js' }).encode(text))).toEqual(want);
    const bad = bin.slice();
    bad[bin.length >> 1]! ^= 4;
    expect(() => WebTokenizer.loadSync(bad, { wasm: kernel })).toThrow(/checksum mismatch/);
    expect(() => WebTokenizer.loadSync(bad, { engine: 'js' })).toThrow(/checksum mismatch/);
  });

  it('reads a binary model file by path (straight into the decoder), and names a truncated one', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'bp-bin-'));
    try {
      writeFileSync(join(dir, 'm.bpm'), bin);
      writeFileSync(join(dir, 'cut.bpm'), bin.subarray(0, bin.length - 100));
      const text = 'hello 今天天气不错';
      const want = Array.from(Tokenizer.loadSync(bin).encode(text));
      expect(Array.from(Tokenizer.loadSync(join(dir, 'm.bpm')).encode(text))).toEqual(want);
      expect(Array.from(Tokenizer.loadSync(join(dir, 'm.bpm'), { engine: 'js' }).encode(text))).toEqual(want);
      expect(Array.from((await Tokenizer.load(join(dir, 'm.bpm'))).encode(text))).toEqual(want);
      expect(() => Tokenizer.loadSync(join(dir, 'cut.bpm'))).toThrow(/cut\.bpm: corrupt binary model: truncated/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
