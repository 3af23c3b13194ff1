// Corpus and golden-file readers for the probes (paths come in as arguments).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface Corpus {
  name: string;
  docs: string[];
  /** UTF-8 bytes of each document. */
  sizes: number[];
  bytes: number;
  maxBytes: number;
}

/** Documents = the "text" field of each JSONL line; lines split on `\n` only (texts hold U+2028). */
export function loadCorpus(name: string, path: string): Corpus {
  const docs = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l, i) => {
      const text = (JSON.parse(l) as { text?: unknown }).text;
      if (typeof text !== 'string') throw new Error(`${path}:${i + 1}: no "text" string field`);
      return text;
    });
  const sizes = docs.map((d) => Buffer.byteLength(d, 'utf8'));
  return { name, docs, sizes, bytes: sizes.reduce((a, b) => a + b, 0), maxBytes: Math.max(0, ...sizes) };
}

/** Golden ids per document (`{"ids": [...]}` per line, gzipped). */
export function loadGolden(path: string): number[][] {
  return gunzipSync(readFileSync(path))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => (JSON.parse(l) as { ids: number[] }).ids);
}

const utf8Length = (cp: number): number => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/**
 * `count` distinct short documents of at most `size` UTF-8 bytes (and more than size − 4, i.e. as
 * close as whole characters allow), cut from the corpus documents at character boundaries and
 * spread evenly over the corpus. Never crosses a document boundary.
 */
export function shortDocs(corpus: Corpus, size: number, count: number): string[] {
  const perDoc = Math.max(2, 2 * Math.ceil(count / Math.max(1, corpus.docs.length)));
  const all: string[] = [];
  for (const doc of corpus.docs) {
    let start = 0; // UTF-16 index where the current slice starts
    let at = 0;
    let bytes = 0;
    let taken = 0;
    for (const ch of doc) {
      const b = utf8Length(ch.codePointAt(0)!);
      if (bytes + b > size) {
        if (bytes > size - 4) all.push(doc.slice(start, at));
        if (++taken >= perDoc) break;
        start = at;
        bytes = 0;
      }
      bytes += b;
      at += ch.length;
    }
  }
  if (all.length === 0) throw new Error(`${corpus.name}: no document has ${size} bytes`);
  const picked: string[] = [];
  for (let i = 0; i < count; i++) picked.push(all[Math.floor((i * all.length) / count)]!);
  return picked;
}
