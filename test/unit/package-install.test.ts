// The package as a user gets it: the tracked files of this repo copied to a temporary folder (a
// fresh clone: no dist/, no build/), `npm pack` there (prepack builds), the tarball installed
// offline into an empty project, then, with no ../shared: ESM and CommonJS `Tokenizer.load()` with
// no argument, `npx bytepiece encode` / `decode` with no --model, and a strict TypeScript file on
// the universal entry type-checked without @types/node. Also the tarball's contents and size.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { HAS_SHARED, modelPath } from '../helpers/shared.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TEXT = '北京是中国的首都，The quick brown fox jumps over the lazy dog. 今天天气不错 🦊👍🏽';
/**
 * TEXT's ids with bytepiece.eu.plus.160k: those of the published zip as this package loads it
 * (golden parity on every shared corpus); checked against the zip itself below when ../shared is there.
 */
const EXPECTED = [
  72998, 131040, 16020, 84182, 17483, 11056, 56575, 54643, 3759, 123, 37399, 118, 136616, 29883, 19953, 657, 71431, 74755, 70646, 35, 243, 162, 169, 141, 243,
  162, 148, 144, 243, 162, 146, 192,
];
const PACKED_LIMIT = 2.5e6;

/** npm's own variables from `npm test` would steer the inner npm runs; they get a clean env. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function run(cmd: string, args: string[], cwd: string, input?: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, input, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 900_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}:\n${r.stderr}\n${r.stdout}`);
  return r;
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

describe('the packed package, installed offline into an empty project', () => {
  let tmp: string;
  let pack: PackResult;
  let app: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'bytepiece-pack-'));
    // A fresh clone: what git tracks (and new files not ignored), with this repo's node_modules.
    const clone = join(tmp, 'clone');
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    for (const f of files) {
      if (!existsSync(join(ROOT, f))) continue; // deleted in the work tree, not yet committed
      mkdirSync(dirname(join(clone, f)), { recursive: true });
      cpSync(join(ROOT, f), join(clone, f));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    // The build's own output comes first on stdout (prepack); npm's JSON report is the last part.
    const packed = run('npm', ['pack', '--json', '--pack-destination', tmp], clone).stdout;
    pack = (JSON.parse(packed.slice(packed.lastIndexOf('\n[\n') + 1)) as PackResult[])[0]!;

    app = join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(tmp, pack.filename)], app);
  }, 1_200_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it(`holds dist/ (no source maps), the default model, LICENSE, NOTICE, README and the docs it links, nothing else; under ${PACKED_LIMIT / 1e6} MB packed`, () => {
    const paths = pack.files.map((f) => f.path).sort();
    console.log(`[package] ${pack.filename}: ${pack.size} bytes packed, ${pack.unpackedSize} unpacked, ${paths.length} files:\n  ${paths.join('\n  ')}`);
    expect(paths).toContain('dist/models/bytepiece.eu.plus.160k.bin');
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/models/LICENSE',
        'dist/models/NOTICE',
        'NOTICE',
        'README.md',
        'package.json',
        'dist/browser.js',
        'dist/browser.d.ts',
        'dist/node.js',
        'dist/node.cjs',
        'dist/cli.js',
        'dist/bytepiece.wasm',
      ]),
    );
    expect(
      paths.filter((p) => !/^(dist\/.*|package\.json|README\.md|LICENSE|NOTICE|CONTRIBUTING\.md|docs\/[^/]+\.md|bench\/RESULTS\.md)$/.test(p)),
      'files outside dist/ and the package documents',
    ).toEqual([]);
    expect(
      paths.filter((p) => p.endsWith('.map') || (/\.(ts|zip)$/.test(p) && !p.endsWith('.d.ts'))),
      'source maps, sources or zips',
    ).toEqual([]);
    expect(pack.size).toBeLessThanOrEqual(PACKED_LIMIT);
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'bytepiece-wasm', 'package.json'), 'utf8')) as { dependencies?: object };
    expect(manifest.dependencies ?? {}, 'runtime dependencies (all are bundled)').toEqual({});
  });

  it.skipIf(!HAS_SHARED)('the expected ids are those of the published zip', () => {
    expect(Array.from(Tokenizer.loadSync(modelPath('bytepiece.eu.plus.160k')).encode(TEXT))).toEqual(EXPECTED);
  });

  it('ESM: Tokenizer.load() and loadSync() with no argument', () => {
    writeFileSync(
      join(app, 'esm.mjs'),
      [
        "import { Tokenizer } from 'bytepiece-wasm';",
        'const text = process.argv[2];',
        'const a = await Tokenizer.load();',
        'const b = Tokenizer.loadSync();',
        'console.log(JSON.stringify({ a: Array.from(a.encode(text)), b: Array.from(b.encode(text)), back: a.decode(a.encode(text)) }));',
      ].join('\n'),
    );
    const out = JSON.parse(run(process.execPath, ['esm.mjs', TEXT], app).stdout) as { a: number[]; b: number[]; back: string };
    expect(out).toEqual({ a: EXPECTED, b: EXPECTED, back: TEXT });
  });

  it('CommonJS: require, Tokenizer.load() with no argument', () => {
    writeFileSync(
      join(app, 'cjs.cjs'),
      [
        "const { Tokenizer } = require('bytepiece-wasm');",
        'Tokenizer.load().then((tok) => console.log(JSON.stringify(Array.from(tok.encode(process.argv[2])))));',
      ].join('\n'),
    );
    expect(JSON.parse(run(process.execPath, ['cjs.cjs', TEXT], app).stdout)).toEqual(EXPECTED);
  });

  it('npx bytepiece encode / decode round trip with no --model', () => {
    writeFileSync(join(app, 'input.txt'), `${TEXT}\nsecond line, 第二行\n`);
    const enc = run('npx', ['--offline', '--no', 'bytepiece', 'encode', '--lines', 'input.txt', '-o', 'ids.jsonl'], app);
    expect(enc.stderr).toMatch(/^bytepiece: encoded 2 documents, /);
    const ids = readFileSync(join(app, 'ids.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { ids: number[] }).ids);
    expect(ids[0]).toEqual(EXPECTED);
    const texts = run('npx', ['--offline', '--no', 'bytepiece', 'decode', 'ids.jsonl', '-q'], app)
      .stdout.trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { text: string }).text);
    expect(texts).toEqual([TEXT, 'second line, 第二行']);
  });

  it('a strict TypeScript file on the universal entry type-checks without @types/node', () => {
    expect(existsSync(join(app, 'node_modules', '@types', 'node')), '@types/node in the test project').toBe(false);
    writeFileSync(
      join(app, 'browser.ts'),
      [
        "import { Tokenizer, ModelError, type LoadOptions } from 'bytepiece-wasm';",
        "import { TokenizerWorker } from 'bytepiece-wasm/worker';",
        "const options: LoadOptions = { engine: 'wasm', defaultModel: new URL('/models/bytepiece.eu.plus.160k.bin', location.href) };",
        'export async function ids(text: string): Promise<number[]> {',
        '  const tok = await Tokenizer.load(undefined, options);',
        '  const worker = await TokenizerWorker.load();',
        '  worker.terminate();',
        '  return Array.from(tok.encode(text, { addEos: true }));',
        '}',
        'export const isModelError = (e: unknown): boolean => e instanceof ModelError;',
      ].join('\n'),
    );
    const tsconfig = (file: string) =>
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          isolatedModules: true,
        },
        files: [file],
      });
    writeFileSync(join(app, 'tsconfig.json'), tsconfig('browser.ts'));
    run(process.execPath, [TSC, '-p', 'tsconfig.json'], app);
    // And the check can fail: a node: import in the same setup is an error.
    writeFileSync(join(app, 'node-only.ts'), "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n");
    writeFileSync(join(app, 'tsconfig.node-only.json'), tsconfig('node-only.ts'));
    const r = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.node-only.json'], { cwd: app, env, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/node:fs/);
  });
});
