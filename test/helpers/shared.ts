// Access to ../shared (models, corpora, golden ids). Absent in an outside clone: tests that need it
// skip with a message saying so; CI has it and runs them all.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const HAS_SHARED = existsSync(join(SHARED, 'models')) && existsSync(join(SHARED, 'golden'));
if (!HAS_SHARED) console.warn(`[bytepiece-wasm tests] ${SHARED} not found: skipping every test that needs the shared models, corpora and golden files`);

export const modelPath = (name: string) => join(SHARED, 'models', `${name}.zip`);
export const allModels = (): string[] =>
  HAS_SHARED
    ? readdirSync(join(SHARED, 'models'))
        .filter((f) => f.endsWith('.zip'))
        .map((f) => f.slice(0, -4))
        .sort()
    : [];
export const goldenModels = (): string[] =>
  HAS_SHARED
    ? readdirSync(join(SHARED, 'golden'), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
export const corpora = (): string[] =>
  HAS_SHARED
    ? readdirSync(join(SHARED, 'corpora'))
        .filter((f) => f.endsWith('.jsonl'))
        .map((f) => f.slice(0, -6))
        .sort()
    : [];

/** Corpus documents; lines are split on `\n` only (texts contain U+2028 and friends). */
export function corpusTexts(corpus: string): string[] {
  const raw = readFileSync(join(SHARED, 'corpora', `${corpus}.jsonl`), 'utf8');
  return raw
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

/** Golden ids per document of a corpus for a model. */
export function goldenIds(model: string, corpus: string): number[][] {
  const raw = gunzipSync(readFileSync(join(SHARED, 'golden', model, `${corpus}.jsonl.gz`))).toString('utf8');
  return raw
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => (JSON.parse(l) as { ids: number[] }).ids);
}
