// Must-show 2 and 3 of the browser issue, on the built package (dist/): the browser bundles import
// nothing (no node:, no bare specifiers), the export conditions pick the right files, an explicit
// WebAssembly.Module works, the sizes meet their targets; then in Chromium, straight from a static
// server without any bundler: the default kernel URL, an explicit Module, and TokenizerWorker.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build as esbuild } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetsTargets, measureSizes } from '../../bench/sizes.js';
import { Tokenizer } from '../../src/node.js';
import { SMALL_TEXT, smallModel } from '../helpers/small-model.js';
import { launchChromium } from './chromium.js';
import { testModel } from './models.js';
import { serve, type StaticServer } from './static-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');
const BROWSER_BUNDLES = ['browser.js', 'worker.js', 'worker-thread.js', 'train.js', 'train-thread.js', 'trainer-worker.js'];
const MODEL = testModel('bytepiece.plus.80k', 'the in-browser bundle tests');
const MODEL_URL = `/models/${MODEL.file}`;
const DOCS = ['今天天气不错，我们去公园散步吧。', 'The quick brown fox jumps over the lazy dog.', 'family 👩‍👩‍👧‍👦 and flag 🏳️‍🌈', 'line one\r\nline two\r\n\r\nend'];

/** FNV-1a over ids, as fixtures/checks.js computes it. */
function checksum(list: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < list.length; i++) h = Math.imul(h ^ list[i]!, 0x01000193) >>> 0;
  return h;
}

