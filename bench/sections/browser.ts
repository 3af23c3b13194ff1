// Section: the same measurements in headless Chromium, for in-browser users and for comparing the
// two engines where V8 runs as a browser does (its own allocator, a renderer process). The page
// (bench/browser/) imports the built browser bundle (dist/browser.js, which `npm run bench` builds
// first) from a local static server and times both engines; this script passes it the documents,
// checks its ids against Node's (a checksum per corpus), and writes the tables.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Tokenizer } from '../../src/node.js';
import { chromiumPath, launchChromium } from '../../test/browser/chromium.js';
import { serve } from '../../test/browser/static-server.js';
import { emit, progress, type Failure, type SectionResult, type Table } from '../lib/contract.js';
import { loadCorpus, shortDocs, type Corpus } from '../lib/corpus.js';
import { allCorpora, corpusPath, isQuick, modelPath, reps, REPO, SHARED, shortCorpus } from '../lib/shared.js';
import { fmt, median, ratio } from '../lib/stats.js';
import { TARGET_MODELS } from '../lib/reference.js';

const TITLE = 'In the browser: headless Chromium';
const models = isQuick() ? TARGET_MODELS.slice(0, 1) : [...TARGET_MODELS];
const corpora = allCorpora().map((c) => loadCorpus(c, corpusPath(c)));
/** Short documents: about this many bytes, this many distinct ones per corpus, cycled. */
const SHORT_BYTES = 100;
const SHORT_DOCS = 1000;
/** Passes over the short documents per timed figure: enough calls to outlast the page's coarse timer (0.1 ms). */
const SHORT_LOOPS = 20;

interface PassTimes {
  corpus: string;
  check: Record<'wasm' | 'js', { checksum: number; tokens: number }>;
  ms: Record<'wasm' | 'js', number[]>;
}
interface ShortTimes {
  corpus: string;
  calls: number;
  ms: Record<'encode' | 'encodeInto', number[]>;
}

const failures: Failure[] = [];

/** FNV-1a over every id of every document, as bench/browser/harness.js folds them. */
function checksum(tok: Tokenizer, corpus: Corpus): { checksum: number; tokens: number } {
  let h = 0x811c9dc5;
  let n = 0;
  for (const d of corpus.docs) {
    const ids = tok.encode(d);
    for (let i = 0; i < ids.length; i++) h = Math.imul(h ^ ids[i]!, 0x01000193) >>> 0;
    n += ids.length;
  }
  return { checksum: h, tokens: n };
}

const call = <T>(page: Page, name: string, arg: unknown): Promise<T> =>
  page.evaluate(([n, a]) => (window as unknown as { harness: Record<string, (x: unknown) => Promise<unknown>> }).harness[n as string]!(a), [
    name,
    arg,
  ] as const) as Promise<T>;

