// Training corpora from files (Node): formats, and errors naming file and line.
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileCorpus, train } from '../../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'bytepiece-train-files-'));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

async function docs(corpus: ReturnType<typeof fileCorpus>): Promise<string[]> {
  const out: string[] = [];
  const source = (corpus as () => AsyncIterable<string>)();
  for await (const d of source) out.push(d);
  return out;
}

describe('fileCorpus', () => {
  let jsonl = '';
  beforeAll(() => {
    jsonl = file('a.jsonl', '{"text": "one\\ntwo"}\n{"text": "three\\r\\n", "id": 2}\n');
  });
  it('reads .jsonl (field text by default), lines (split at \\n only) and whole-file text', async () => {
    expect(await docs(fileCorpus(jsonl))).toEqual(['one\ntwo', 'three\r\n']);
    const lines = file('b.txt', 'a\u2028b\r\nc\n\nd');
    expect(await docs(fileCorpus(lines, { format: 'lines' }))).toEqual(['a\u2028b\r', 'c', '', 'd']);
    expect(await docs(fileCorpus([lines, jsonl], { format: 'text' }))).toEqual([
      'a\u2028b\r\nc\n\nd',
      '{"text": "one\\ntwo"}\n{"text": "three\\r\\n", "id": 2}\n',
    ]);
    expect(await docs(fileCorpus(file('c.jsonl', '{"body": "x"}\n'), { field: 'body' }))).toEqual(['x']);
  });
  it('names the file and line of a JSONL line that is not an object or lacks the field', async () => {
    const bad = file('bad.jsonl', '{"text": "ok"}\n[1, 2]\n');
    await expect(docs(fileCorpus(bad))).rejects.toThrow(`${bad}:2: expected a JSON object with a string field "text", got an array`);
    const missing = file('missing.jsonl', '{"text": "ok"}\n{"text": "ok"}\n{"txt": "no"}\n');
    await expect(docs(fileCorpus(missing))).rejects.toThrow(`${missing}:3: the object has no field "text"`);
    const broken = file('broken.jsonl', '{"text": "ok"}\n{"text": \n');
    await expect(docs(fileCorpus(broken))).rejects.toThrow(new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: not valid JSON`));
    const lone = file('lone.jsonl', '{"text": "ab\\ud800"}\n');
    await expect(docs(fileCorpus(lone))).rejects.toThrow(`${lone}:1: field "text" has a lone surrogate U+D800 at UTF-16 offset 2`);
  });
  it('names the file, line and byte offset of invalid UTF-8', async () => {
    const bad = file('bad-utf8.txt', new Uint8Array([0x61, 0x0a, 0x62, 0x63, 0xff, 0x0a]));
    await expect(docs(fileCorpus(bad, { format: 'lines' }))).rejects.toThrow(`${bad}:2: invalid UTF-8 at byte offset 4`);
  });
  it('trains from files, the same as from the same texts in memory', async () => {
    const texts = ['the cat sat on the mat\n', 'the dog sat on the log\n'].flatMap((t) => Array(6).fill(t));
    const path = file('corpus.jsonl', texts.map((t) => JSON.stringify({ text: t })).join('\n'));
    const [fromFile] = await train(fileCorpus(path), { maxVocabSize: 300, engine: 'js', workers: 1 });
    const [fromMemory] = await train(texts, { maxVocabSize: 300, engine: 'js', workers: 1 });
    expect(fromFile!.toJSON()).toBe(fromMemory!.toJSON());
  });
});
