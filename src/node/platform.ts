// node/: what only Node has: file paths, the worker-thread pool, Node streams.
// How the Node entry reaches model files and the kernel: file paths (and file: URLs) are read from
// disk, zips are inflated by native zlib, binary models are decoded by the kernel straight from the
// file, and the kernel is compiled once per thread from the .wasm next to this module.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import type { Platform } from '../api/tokenizer.js';
import {
  modelFromSource,
  modelFromValue,
  modelFromBytes,
  binaryDecoder,
  tooLargeModel,
  DEFAULT_MAX_MODEL_BYTES,
  type ModelSource,
  type ReadOptions,
} from '../model/source.js';
import { BINARY_HEADER, isBinaryModel, readBinaryModelFrom } from '../model/binary-model.js';
import { ModelError } from '../model/errors.js';
import type { ModelJson } from '../model/vocabulary.js';
import type { ParsedModel } from '../model/compile.js';
import { defaultWasmUrl } from '../engine/wasm-module.js';
import { toSentencePiece } from '../model/sentencepiece-export.js';

// A string is a file path in Node; URLs with file: are paths too.
const asPath = (source: unknown): string | undefined =>
  typeof source === 'string' ? source : source instanceof URL && source.protocol === 'file:' ? fileURLToPath(source) : undefined;

// Native zlib inflates the published zips several times faster than fflate (the limit makes data
// that inflates past its announced size fail, as a corrupt zip, instead of filling memory).
const read: ReadOptions = {
  inflateRaw: (data, size) => {
    const out = zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, size) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  // zlib.crc32 is in Node 20.15 and later.
  crc32: typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (data) => (zlib as unknown as { crc32(d: Uint8Array): number }).crc32(data) : undefined,
  // Binary models are decoded by the kernel's WebAssembly functions, whatever the engine.
  kernel: () => {
    try {
      return kernelSync();
    } catch {
      return undefined; // no kernel next to this module: the JS decoder does it
    }
  },
};

/** The read options with the caller's kernel for binary models (else the default one) and size cap. */
const withKernel = (given?: () => WebAssembly.Module | undefined, maxBytes?: number): ReadOptions =>
  given || maxBytes !== undefined ? { ...read, maxBytes, kernel: given ? () => given() ?? read.kernel!() : read.kernel } : read;

/** Throws if a model file of `size` bytes is over the cap (before anything is read). */
function checkFileSize(size: number, name: string, read: ReadOptions): void {
  const max = read.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  if (size > max) throw tooLargeModel('the file', size, max, name);
}

/**
 * Reads a model file. A binary model is read straight into the decoder's memory (its header first,
 * for the sizes): a copy of the whole file is megabytes of fresh pages, and on a cold load every
 * page touched counts. Anything else is read whole.
 */
function readModelFileSync(path: string, name: string, read: ReadOptions): ParsedModel {
  const fd = openSync(path, 'r');
  try {
    const length = fstatSync(fd).size;
    checkFileSize(length, name, read);
    const head = new Uint8Array(Math.min(length, BINARY_HEADER));
    readFully(fd, head, 0, name);
    if (head.length === BINARY_HEADER && isBinaryModel(head)) {
      const fill = (into: Uint8Array, position: number) => readFully(fd, into, position, name);
      return readBinaryModelFrom({ head, length, fill }, name, binaryDecoder(read));
    }
  } finally {
    closeSync(fd);
  }
  return modelFromBytes(new Uint8Array(readFileSync(path)), name, read);
}

async function startsAsBinaryModel(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(BINARY_HEADER);
    const { bytesRead } = await file.read(head, 0, BINARY_HEADER, 0);
    return bytesRead === BINARY_HEADER && isBinaryModel(head);
  } finally {
    await file.close();
  }
}

function readFully(fd: number, into: Uint8Array, position: number, name: string): void {
  for (let done = 0; done < into.length;) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new ModelError(`corrupt binary model: truncated while being read (the file ended at byte ${position + done})`, name);
    done += n;
  }
}

let kernel: WebAssembly.Module | undefined;
const kernelSync = () => (kernel ??= new WebAssembly.Module(readFileSync(fileURLToPath(defaultWasmUrl()))));

export const nodePlatform: Platform = {
  toSentencePiece,
  async readModel(source, name, given, maxBytes) {
    const read = withKernel(given, maxBytes);
    const path = asPath(source);
    if (path === undefined) return modelFromSource(source as ModelSource, name, read);
    checkFileSize((await stat(path)).size, name ?? path, read);
    // A binary model goes the loadSync way, read straight into the decoder's memory: its local
    // reads block for a few milliseconds, where a whole-file copy first would touch twice the fresh
    // memory (the larger part of a cold load's time).
    if (await startsAsBinaryModel(path)) return readModelFileSync(path, name ?? path, read);
    return modelFromBytes(new Uint8Array(await readFile(path)), name ?? path, read);
  },
  readModelSync(source, name, given, maxBytes) {
    const read = withKernel(given, maxBytes);
    const path = asPath(source);
    if (path === undefined) {
      // Bytes first: touching the global Response makes Node 20 load its fetch implementation (~20-70 ms).
      if (source instanceof Uint8Array || source instanceof ArrayBuffer) return modelFromValue(source, name, read);
      if (source instanceof URL || (typeof Response !== 'undefined' && source instanceof Response)) {
        throw new TypeError('Tokenizer.loadSync cannot fetch: pass a file path, bytes or a parsed model, or use Tokenizer.load');
      }
      return modelFromValue(source as Uint8Array | ArrayBuffer | ModelJson, name, read);
    }
    return readModelFileSync(path, name ?? path, read);
  },
  defaultWasm: async () => kernelSync(),
  defaultWasmSync: kernelSync,
};
