// "Equally through webpack 5": an app importing 'bytepiece-wasm' and 'bytepiece-wasm/worker' by
// name is bundled by webpack (export condition "browser", the kernel and the worker script emitted
// as assets from their new URL(…, import.meta.url)), served, and run in Chromium.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import webpack from 'webpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { launchChromium } from './chromium.js';
import { testModel } from './models.js';
import { serve, type StaticServer } from './static-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'test-output/webpack-app');
const MODEL = testModel('bytepiece.plus.80k', 'the webpack test');
const DOCS = ['今天天气不错，我们去公园散步吧。', 'The quick brown fox jumps over the lazy dog.', 'family 👩‍👩‍👧‍👦 and flag 🏳️‍🌈', 'a\r\nb\r\n'];

function bundle(): Promise<webpack.Stats> {
  const compiler = webpack({
    mode: 'production',
    context: ROOT,
    entry: './test/browser/webpack-app/main.js',
    target: 'web',
    output: { path: OUT, filename: 'main.js', publicPath: 'auto', clean: true },
    devtool: false,
    performance: { hints: false },
  });
  return new Promise((ok, fail) =>
    compiler.run((error, stats) => {
      compiler.close(() => {});
      if (error) fail(error);
      else if (!stats || stats.hasErrors()) fail(new Error(stats?.toString('errors-only') ?? 'webpack failed'));
      else ok(stats);
    }),
  );
}

describe('through webpack 5', () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/worker.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm run test:browser` does)');
    const stats = await bundle();
    expect(stats.hasWarnings(), stats.toString('errors-warnings')).toBe(false);
    copyFileSync(join(ROOT, 'test/browser/webpack-app/index.html'), join(OUT, 'index.html'));
    server = await serve({ '/': OUT, '/models': MODEL.dir });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('emits the kernel as an asset and the worker as its own chunk', () => {
    const files = readdirSync(OUT);
    expect(files.filter((f) => f.endsWith('.wasm'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.js')).length).toBeGreaterThanOrEqual(2);
  });

  it("gives Node's ids with both engines and in the worker", async () => {
    const node = await Tokenizer.load(MODEL.path);
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready]', { state: 'attached' });
    const got = (await page.evaluate(
      ([m, d]) => (window as unknown as { app: { run(m: string, d: string[]): Promise<unknown> } }).app.run(m as string, d as string[]),
      [`/models/${MODEL.file}`, DOCS] as const,
    )) as Record<string, unknown>;
    const want = DOCS.map((d) => Array.from(node.encode(d)));
    expect(got.wasm).toEqual(want);
    expect(got.js).toEqual(want);
    expect(got.worker).toEqual(want);
    expect(got.workerEngine).toBe('wasm');
    expect(server.requests.some((r) => r.endsWith('.wasm'))).toBe(true);
  });
});
