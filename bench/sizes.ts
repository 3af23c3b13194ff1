// What a browser downloads: each browser bundle minified (esbuild) and gzipped (level 9), and the
// kernel raw and gzipped, against the targets of the browser issue. Reads dist/ (`npm run build`).
// Usage: tsx bench/sizes.ts [--check]   (--check: exit 1 when a target is missed)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { transform } from 'esbuild';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

export interface SizeRow {
  file: string;
  raw: number;
  /** Minified size (JS only). */
  min?: number;
  gzip: number;
  brotli: number;
  /** Bytes allowed for `gzip` (of the minified JS, or of the raw .wasm), if there is a target. */
  target?: number;
  /** For the kernel the target also bounds the raw size. */
  targetRaw?: number;
}

const KB = 1024;
const gz = (b: Uint8Array) => gzipSync(b, { level: 9 }).length;
const br = (b: Uint8Array) => brotliCompressSync(b).length;

export async function measureSizes(): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  // 25 KB for the tokenizer alone; 31 KB since streaming decode, offsets and token limits became
  // Tokenizer methods (+2.3 KB: methods cannot be tree-shaken), plus long lines in windows, model
  // size caps and CRC-32, option-name checks and the default model's resolution (+2.6 KB; 29.9 KB
  // measured at this change). Moving offsets/limits to free functions would win some back. The
  // SentencePiece export stays out (Node only: protobufjs alone is ~30 KB). 32 KB since the
  // streams segment a line too long to hold in windows as it arrives (+1.0 KB; 31.36 KB measured).
  const js: [string, number | undefined][] = [
    ['browser.js', 32 * KB],
    ['worker.js', undefined],
    ['worker-thread.js', 32 * KB],
  ];
  for (const [file, target] of js) {
    const code = readFileSync(DIST + file, 'utf8');
    const min = Buffer.from((await transform(code, { minify: true, format: 'esm', target: 'es2022' })).code);
    rows.push({ file, raw: Buffer.byteLength(code), min: min.length, gzip: gz(min), brotli: br(min), target });
  }
  const wasm = readFileSync(DIST + 'bytepiece.wasm');
  rows.push({ file: 'bytepiece.wasm', raw: wasm.length, gzip: gz(wasm), brotli: br(wasm), target: 40 * KB, targetRaw: 40 * KB });
  return rows;
}

export const meetsTargets = (row: SizeRow) => (row.target === undefined || row.gzip <= row.target) && (row.targetRaw === undefined || row.raw <= row.targetRaw);

const kb = (n: number | undefined) => (n === undefined ? '' : `${(n / KB).toFixed(2)} KB`);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await measureSizes();
  const table = rows.map((r) => ({
    file: `dist/${r.file}`,
    raw: kb(r.raw),
    min: kb(r.min),
    'gzip (of min)': kb(r.gzip),
    'brotli (of min)': kb(r.brotli),
    target: r.target === undefined ? '' : `${r.targetRaw !== undefined ? 'raw & gzip' : 'min+gzip'} ≤ ${kb(r.target)}: ${meetsTargets(r) ? 'met' : 'MISSED'}`,
  }));
  console.log('Browser download sizes (tsx bench/sizes.ts; minify: esbuild, gzip -9, brotli default)');
  console.table(table);
  if (process.argv.includes('--check') && !rows.every(meetsTargets)) process.exit(1);
}
