// Must-show 1 of the browser issue: the demo page (examples/browser, built with Vite) in headless
// Chromium renders exactly the ids Node's encode gives, for both engines; a screenshot is kept in
// test-output/browser/ (git-ignored) for a person to look at.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/node.js';
import { SHARED, modelPath } from '../helpers/shared.js';
import { launchChromium } from './chromium.js';
import { serve, type StaticServer } from './static-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'test-output/browser');
const MODEL = 'bytepiece.plus.80k'; // not ensure_unicode: its pieces cut characters, so hex chips show
const URL_MODEL = 'bytepiece.zh.id.eu.80k';
const HAS_MODELS = existsSync(modelPath(MODEL)) && existsSync(modelPath(URL_MODEL));
if (!HAS_MODELS) console.warn(`[bytepiece-wasm browser tests] ${MODEL}.zip / ${URL_MODEL}.zip not found in ${SHARED}models: SKIPPING the demo page tests`);

/** The documents typed into the page. CRLF cannot live in a textarea: the page's CRLF option adds it. */
const DOCS: { name: string; text: string; crlf?: boolean }[] = [
  { name: 'Chinese', text: '今天天气不错，我们去公园散步吧。北京是中华人民共和国的首都，也是全国的政治和文化中心。' },
  { name: 'English', text: 'The quick brown fox jumps over the lazy dog; naïve café owners (cafe\u0301, decomposed) serve 3.14 croissants.' },
  { name: 'emoji ZWJ', text: 'family 👩‍👩‍👧‍👦, rainbow flag 🏳️‍🌈, coder 👨🏽‍💻, burning heart ❤️‍🔥, keycap 1️⃣' },
  { name: 'CRLF', text: 'first line\nsecond line, 第二行\n\nafter a blank line\n', crlf: true },
];

const ENGINES = ['wasm', 'js'] as const;

