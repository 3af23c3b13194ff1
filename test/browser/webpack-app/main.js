// An application bundled by webpack 5 (webpack.e2e.ts): it imports the package by name, so the
// package's export conditions ("browser"), its kernel URL and its worker go through webpack.
import { Tokenizer } from 'bytepiece-wasm';
import { TokenizerWorker } from 'bytepiece-wasm/worker';

window.app = {
  async run(model, docs) {
    const out = {};
    for (const engine of ['wasm', 'js']) {
      const tok = await Tokenizer.load(model, { engine });
      out[engine] = docs.map((d) => Array.from(tok.encode(d)));
    }
    const worker = await TokenizerWorker.load(model);
    out.worker = [];
    for (const d of docs) out.worker.push(Array.from(await worker.encode(d)));
    out.workerEngine = worker.info.engine;
    worker.terminate();
    return out;
  },
};
document.body.dataset.ready = 'true';