beforeAll(() => {
  if (!existsSync(join(DIST, 'worker-thread.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm run test:browser` does)');
});

/** Every import/require specifier esbuild finds in a file (static, dynamic with a literal, require). */
async function importsOf(file: string): Promise<string[]> {
  const found: string[] = [];
  await esbuild({
    entryPoints: [file],
    bundle: true,
    write: false,
    logLevel: 'silent',
    platform: 'neutral',
    plugins: [
      {
        name: 'record',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === 'entry-point') return undefined;
            found.push(`${args.kind}: ${args.path}`);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return found;
}

describe('the built package', () => {
  it('browser bundles are self-contained: no imports at all, nothing from node:, no Node globals', async () => {
    for (const file of BROWSER_BUNDLES) {
      const path = join(DIST, file);
      expect(await importsOf(path), file).toEqual([]);
      const code = readFileSync(path, 'utf8');
      expect(code, file).not.toMatch(/["'`]node:/);
      expect(code, file).not.toMatch(/\b(require\(|process\.|Buffer\.|__dirname|__filename)/);
    }
  });

  it('each bundle finds the kernel beside it with a literal new URL(…, import.meta.url), for bundlers to see', () => {
    for (const file of ['browser.js', 'worker-thread.js', 'train.js', 'train-thread.js']) {
      expect(readFileSync(join(DIST, file), 'utf8')).toContain('new URL("./bytepiece.wasm", import.meta.url)');
    }
    for (const file of ['train.js', 'train-thread.js'])
      expect(readFileSync(join(DIST, file), 'utf8')).toContain('new URL("./bytepiece-train.wasm", import.meta.url)');
    const worker = readFileSync(join(DIST, 'worker.js'), 'utf8');
    expect(worker).toContain('new Worker(new URL("./worker-thread.js", import.meta.url), { type: "module" })');
    expect(worker).not.toContain('train-thread.js'); // tokenizer-only bundles never emit the trainer
    expect(readFileSync(join(DIST, 'trainer-worker.js'), 'utf8')).toContain('new Worker(new URL("./train-thread.js", import.meta.url), { type: "module" })');
    expect(existsSync(join(DIST, 'bytepiece.wasm'))).toBe(true);
  });

  it('export conditions: browser → browser.js, node import → node.js, node require → node.cjs, subpaths', () => {
    const resolveWith = (conditions: string[], specifier: string) =>
      execFileSync(
        process.execPath,
        [...conditions.map((c) => `--conditions=${c}`), '--input-type=module', '-e', `console.log(import.meta.resolve(${JSON.stringify(specifier)}))`],
        { cwd: ROOT, encoding: 'utf8' },
      ).trim();
    const file = (name: string) => pathToFileURL(join(DIST, name)).href;
    expect(resolveWith(['browser'], 'bytepiece-wasm')).toBe(file('browser.js'));
    expect(resolveWith([], 'bytepiece-wasm')).toBe(file('node.js'));
    expect(resolveWith([], 'bytepiece-wasm/worker')).toBe(file('worker.js'));
    expect(resolveWith([], 'bytepiece-wasm/worker-thread')).toBe(file('worker-thread.js'));
    expect(resolveWith([], 'bytepiece-wasm/bytepiece.wasm')).toBe(file('bytepiece.wasm'));
    expect(createRequire(join(ROOT, 'package.json')).resolve('bytepiece-wasm')).toBe(join(DIST, 'node.cjs'));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.sideEffects).toBe(false);
    for (const types of ['browser.d.ts', 'node.d.ts', 'node.d.cts', 'worker.d.ts']) expect(existsSync(join(DIST, types)), types).toBe(true);
  });

  it('dist/browser.js loads with an explicit WebAssembly.Module (and names a wrong one)', async () => {
    const { Tokenizer: BrowserTokenizer } = (await import(pathToFileURL(join(DIST, 'browser.js')).href)) as typeof import('../../src/index.js');
    const module = await WebAssembly.compile(readFileSync(join(DIST, 'bytepiece.wasm')));
    const model = smallModel();
    const tok = await BrowserTokenizer.load(model, { wasm: module });
    expect(tok.engine).toBe('wasm');
    expect(Array.from(tok.encode(SMALL_TEXT))).toEqual(Array.from((await Tokenizer.load(model, { engine: 'js' })).encode(SMALL_TEXT)));
    const notKernel = new WebAssembly.Module(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
    await expect(BrowserTokenizer.load(model, { wasm: notKernel })).rejects.toThrow(/not this version's kernel/);
  });

  it('dist/node.cjs and dist/node.js work from CommonJS and ESM, finding the kernel themselves', async () => {
    const model = smallModel();
    const want = Array.from((await Tokenizer.load(model, { engine: 'js' })).encode(SMALL_TEXT));
    const cjs = createRequire(import.meta.url)(join(DIST, 'node.cjs')) as typeof import('../../src/node.js');
    expect(Array.from(cjs.Tokenizer.loadSync(model).encode(SMALL_TEXT))).toEqual(want);
    const esm = (await import(pathToFileURL(join(DIST, 'node.js')).href)) as typeof import('../../src/node.js');
    expect(Array.from((await esm.Tokenizer.load(model)).encode(SMALL_TEXT))).toEqual(want);
  });

  it('download sizes meet the targets (JS ≤ 32 KB min+gzip, WASM ≤ 40 KB)', async () => {
    const rows = await measureSizes();
    console.table(rows);
    for (const row of rows) expect(meetsTargets(row), row.file).toBe(true);
  });
});

describe('in Chromium, served as plain files (no bundler)', () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let node: Tokenizer;

  beforeAll(async () => {
    server = await serve({ '/': join(ROOT, 'test/browser/fixtures'), '/pkg': DIST, '/models': MODEL.dir });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready]');
    node = await Tokenizer.load(MODEL.path);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const want = () => DOCS.map((d) => Array.from(node.encode(d)));

  /** Calls a function of fixtures/checks.js in the page. */
  const check = <T>(p: Page, name: string, ...args: unknown[]) =>
    p.evaluate(([n, a]) => (window as unknown as { checks: Record<string, (...x: unknown[]) => Promise<unknown>> }).checks[n as string]!(...(a as unknown[])), [
      name,
      args,
    ] as const) as Promise<T>;

  it("dist/browser.js imported as is finds its kernel beside it; both engines give Node's ids", async () => {
    const got = await check<Record<string, { engine: string; ids: number[][] }>>(page, 'defaultKernel', MODEL_URL, DOCS);
    expect(got.wasm).toEqual({ engine: 'wasm', ids: want() });
    expect(got.js).toEqual({ engine: 'js', ids: want() });
    expect(server.requests).toContain('/pkg/bytepiece.wasm');
  });

  it('loads with an explicit WebAssembly.Module, without fetching the default kernel', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(server.url);
    await fresh.waitForSelector('body[data-ready]');
    const seen = server.requests.length;
    expect(await check(fresh, 'explicitModule', MODEL_URL, DOCS)).toEqual(want());
    expect(server.requests.slice(seen)).toContain('/pkg/bytepiece.wasm?explicit');
    expect(server.requests.slice(seen)).not.toContain('/pkg/bytepiece.wasm');
    await fresh.close();
  });

  it('TokenizerWorker: model bytes transferred (not copied), megabytes tokenized while the page stays responsive', async () => {
    const repeat = 40_000;
    const bigDoc = DOCS.join('\n').repeat(repeat); // about 7 MB of UTF-8
    const got = await check<{
      transferred: boolean;
      small: number[][];
      count: number;
      sum: number;
      ticks: number;
      ms: number;
      decoded: string;
      samePieces: boolean;
      byBytes: number[];
      info: unknown;
      afterTerminate: string;
      timed: { same: boolean; runs: number; ms: number };
    }>(page, 'worker', MODEL_URL, DOCS, repeat);
    expect(got.transferred).toBe(true);
    expect(got.small).toEqual(want());
    const bigIds = node.encode(bigDoc);
    expect(got.count).toBe(bigIds.length);
    expect(got.sum).toBe(checksum(bigIds));
    console.log(
      `worker: ${(new TextEncoder().encode(bigDoc).length / 1e6).toFixed(1)} MB -> ${got.count} ids in ${got.ms.toFixed(0)} ms; the page ran ${got.ticks} timer callbacks meanwhile`,
    );
    expect(got.ticks).toBeGreaterThan(0);
    expect(got.decoded).toBe(node.decode(bigIds.subarray(0, 50)));
    expect(got.samePieces).toBe(true);
    expect(got.byBytes).toEqual(Array.from(node.encodeBytes(new TextEncoder().encode(DOCS[1]!))));
    expect(got.timed.same).toBe(true);
    expect(got.timed.runs).toBeGreaterThan(1);
    expect(got.info).toMatchObject({ vocabSize: node.vocabSize, engine: 'wasm' });
    expect(got.afterTerminate).toMatch(/terminated/);
  });

  it('TokenizerWorker: explicit Module, Blob models, pure JS, a worker the page made; errors reach the caller and the worker stays usable', async () => {
    const got = await check<Record<string, unknown>>(page, 'workerOptions', MODEL_URL, DOCS[0]);
    expect(got.bad).toMatch(/^broken\.model: /);
    expect(got.beforeLoad).toMatch(/no model loaded/);
    expect(got.wasmIds).toEqual(want()[0]);
    expect(got.jsIds).toEqual(want()[0]);
    expect(got.jsEngine).toBe('js');
    expect(got.ownIds).toEqual(want()[0]);
    expect(got.missingKernel).toMatch(/HTTP 404/);
    const hasSampling = typeof (node as unknown as { setSeed?: unknown }).setSeed === 'function';
    expect(got.sampling).toBe(hasSampling);
    expect(got.seed).toBe(hasSampling ? 'resolved' : 'this build of bytepiece-wasm has no sampling: setSeed is not available');
  });
});
