// How the Node entry reaches model files and the kernel: file paths (and file: URLs) are read from
// disk, zips are inflated by native zlib, the kernel is compiled once per thread from
// build/bytepiece.wasm next to this module.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import type { Platform } from './tokenizer.js';
import { vocabularyFromSource, vocabularyFromValue, vocabularyFromBytes, type ModelSource, type ReadOptions } from './source.js';
import { defaultWasmUrl } from './wasm-module.js';
import type { ModelJson } from './vocabulary.js';
import type { Crc32 } from './binary-model.js';


// A string is a file path in Node; URLs with file: are paths too.
const asPath = (source: unknown): string | undefined =>
  typeof source === 'string' ? source : source instanceof URL && source.protocol === 'file:' ? fileURLToPath(source) : undefined;

// Native zlib inflates the published zips several times faster than fflate (the limit makes data
// that inflates past its announced size fail, as a corrupt zip, instead of filling memory), and
// checks binary models' CRC-32 ~10x faster than JS (zlib.crc32: Node >= 20.15; JS before that).
const read: ReadOptions = {
  inflateRaw: (data, size) => {
    const out = zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, size) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  crc32: typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (zlib as unknown as { crc32: Crc32 }).crc32 : undefined,
};

let kernel: WebAssembly.Module | undefined;
const kernelSync = () => (kernel ??= new WebAssembly.Module(readFileSync(fileURLToPath(defaultWasmUrl()))));

export const nodePlatform: Platform = {
  async readModel(source, name) {
    const path = asPath(source);
    if (path === undefined) return vocabularyFromSource(source as ModelSource, name, read);
    return vocabularyFromBytes(new Uint8Array(await readFile(path)), name ?? path, read);
  },
  readModelSync(source, name) {
    const path = asPath(source);
    if (path === undefined) {
      // Bytes first: touching the global Response makes Node 20 load its fetch implementation (~20-70 ms).
      if (source instanceof Uint8Array || source instanceof ArrayBuffer) return vocabularyFromValue(source, name, read);
      if (source instanceof URL || (typeof Response !== 'undefined' && source instanceof Response)) {
        throw new TypeError('Tokenizer.loadSync cannot fetch: pass a file path, bytes or a parsed model, or use Tokenizer.load');
      }
      return vocabularyFromValue(source as Uint8Array | ArrayBuffer | ModelJson, name, read);
    }
    return vocabularyFromBytes(new Uint8Array(readFileSync(path)), name ?? path, read);
  },
  defaultWasm: async () => kernelSync(),
  defaultWasmSync: kernelSync,
};
