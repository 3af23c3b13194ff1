// The smoke program's harness for runtimes that run files (Node, Deno, Bun), copied into the
// scratch project that installed the packed package, and run there:
//   <runtime> smoke-local.js node|universal SHARED_MODEL.zip   ('' for none: those cases are left out)
// `node`: `import … from 'bytepiece-wasm'` (Node, Deno and Bun all resolve the package's node
// entry): load and loadSync from the package folder and from a path, and the TokenizerPool.
// `universal`: the universal entry (dist/browser.js, what browsers and edge runtimes get): the
// default model located by itself, and the explicit path (kernel as a WebAssembly.Module, models
// as bytes) with load and loadSync. Prints {runtime, cases} as JSON; a case that throws is
// recorded as {error} (the runtime's own message), for run.ts to judge.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SMOKE_TEXT, smokeBothEngines } from './smoke-core.js';

const [entry, sharedModel] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const packageDir = require.resolve('bytepiece-wasm/package.json').slice(0, -'package.json'.length);

const runtime =
  typeof Deno !== 'undefined'
    ? { name: 'deno', version: Deno.version.deno }
    : typeof Bun !== 'undefined'
      ? { name: 'bun', version: Bun.version }
      : { name: 'node', version: process.versions.node };

const cases = {};
// The error and its causes, in the runtime's own words.
function describeError(e) {
  let text = `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}`;
  for (let c = e?.cause, depth = 0; c !== undefined && depth < 5; c = c?.cause, depth++) text += ` (cause: ${c?.message ?? String(c)})`;
  return text;
}

async function run(name, body) {
  try {
    cases[name] = await body();
  } catch (e) {
    cases[name] = { error: describeError(e) };
  }
}

if (entry === 'node') {
  const { Tokenizer, TokenizerPool } = await import('bytepiece-wasm');
  await run('default model, load()', () => smokeBothEngines((o) => Tokenizer.load(undefined, o)));
  await run('default model, loadSync()', () => smokeBothEngines(async (o) => Tokenizer.loadSync(undefined, o)));
  if (sharedModel) await run('shared model, load(path)', () => smokeBothEngines((o) => Tokenizer.load(sharedModel, o)));
  if (sharedModel) await run('shared model, loadSync(path)', () => smokeBothEngines(async (o) => Tokenizer.loadSync(sharedModel, o)));
  const texts = [SMOKE_TEXT, ...SMOKE_TEXT.split(/(?<=[ \n])/)];
  for (const [label, source] of [['default model', undefined], ...(sharedModel ? [['shared model', sharedModel]] : [])]) {
    await run(`${label}, TokenizerPool (2 threads)`, async () => {
      const pool = await TokenizerPool.create(source, { threads: 2 });
      try {
        const ids = await pool.encodeBatch(texts, { addEos: true });
        const sampled = await pool.encodeBatch(texts, { alpha: 0.1, seed: 7 });
        return { ids: ids.map((a) => Array.from(a)), sampled: sampled.map((a) => Array.from(a)) };
      } finally {
        await pool.close();
      }
    });
  }
} else if (entry === 'universal') {
  const { Tokenizer } = await import(new URL('dist/browser.js', `file://${packageDir}`).href);
  const kernel = new WebAssembly.Module(readFileSync(`${packageDir}dist/bytepiece.wasm`));
  const defaultBytes = readFileSync(`${packageDir}dist/models/bytepiece.eu.plus.160k.bin`);
  const sharedBytes = sharedModel ? readFileSync(sharedModel) : undefined;
  await run('default model, load() located by itself', () => smokeBothEngines((o) => Tokenizer.load(undefined, o)));
  await run('default model, load() with wasm: Module, defaultModel: bytes', () =>
    smokeBothEngines((o) => Tokenizer.load(undefined, { ...o, wasm: kernel, defaultModel: defaultBytes })),
  );
  await run('default model, loadSync() with wasm: Module, defaultModel: bytes', () =>
    smokeBothEngines(async (o) => Tokenizer.loadSync(undefined, { ...o, wasm: kernel, defaultModel: defaultBytes })),
  );
  if (sharedBytes) await run('shared model, load(bytes) with wasm: Module', () => smokeBothEngines((o) => Tokenizer.load(sharedBytes, { ...o, wasm: kernel })));
  if (sharedBytes)
    await run('shared model, loadSync(bytes) with wasm: Module', () => smokeBothEngines(async (o) => Tokenizer.loadSync(sharedBytes, { ...o, wasm: kernel })));
} else {
  throw new Error(`usage: smoke-local.js node|universal SHARED_MODEL.zip (got ${entry})`);
}

process.stdout.write(`${JSON.stringify({ runtime, entry, cases })}\n`);
