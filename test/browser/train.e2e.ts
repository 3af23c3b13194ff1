// Training in the browser (issue 16, Must show 4): trainInWorker in headless Chromium gives the
// reference's .model files byte for byte (the fortunes run of ../shared/trainer), and the demo
// page's "Train on your text" panel trains on a file, shows pieces, offers the downloads and
// tokenizes with the new model — the ids Node's trainer and tokenizer give.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train } from '../../src/node.js';
import { SAMPLES } from '../../examples/browser/src/samples.js';
import { SHARED } from '../helpers/shared.js';
import { launchChromium } from './chromium.js';
import { serve, type StaticServer } from './static-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FORTUNES = join(SHARED, 'trainer', 'fortunes');
const HAS_FORTUNES = existsSync(join(FORTUNES, 'params.json'));
if (!HAS_FORTUNES) console.warn(`[bytepiece-wasm browser tests] ${FORTUNES} not found: SKIPPING the in-browser parity check with the reference trainer`);

/** What fixtures/training.js gives the page (window.training). */
interface Training {
  fortunes(p: object): Promise<{ stages: string[]; models: { size: number; vocabSize: number; model: string; binary: number }[] }>;
  failures(): Promise<{ bad: string; empty: string; aborted: string }>;
}

/** A small training text: the demo's samples, several times over, one document per line. */
const TRAIN_TEXT = Array.from({ length: 4 }, () => SAMPLES.map((s) => s.text.replace(/\r?\n/g, ' ')).join('\n')).join('\n');

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/train-thread.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm run test:browser` does)');
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!HAS_FORTUNES)('trainInWorker in Chromium', () => {
  let server: StaticServer;
  let page: Page;
  beforeAll(async () => {
    server = await serve({ '/': join(ROOT, 'test/browser/fixtures'), '/pkg': join(ROOT, 'dist'), '/shared': SHARED });
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => console.error('[page error]', e));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready=true]');
  });
  afterAll(async () => server?.close());

  it("trains the fortunes run to the reference's files, byte for byte, with progress through every stage", async () => {
    const params = JSON.parse(readFileSync(join(FORTUNES, 'params.json'), 'utf8')) as {
      order: number;
      max_vocab_size: number[];
      max_piece_length: number;
      min_count: number;
      corpora: string[];
      field: string;
    };
    const got = await page.evaluate((p) => (window as unknown as { training: Training }).training.fortunes(p), params);
    expect(got.stages).toEqual(['count-ngrams', 'prune-ngrams', 'count-pieces', 'prune-pieces', 'done']);
    expect(got.models.map((m) => m.size)).toEqual(params.max_vocab_size);
    for (const m of got.models) {
      const want = readFileSync(join(FORTUNES, `fortunes.model.${m.size}`));
      expect(Buffer.from(m.model, 'utf8').equals(want), `fortunes.model.${m.size}`).toBe(true);
      expect(m.binary).toBeGreaterThan(0);
    }
  }, 180_000);

  it("rejects bad options with the trainer's error class and message, and stops on abort", async () => {
    const got = await page.evaluate(() => (window as unknown as { training: Training }).training.failures());
    expect(got.bad).toMatch(/^RangeError: .*maxVocabSize.*259/);
    expect(got.empty).toMatch(/empty/i);
    expect(got.aborted).toBe('Error: stopped by the page');
  }, 60_000);
});

describe('the demo\'s "Train on your text" panel', () => {
  let server: StaticServer;
  let page: Page;
  beforeAll(async () => {
    await build({ configFile: join(ROOT, 'examples/browser/vite.config.ts'), logLevel: 'warn' });
    server = await serve({ '/': join(ROOT, 'examples/browser/dist') });
    page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    page.on('pageerror', (e) => console.error('[page error]', e));
  }, 120_000);
  afterAll(async () => server?.close());

  it('trains on a file, shows its pieces, offers the .model, and tokenizes with it', async () => {
    const [want] = await train(TRAIN_TEXT.split('\n'), { maxVocabSize: 500, minCount: 2, workers: 1 });
    await page.goto(server.url);
    await page.waitForSelector('#model-status[data-state=ok]', { timeout: 90_000 });
    await page.setInputFiles('#train-file', { name: 'samples.txt', mimeType: 'text/plain', buffer: Buffer.from(TRAIN_TEXT) });
    expect(await page.inputValue('#train-format')).toBe('lines');
    await page.selectOption('#train-size', '500');
    await page.click('#train-start');
    await page.waitForSelector('#train-status[data-state=done]', { timeout: 60_000 });
    expect(await page.textContent('#train-status')).toMatch(new RegExp(`^Trained ${want!.vocabSize} ids in `));
    expect(await page.$$eval('#train-pieces .chip', (els) => els.length)).toBeGreaterThan(0);

    // The download is the reference's .model text, as Node's trainer writes it.
    const download = page.waitForEvent('download');
    await page.click('#train-download-model');
    const file = await (await download).path();
    expect(readFileSync(file!, 'utf8')).toBe(want!.toJSON());

    // "Tokenize with this model": the page's text in the new model's ids.
    await page.click('#train-use');
    await page.waitForFunction(
      () =>
        /trained here/.test(document.getElementById('model-status-text')!.textContent ?? '') && document.getElementById('model-status')!.dataset.state === 'ok',
    );
    await page.waitForFunction(() => document.getElementById('app')!.dataset.busy === 'false' && document.querySelectorAll('#tokens .chip').length > 0);
    const chips = await page.$$eval('#tokens .chip', (els) => els.map((el) => Number((el as HTMLElement).dataset.id)));
    expect(chips).toEqual(Array.from(want!.tokenizer.encode(await page.inputValue('#text'))));
  }, 180_000);
});
