/**
 * The script a {@link TokenizerWorker} runs (`bytepiece-wasm/worker-thread`): it holds one
 * Tokenizer and answers the page's requests in order. Start it as a module worker, or let
 * TokenizerWorker start it. It does nothing outside a worker.
 * @packageDocumentation
 */
import { Tokenizer, type EncodeOptions } from '../api/tokenizer.js';
import { compileDefaultWasm, compileWasm } from '../engine/wasm-module.js';
import type { ModelInfo, Reply, Request, ThreadOptions } from './worker-protocol.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

/** Sampling arrives with `encode(text, { alpha })` and `setSeed`; older builds have neither. */
type MaybeSampling = Tokenizer & { setSeed?: (seed: number) => void };

let options: ThreadOptions = {};
let kernel: Promise<WebAssembly.Module> | undefined;
let tokenizer: MaybeSampling | undefined;

const hasSampling = (tok: MaybeSampling) => typeof tok.setSeed === 'function';

function current(): MaybeSampling {
  if (!tokenizer) throw new Error('no model loaded yet: call load() first');
  return tokenizer;
}

function checkEncodeOptions(tok: MaybeSampling, encodeOptions?: EncodeOptions): void {
  const alpha = (encodeOptions as { alpha?: unknown } | undefined)?.alpha;
  if (alpha !== undefined && !hasSampling(tok)) throw new Error('this build of bytepiece-wasm has no sampling: encode options.alpha is not supported');
}

// Runs one request; returns its value, the transfer list and, for timed encodes, the runs made.
async function handle(req: Request): Promise<{ value: unknown; transfer: Transferable[]; runs: number }> {
  switch (req.op) {
    case 'init': {
      options = req.options;
      if ((options.engine ?? 'wasm') === 'wasm') {
        kernel = options.wasm !== undefined ? compileWasm(options.wasm) : compileDefaultWasm();
        await kernel;
      }
      return { value: undefined, transfer: [], runs: 1 };
    }
    case 'load': {
      const started = performance.now();
      const wasm = kernel ? await kernel : undefined;
      const tok: MaybeSampling = await Tokenizer.load(req.model, { ...options, wasm, name: req.name });
      tokenizer = tok;
      const info: ModelInfo = { vocabSize: tok.vocabSize, engine: tok.engine, sampling: hasSampling(tok), ms: performance.now() - started };
      return { value: info, transfer: [], runs: 1 };
    }
    case 'encode': {
      const tok = current();
      checkEncodeOptions(tok, req.options);
      const ids = tok.encode(req.text, req.options);
      let runs = 1;
      // Timed encodes repeat until minMs has passed, so short texts get a measurable time.
      if (req.minMs) {
        const started = performance.now();
        while (performance.now() - started < req.minMs && runs < 10_000) {
          tok.encode(req.text, req.options);
          runs++;
        }
      }
      return { value: ids, transfer: [ids.buffer], runs };
    }
    case 'encodeBytes': {
      const tok = current();
      checkEncodeOptions(tok, req.options);
      const ids = tok.encodeBytes(req.bytes, req.options);
      return { value: ids, transfer: [ids.buffer], runs: 1 };
    }
    case 'encodeWithOffsets': {
      const tok = current();
      checkEncodeOptions(tok, req.options);
      const r = tok.encodeWithOffsets(req.text, req.options);
      // ends usually shares starts' buffer (moved with it); otherwise it is copied
      return { value: r, transfer: [r.ids.buffer, r.starts.buffer], runs: 1 };
    }
    case 'tokenize': {
      const tok = current();
      const options = req.options as EncodeOptions | undefined;
      checkEncodeOptions(tok, options);
      // Older builds take no options; with sampling, tokenize takes { alpha } like encode.
      const pieces = (tok.tokenize as (text: string, options?: EncodeOptions) => Uint8Array[]).call(tok, req.text, options);
      return { value: pieces, transfer: pieces.map((p) => p.buffer), runs: 1 };
    }
    case 'decode':
      return { value: current().decode(req.ids), transfer: [], runs: 1 };
    case 'idsToPieces': {
      const pieces = current().idsToPieces(req.ids);
      return { value: pieces, transfer: pieces.flatMap((p) => (typeof p === 'string' ? [] : [p.buffer])), runs: 1 };
    }
    case 'setSeed': {
      const tok = current();
      if (!hasSampling(tok)) throw new Error('this build of bytepiece-wasm has no sampling: setSeed is not available');
      tok.setSeed!(req.seed);
      return { value: undefined, transfer: [], runs: 1 };
    }
    default:
      throw new Error(`unknown request ${JSON.stringify((req as { op?: unknown }).op)}`);
  }
}

declare const WorkerGlobalScope: (abstract new () => unknown) | undefined;

if (typeof WorkerGlobalScope !== 'undefined' && globalThis instanceof WorkerGlobalScope) {
  const scope = globalThis as unknown as WorkerScope;
  let queue: Promise<void> = Promise.resolve();
  // One request at a time, in arrival order: a load must finish before the encodes posted after it.
  scope.onmessage = (event) => {
    const req = event.data as Request;
    queue = queue.then(async () => {
      const started = performance.now();
      try {
        const { value, transfer, runs } = await handle(req);
        // For timed encodes, ms is the mean time of one encode (the first run included).
        const ms = (performance.now() - started) / runs;
        scope.postMessage({ id: req.id, ok: true, value, ms, runs } satisfies Reply, transfer);
      } catch (e) {
        const error = e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
        scope.postMessage({ id: req.id, ok: false, error } satisfies Reply);
      }
    });
  };
}
