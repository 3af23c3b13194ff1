// Where things are, for run.ts and the sections (they run from source, so import.meta.url is
// bench/lib/). Probes are bundled elsewhere and get every path as an argument instead.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The team's shared data: ../shared next to the repo, or $BYTEPIECE_SHARED. */
export const SHARED = process.env.BYTEPIECE_SHARED ?? join(REPO, '..', 'shared');
export const OUT = join(REPO, 'bench', 'out');
export const hasShared = (): boolean => existsSync(join(SHARED, 'models')) && existsSync(join(SHARED, 'corpora'));

/** A path as written in RESULTS.md: relative to the repo root. */
export const rel = (path: string): string => relative(REPO, path) || '.';

export const modelPath = (name: string): string => join(SHARED, 'models', `${name}.zip`);
export const corpusPath = (name: string): string => join(SHARED, 'corpora', `${name}.jsonl`);
export const goldenDir = (model: string): string => join(SHARED, 'golden', model);
export const spModelPath = (model: string): string => join(SHARED, 'bench', 'sp', `${model}.model`);

const list = (dir: string, ext: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(ext))
        .map((f) => f.slice(0, -ext.length))
        .sort()
    : [];

/** Every shared model (name without .zip). */
export const allModels = (): string[] => list(join(SHARED, 'models'), '.zip');
/** Every shared corpus, Chinese first, then English, then code, then the rest by name. */
export const allCorpora = (): string[] => {
  const order = ['zh-fortunes', 'en-fortunes', 'code'];
  const rank = (c: string) => (order.includes(c) ? order.indexOf(c) : order.length);
  return list(join(SHARED, 'corpora'), '.jsonl').sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
};
/** BytePiece models converted to SentencePiece (../shared/bench/sp/<model>.model). */
export const spModels = (): string[] => list(join(SHARED, 'bench', 'sp'), '.model');
export const hasGolden = (model: string): boolean => existsSync(goldenDir(model));

/** The largest shared model by file size (the one whose load time and memory matter most). */
export function largestModel(): string {
  const models = allModels();
  return models.sort((a, b) => fileSize(modelPath(b)) - fileSize(modelPath(a)))[0]!;
}

export const fileSize = (path: string): number => statSync(path).size;

/** 'zh-fortunes' → 'zh', 'en-fortunes' → 'en'. */
export const shortCorpus = (c: string): string => c.replace(/-fortunes$/, '');

export const isQuick = (): boolean => process.env.BENCH_QUICK === '1' || process.argv.includes('--quick');
/** Timed passes per throughput figure (≥ 3; the median is reported). */
export const reps = (): number => Math.max(3, Number(process.env.BENCH_REPS) || (isQuick() ? 3 : 5));
/** Timed passes for peers: 3 (they run at a few MB/s, and five passes would double the run time). */
export const peerReps = (): number => Math.max(3, Number(process.env.BENCH_REPS) || 3);