describe.skipIf(!HAS_MODELS)('demo page in headless Chromium', () => {
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let node: Tokenizer;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/worker.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm run test:browser` does)');
    await build({ configFile: join(ROOT, 'examples/browser/vite.config.ts'), logLevel: 'warn' });
    server = await serve({ '/': join(ROOT, 'examples/browser/dist'), '/models': join(SHARED, 'models') });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
    page = await context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e));
    node = await Tokenizer.load(modelPath(MODEL));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const renders = (p: Page) => p.$eval('#tokens', (el) => Number((el as HTMLElement).dataset.render));

  async function settled(p: Page, before: number): Promise<void> {
    await p.waitForFunction(
      (b) => Number(document.getElementById('tokens')!.dataset.render) > b && document.getElementById('app')!.dataset.busy === 'false',
      before,
      { timeout: 30_000 },
    );
  }

  const chipIds = (p: Page) => p.$$eval('#tokens .chip', (els) => els.map((el) => Number((el as HTMLElement).dataset.id)));

  async function chooseEngine(p: Page, engine: 'wasm' | 'js'): Promise<void> {
    if (await p.isChecked(`input[name=engine][value=${engine}]`)) return;
    const before = await renders(p);
    await p.click(`label:has(input[name=engine][value=${engine}])`);
    await settled(p, before);
  }

  async function loadFromFile(p: Page): Promise<void> {
    await p.setInputFiles('#model-file', modelPath(MODEL));
    await p.waitForSelector('#model-status[data-state=ok]', { timeout: 60_000 });
    await p.waitForFunction(() => document.getElementById('app')!.dataset.busy === 'false');
  }

  it("loads a model from the file picker and renders Node's ids for every document, with both engines", async () => {
    await page.goto(server.url);
    await loadFromFile(page);
    expect(await page.textContent('#model-status-text')).toContain(`${MODEL}.zip`);

    for (const doc of DOCS) {
      await page.selectOption('#line-breaks', doc.crlf ? 'crlf' : 'lf');
      const before = await renders(page);
      if (doc.name === 'English') {
        // Typed key by key: renders race the typing, the last one must match the whole text.
        await page.fill('#text', '');
        await page.locator('#text').pressSequentially(doc.text);
      } else {
        await page.fill('#text', doc.text);
      }
      await settled(page, before);
      const text = doc.crlf ? doc.text.replace(/\n/g, '\r\n') : doc.text;
      const want = Array.from(node.encode(text));
      for (const engine of ENGINES) {
        await chooseEngine(page, engine);
        expect(await page.$eval('#tokens', (el) => (el as HTMLElement).dataset.engine)).toBe(engine);
        expect(await chipIds(page), `${doc.name} [${engine}]`).toEqual(want);
        expect(JSON.parse(await page.inputValue('#ids')), `${doc.name} [${engine}] ids panel`).toEqual(want);
        expect(await page.textContent('#stat-tokens')).toBe(want.length.toLocaleString('en-US'));
      }
      await chooseEngine(page, 'wasm');
    }
  });

  it("shows each piece's id and bytes on hover, and pieces that cut a character as hex", async () => {
    const before = await renders(page);
    await page.selectOption('#line-breaks', 'lf');
    await page.fill('#text', DOCS[0]!.text);
    await settled(page, before);
    const ids = Array.from(node.encode(DOCS[0]!.text));
    const chip = page.locator('#tokens .chip').first();
    await chip.hover();
    const tip = await page.textContent('#tip');
    const bytes = node.idToPiece(ids[0]!) as Uint8Array;
    expect(tip).toContain(String(ids[0]));
    expect(tip).toContain(Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' '));
    // This model's pieces can end inside a Chinese character: those chips carry hex.
    const fragments = ids.filter((id) => {
      const p = node.idToPiece(id) as Uint8Array;
      return new TextDecoder('utf-8', { fatal: false }).decode(p).includes('\uFFFD');
    }).length;
    expect(await page.locator('#tokens .chip.frag').count()).toBe(fragments);
  });

  it('highlights the span of the hovered token in the text as typed (encodeWithOffsets, not NFC)', async () => {
    const text = 'Cafe\u0301 au lait ☕ 今天天气不错';
    const before = await renders(page);
    await page.fill('#text', text);
    await settled(page, before);
    const { ids, starts, ends } = node.encodeWithOffsets(text);
    expect(await chipIds(page)).toEqual(Array.from(ids));
    // The token holding the é that NFC composed from e + U+0301: its span is both original units.
    const k = Array.from(ids).findIndex((_, i) => text.slice(starts[i], ends[i]).includes('\u0301'));
    expect(k).toBeGreaterThanOrEqual(0);
    await page.locator('#tokens .chip').nth(k).hover();
    await page.waitForSelector('#span-view:not([hidden])');
    expect(await page.textContent('#span-view mark')).toBe(text.slice(starts[k], ends[k]));
    expect(await page.$eval('#span-view', (el) => [Number((el as HTMLElement).dataset.start), Number((el as HTMLElement).dataset.end)])).toEqual([
      starts[k],
      ends[k],
    ]);
    expect(await page.$eval('#text', (el) => [(el as HTMLTextAreaElement).selectionStart, (el as HTMLTextAreaElement).selectionEnd])).toEqual([
      starts[k],
      ends[k],
    ]);
  });

  it('offers sampling exactly when this build has it: α draws segmentations of the same text, unticking restores the best one', async () => {
    const hasSampling = typeof (node as unknown as { setSeed?: unknown }).setSeed === 'function';
    expect(await page.$eval('#sampling', (el) => (el as HTMLFieldSetElement).disabled)).toBe(!hasSampling);
    if (!hasSampling) {
      expect(await page.textContent('#sampling-note')).toMatch(/no sampling/);
      return;
    }
    const text = DOCS[0]!.text;
    let before = await renders(page);
    await page.fill('#text', text);
    await settled(page, before);
    const best = await chipIds(page);
    before = await renders(page);
    await page.fill('#alpha', '0'); // uniform over all segmentations
    await page.check('#sample-on');
    await settled(page, before);
    const draws = new Set<string>();
    for (let i = 0; i < 5; i++) {
      before = await renders(page);
      await page.click('#resample');
      await settled(page, before);
      const ids = await chipIds(page);
      expect(node.decode(ids)).toBe(text.normalize('NFC'));
      draws.add(ids.join());
    }
    expect(draws.size).toBeGreaterThan(1);
    before = await renders(page);
    await page.uncheck('#sample-on');
    await settled(page, before);
    expect(await chipIds(page)).toEqual(best);
  });

  it("shows a hovered piece's id and bytes, and saves a screenshot of the page in use", async () => {
    const before = await renders(page);
    await page.click('#samples button:first-child');
    await settled(page, before);
    const chip = page.locator('#tokens .chip').nth(24);
    const id = await chip.getAttribute('data-id');
    await chip.hover();
    await page.waitForSelector('#tip:not([hidden])');
    const rows = await page.$$eval('#tip > div', (els) => els.map((el) => el.textContent ?? ''));
    expect(rows[0]).toBe(`id${id}`);
    expect(rows[1]).toMatch(/^bytes[0-9A-F]{2}( [0-9A-F]{2})*  \(\d+\)$/);
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'demo.png');
    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    writeFileSync(file, png);
    console.log(`screenshot: ${file}`);
  });

  it('loads a model from a URL (the ?model= parameter and the URL form)', async () => {
    const other = await Tokenizer.load(modelPath(URL_MODEL));
    const p = await context.newPage();
    await p.goto(`${server.url}/?model=/models/${URL_MODEL}.zip`);
    await p.waitForSelector('#model-status[data-state=ok]', { timeout: 60_000 });
    const before = await renders(p);
    await p.fill('#text', DOCS[0]!.text);
    await settled(p, before);
    expect(await chipIds(p)).toEqual(Array.from(other.encode(DOCS[0]!.text)));
    // A missing model is reported on the page, not thrown away.
    await p.fill('#model-url', `${server.url}/models/missing.zip`);
    await p.click('#url-load');
    await p.waitForSelector('#model-status[data-state=error]');
    expect(await p.textContent('#model-status-text')).toContain('404');
    await p.close();
  });

  it('keeps working offline once loaded', async () => {
    const p = await context.newPage();
    await p.goto(server.url);
    await p.waitForSelector('#offline:not([hidden])', { timeout: 30_000 }); // service worker active
    await p.reload(); // let the worker fill its cache with everything the page loads
    await p.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    try {
      await p.reload();
      const probe = await p.evaluate(() =>
        fetch(`/never-cached-${Date.now()}`).then(
          () => 'reached the server',
          () => 'offline',
        ),
      );
      expect(probe).toBe('offline');
      await loadFromFile(p);
      const before = await renders(p);
      await p.fill('#text', DOCS[2]!.text);
      await settled(p, before);
      expect(await chipIds(p)).toEqual(Array.from(node.encode(DOCS[2]!.text)));
    } finally {
      await context.setOffline(false);
      await p.close();
    }
  });
});
