// blobCorpus: training documents from Blobs/Files (what a browser page has), the same as
// fileCorpus gives from the same bytes on disk, with errors naming the File and the line.
import { describe, expect, it } from 'vitest';
import { blobCorpus, train } from '../../src/node.js';

async function docs(corpus: ReturnType<typeof blobCorpus>): Promise<string[]> {
  const out: string[] = [];
  for await (const d of (corpus as () => AsyncIterable<string>)()) out.push(d);
  return out;
}

const file = (name: string, body: string | Uint8Array<ArrayBuffer>) => new File([body], name);

describe('blobCorpus', () => {
  it('reads .jsonl by line (field text), lines split at \\n only, and whole Blobs as text', async () => {
    const jsonl = file('a.jsonl', '{"text": "one\\ntwo"}\n{"text": "three\\r\\n", "id": 2}\n');
    expect(await docs(blobCorpus(jsonl))).toEqual(['one\ntwo', 'three\r\n']);
    const lines = file('b.txt', 'a\u2028b\r\nc\n\nd');
    expect(await docs(blobCorpus(lines, { format: 'lines' }))).toEqual(['a\u2028b\r', 'c', '', 'd']);
    expect(await docs(blobCorpus([lines, new Blob(['plain'])]))).toEqual(['a\u2028b\r\nc\n\nd', 'plain']);
    expect(await docs(blobCorpus(file('c.jsonl', '{"body": "x"}\n'), { field: 'body' }))).toEqual(['x']);
  });

  it("streams lines across the Blob's chunks (a line longer than a chunk stays whole)", async () => {
    const long = 'x'.repeat(200_000);
    expect(await docs(blobCorpus(file('long.txt', `${long}\n${long}y\nz`), { format: 'lines' }))).toEqual([long, `${long}y`, 'z']);
  });

  it('can be read twice (the trainer reads its corpus twice)', async () => {
    const corpus = blobCorpus(file('t.txt', 'a\nb\n'), { format: 'lines' });
    expect(await docs(corpus)).toEqual(['a', 'b']);
    expect(await docs(corpus)).toEqual(['a', 'b']);
  });

  it('names the File and line of bad JSONL, and the byte offset of invalid UTF-8', async () => {
    await expect(docs(blobCorpus(file('bad.jsonl', '{"text": "ok"}\n[1, 2]\n')))).rejects.toThrow(
      'bad.jsonl:2: expected a JSON object with a string field "text", got an array',
    );
    await expect(docs(blobCorpus(file('missing.jsonl', '{"text": "ok"}\n{"txt": "no"}\n')))).rejects.toThrow('missing.jsonl:2: the object has no field "text"');
    await expect(docs(blobCorpus(file('bad-utf8.txt', new Uint8Array([0x61, 0x0a, 0x62, 0x63, 0xff, 0x0a])), { format: 'lines' }))).rejects.toThrow(
      'bad-utf8.txt:2: invalid UTF-8 at byte offset 4',
    );
    // A Blob without a name is named by its place in the list.
    await expect(docs(blobCorpus([new Blob(['ok']), new Blob([new Uint8Array([0xc3])])]))).rejects.toThrow('blob 1: invalid UTF-8 at byte offset 0');
  });

  it('rejects what is not a Blob, an empty list and an unknown format, before reading', () => {
    expect(() => blobCorpus([])).toThrow(RangeError);
    expect(() => blobCorpus(['text' as unknown as Blob])).toThrow('blobCorpus: item 0 is not a Blob (got string)');
    expect(() => blobCorpus(new Blob(['x']), { format: 'csv' as 'text' })).toThrow(`blobCorpus: format must be 'text', 'lines' or 'jsonl', got "csv"`);
  });

  it('trains the same model as the same texts in memory', async () => {
    const texts = ['the cat sat on the mat', 'the dog sat on the log'].flatMap((t) => Array(6).fill(t));
    const [fromBlob] = await train(blobCorpus(file('c.txt', texts.join('\n')), { format: 'lines' }), { maxVocabSize: 300, engine: 'js', workers: 1 });
    const [fromMemory] = await train(texts, { maxVocabSize: 300, engine: 'js', workers: 1 });
    expect(fromBlob!.toJSON()).toBe(fromMemory!.toJSON());
  });
});
