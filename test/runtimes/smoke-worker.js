// The smoke program as a Cloudflare Worker, run by workerd (test/runtimes/run.ts writes the
// config). Module names are those Wrangler gives: the package's universal entry is
// 'bytepiece-wasm' and its kernel 'bytepiece-wasm/bytepiece.wasm', imported as a compiled
// WebAssembly.Module (the README's edge path). The models, and the kernel's bytes for one case, are data modules (ArrayBuffers).
// GET / answers {runtime, entry, cases, loadMs} as JSON.
import { Tokenizer } from 'bytepiece-wasm';
import kernel from 'bytepiece-wasm/bytepiece.wasm';
import defaultModel from 'bytepiece-wasm/models/bytepiece.eu.plus.160k.bin';
import sharedModel from 'shared-model.zip';
import kernelBytes from 'kernel-bytes';
import { smokeBothEngines } from './smoke-core.js';

// A Worker's clock stands still while it computes and moves on at I/O; a zero timer is I/O.
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

// The error and its causes, in the runtime's own words.
function describeError(e) {
  let text = `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}`;
  for (let c = e?.cause, depth = 0; c !== undefined && depth < 5; c = c?.cause, depth++) text += ` (cause: ${c?.message ?? String(c)})`;
  return text;
}

async function run(cases, name, body) {
  try {
    cases[name] = await body();
  } catch (e) {
    cases[name] = { error: describeError(e) };
  }
}

export default {
  async fetch() {
    const cases = {};
    // The default model's load time inside the Worker: a fresh load from the bound bytes.
    await tick();
    const start = Date.now();
    const first = await Tokenizer.load(undefined, { wasm: kernel, defaultModel });
    await tick();
    const loadMs = Date.now() - start;
    if (first.vocabSize !== 159831) throw new Error(`default model: vocabSize ${first.vocabSize}`);
    await run(cases, 'default model, load() located by itself', () => smokeBothEngines((o) => Tokenizer.load(undefined, o)));
    await run(cases, 'default model, load() with wasm: Module, defaultModel: bytes', () =>
      smokeBothEngines((o) => Tokenizer.load(undefined, { ...o, wasm: kernel, defaultModel })),
    );
    await run(cases, 'default model, loadSync() with wasm: Module, defaultModel: bytes', () =>
      smokeBothEngines(async (o) => Tokenizer.loadSync(undefined, { ...o, wasm: kernel, defaultModel })),
    );
    if (sharedModel.byteLength > 0) {
      // empty when ../shared is missing (run.ts says so)
      await run(cases, 'shared model, load(bytes) with wasm: Module', () => smokeBothEngines((o) => Tokenizer.load(sharedModel, { ...o, wasm: kernel })));
      await run(cases, 'shared model, loadSync(bytes) with wasm: Module', () =>
        smokeBothEngines(async (o) => Tokenizer.loadSync(sharedModel, { ...o, wasm: kernel })),
      );
    }
    await run(cases, 'kernel as bytes (compiling in the Worker)', () =>
      smokeBothEngines((o) => Tokenizer.load(undefined, { ...o, wasm: kernelBytes, defaultModel })),
    );
    return Response.json({ runtime: { name: 'workerd' }, entry: 'universal', cases, loadMs });
  },
};