async function main(): Promise<SectionResult> {
  try {
    chromiumPath();
  } catch (e) {
    return { title: TITLE, failures: [{ subject: 'headless Chromium', reason: `section not run: ${(e as Error).message}` }] };
  }
  if (!existsSync(join(REPO, 'dist', 'browser.js'))) {
    return {
      title: TITLE,
      failures: [
        {
          subject: 'headless Chromium',
          reason: 'section not run: dist/browser.js is missing (`npm run bench` builds it; with --only, run `npm run build` first)',
        },
      ],
    };
  }
  const server = await serve({ '/': join(REPO, 'bench', 'browser'), '/pkg': join(REPO, 'dist'), '/models': join(SHARED, 'models') });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => progress(`[page error] ${e.message}`));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready]');
    const version = browser.version();
    const throughputRows: (string | number)[][] = [];
    const shortRows: (string | number)[][] = [];
    let userAgent = '';
    for (const model of models) {
      progress(`  Chromium ${model}: corpus throughput`);
      const want = Tokenizer.loadSync(modelPath(model));
      const spec = { model: `/models/${model}.zip`, corpora: corpora.map((c) => ({ name: c.name, docs: c.docs })), reps: reps() };
      const got = await call<{ loadMs: Record<string, number>; results: PassTimes[]; userAgent: string }>(page, 'throughput', spec);
      userAgent = got.userAgent;
      const expect = corpora.map((c) => checksum(want, c));
      for (const engine of ['wasm', 'js'] as const) {
        const row: (string | number)[] = [model, engine === 'wasm' ? 'WASM' : 'JS', fmt(got.loadMs[engine]!)];
        for (const [k, r] of got.results.entries()) {
          const corpus = corpora[k]!;
          const expected = expect[k]!;
          const seen = r.check[engine];
          if (seen.checksum !== expected.checksum || seen.tokens !== expected.tokens) {
            failures.push({
              subject: `Chromium ${engine}`,
              reason: `${model} ${corpus.name}: ids differ from Node's (${seen.tokens} ids, checksum ${seen.checksum}; Node ${expected.tokens}, ${expected.checksum})`,
            });
          }
          row.push(fmt(corpus.bytes / median(r.ms[engine]) / 1000));
        }
        throughputRows.push(row);
      }
      throughputRows.push([model, 'WASM ÷ JS', '', ...got.results.map((r) => ratio(median(r.ms.js), median(r.ms.wasm)))]);

      progress(`  Chromium ${model}: ${SHORT_BYTES}-byte documents`);
      const sets = corpora.map((c) => ({ name: c.name, docs: shortDocs(c, SHORT_BYTES, SHORT_DOCS) }));
      const short = await call<ShortTimes[]>(page, 'short', { model: `/models/${model}.zip`, sets, reps: reps(), loops: SHORT_LOOPS });
      for (const api of ['encode', 'encodeInto'] as const) {
        const row: (string | number)[] = [model, api];
        for (const [k, r] of short.entries()) {
          const us = (median(r.ms[api]) * 1000) / r.calls;
          const bytes = sets[k]!.docs.reduce((s, d) => s + Buffer.byteLength(d), 0) / sets[k]!.docs.length;
          row.push(fmt(us), fmt(bytes / us));
        }
        shortRows.push(row);
      }
    }
    const names = corpora.map((c) => shortCorpus(c.name));
    const tables: Table[] = [
      {
        title: `Corpus throughput in Chromium ${version}, MB/s (median of ${reps()} passes, one encode call per document, ids checked against Node's)`,
        columns: ['model', 'engine', 'load ms', ...names],
        align: 'll' + 'r'.repeat(1 + names.length),
        rows: throughputRows,
      },
      {
        title: `About ${SHORT_BYTES}-byte documents in Chromium, WASM engine: µs per call and MB/s (${SHORT_DOCS} distinct documents per corpus, cycled)`,
        columns: ['model', 'call', ...names.flatMap((n) => [`${n} µs/call`, `${n} MB/s`])],
        align: 'll' + 'r'.repeat(2 * names.length),
        rows: shortRows,
      },
    ];
    return {
      title: TITLE,
      intro: `bench/browser/ served from 127.0.0.1 to ${userAgent || `Chromium ${version}`} (playwright-core, flags as the browser tests use), importing dist/browser.js as a page would; single thread (the page's main thread), warm (one untimed pass first, which also checksums the ids for the comparison with Node). Timed with performance.now(), which a page sees in steps of 0.1 ms: every pass lasts far longer. Same machine as the sections above but not the same moments: compare the ratios within a table, not figures across sections.`,
      tables,
      notes: [
        'load ms: Tokenizer.load(url) in the page (fetch, unzip, parse, trie, kernel compile), for the engine of the row; not a cold-start figure (the page and the kernel file are already loaded).',
        "encodeInto makes the same calls into one reused Uint32Array; the difference from encode is the result's own ArrayBuffer.",
      ],
      failures,
      data: { version, userAgent },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

emit(await main());
