// How the Node entry reaches model files and the kernel: file paths (and file: URLs) are read from
// disk, the kernel is compiled once per thread from build/bytepiece.wasm next to this module.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Platform } from './tokenizer.js';
import { vocabularyFromSource, vocabularyFromValue, vocabularyFromBytes, type ModelSource } from './source.js';
import { defaultWasmUrl } from './wasm-module.js';
import type { ModelJson } from './vocabulary.js';

// A string is a file path in Node; URLs with file: are paths too.
const asPath = (source: unknown): string | undefined =>
  typeof source === 'string' ? source : source instanceof URL && source.protocol === 'file:' ? fileURLToPath(source) : undefined;

let kernel: WebAssembly.Module | undefined;
const kernelSync = () => (kernel ??= new WebAssembly.Module(readFileSync(fileURLToPath(defaultWasmUrl()))));

export const nodePlatform: Platform = {
  async readModel(source, name) {
    const path = asPath(source);
    if (path === undefined) return vocabularyFromSource(source as ModelSource, name);
    return vocabularyFromBytes(new Uint8Array(await readFile(path)), name ?? path);
  },
  readModelSync(source, name) {
    const path = asPath(source);
    if (path === undefined) {
      if (source instanceof URL || (typeof Response !== 'undefined' && source instanceof Response)) {
        throw new TypeError('Tokenizer.loadSync cannot fetch: pass a file path, bytes or a parsed model, or use Tokenizer.load');
      }
      return vocabularyFromValue(source as Uint8Array | ArrayBuffer | ModelJson, name);
    }
    return vocabularyFromBytes(new Uint8Array(readFileSync(path)), name ?? path);
  },
  defaultWasm: async () => kernelSync(),
  defaultWasmSync: kernelSync,
};
