/**
 * Where the trainer's kernel sits next to this module, and compiling it once. A module of its own
 * (assembly/train/ → build/bytepiece-train.wasm), so tokenizer-only users never fetch it. The
 * literal is written for src/; the package build rewrites it to './bytepiece-train.wasm', shipped
 * beside the bundles (see tsup.config.ts). Keep it a literal inside `new URL(…, import.meta.url)`
 * so that bundlers emit the file as an asset.
 */
import { compileWasm } from '../engine/wasm-module.js';

export function trainWasmUrl(): URL {
  return new URL('../../build/bytepiece-train.wasm', import.meta.url);
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** The trainer's kernel at {@link trainWasmUrl}, compiled once per realm; a failure is not cached. */
export function compileTrainWasm(): Promise<WebAssembly.Module> {
  return (compiled ??= compileWasm(trainWasmUrl()).catch((e: unknown) => {
    compiled = undefined;
    throw e;
  }));
}
