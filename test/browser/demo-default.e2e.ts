// The demo page with no user action: it opens on its first sample text, loads the package's
// default model (bytepiece.eu.plus.160k) fetched from beside the bundle Vite built, and shows the
// text's tokens — the ids Node's Tokenizer.loadSync() gives, with both engines. No ../shared needed.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { SAMPLES } from '../../examples/browser/src/samples.js';
import { launchChromium } from './chromium.js';
import { serve, type StaticServer } from './static-server.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('demo page: the default model, with no user action', () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/models/bytepiece.eu.plus.160k.bin')))
      throw new Error('dist/ is missing the default model: run `npm run build` first (`npm run test:browser` does)');
    await build({ configFile: join(ROOT, 'examples/browser/vite.config.ts'), logLevel: 'warn' });
    server = await serve({ '/': join(ROOT, 'examples/browser/dist') });
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => console.error('[page error]', e));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("opens, loads bytepiece.eu.plus.160k from beside the bundle and shows the sample's tokens", async () => {
    await page.goto(server.url);
    await page.waitForSelector('#model-status[data-state=ok]', { timeout: 90_000 });
    await page.waitForFunction(() => document.getElementById('app')!.dataset.busy === 'false' && document.querySelectorAll('#tokens .chip').length > 0, null, {
      timeout: 30_000,
    });
    expect(await page.textContent('#model-status-text')).toMatch(/^bytepiece\.eu\.plus\.160k \(built in\) · 159,831 ids · /);

    const want = Array.from(Tokenizer.loadSync().encode(SAMPLES[0]!.text));
    expect(await page.inputValue('#text')).toBe(SAMPLES[0]!.text);
    const chips = () => page.$$eval('#tokens .chip', (els) => els.map((el) => Number((el as HTMLElement).dataset.id)));
    expect(await chips()).toEqual(want);
    // The other engine's worker loaded it too.
    await page.click('label:has(input[name=engine][value=js])');
    await page.waitForFunction(
      () => (document.getElementById('tokens') as HTMLElement).dataset.engine === 'js' && document.getElementById('app')!.dataset.busy === 'false',
    );
    expect(await chips()).toEqual(want);

    // Fetched as a file Vite emitted beside the bundle (not inlined into the JavaScript).
    const fetched = server.requests.filter((r) => /bytepiece\.eu\.plus\.160k[^/]*\.bin$/.test(r));
    expect(fetched.length, server.requests.join('\n')).toBeGreaterThan(0);
    expect(
      fetched.every((r) => r.startsWith('/assets/')),
      fetched.join('\n'),
    ).toBe(true);
  });
});
