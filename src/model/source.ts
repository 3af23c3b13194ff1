import { inflateSync, unzipSync } from 'fflate';
import { ModelError } from './errors.js';
import { isBinaryModel, readBinaryModel } from './binary-model.js';
import { hasBinaryDecoder } from './binary-wasm.js';
import { vocabularyFromJson, type ModelJson } from './vocabulary.js';
import type { ParsedModel } from './compile.js';
import { scanModelJson } from './json-scan.js';
import { checkCrc, directoryCrc, extractZipEntry, readZipDirectory, type Crc32, type InflateRaw, type ZipEntry } from './zip.js';

/**
 * Anything a model can be loaded from in every environment (file paths are added in Node): a URL
 * to fetch, a fetch Response, a Blob or File (from a file picker or drag-and-drop), the file's
 * bytes, or the parsed `.model` JSON.
 */
export type ModelSource = string | URL | Response | Blob | Uint8Array | ArrayBuffer | ModelJson;

const isBlob = (source: unknown): source is Blob => typeof Blob !== 'undefined' && source instanceof Blob;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The default cap on a model's size in bytes (the file, and a zip's model entry once inflated):
 * 1 GiB. The published models are 3-18 MB; the cap keeps a zip bomb or a wrong file from taking
 * gigabytes before it fails. `LoadOptions.maxModelBytes` overrides it.
 */
export const DEFAULT_MAX_MODEL_BYTES = 2 ** 30;

/** A ModelError for a model of `size` bytes over the cap (`what`: the file, or a zip entry). */
export function tooLargeModel(what: string, size: number, max: number, name: string): ModelError {
  return new ModelError(`${what} has ${size} bytes, more than the ${max} allowed (LoadOptions.maxModelBytes, default ${DEFAULT_MAX_MODEL_BYTES})`, name);
}

/** How bytes are read where the platform has better tools than the universal ones. */
export interface ReadOptions {
  /** The largest model read, in bytes (default DEFAULT_MAX_MODEL_BYTES). */
  readonly maxBytes?: number;
  /** Raw DEFLATE inflater for zip entries (default: fflate; the Node entry passes native zlib). */
  readonly inflateRaw?: InflateRaw;
  /** CRC-32 for checking zip entries (default: plain JS; the Node entry passes native zlib's). */
  readonly crc32?: Crc32;
  /**
   * The kernel, if it is at hand without waiting: binary models are then decoded and checked by its
   * WebAssembly functions (compiled code from the start) instead of cold JS loops.
   */
  readonly kernel?: () => WebAssembly.Module | undefined;
}

/** options.kernel's module if it has the binary-model decoder (a stale or foreign one may not). */
export function binaryDecoder(options: ReadOptions): WebAssembly.Module | undefined {
  if (typeof WebAssembly === 'undefined') return undefined;
  const module = options.kernel?.();
  return module && hasBinaryDecoder(module) ? module : undefined;
}

const fflateInflateRaw: InflateRaw = (data, size) => {
  // One spare byte, so that data inflating to more than announced shows as a size mismatch.
  const out = inflateSync(data, { out: new Uint8Array(size + 1) });
  return out;
};

/**
 * Reads a model from the bytes of a `.model` JSON file, of a `.zip` holding exactly one `*.model`
 * entry (how the published models are distributed), or of our binary format (`Tokenizer.toBinary`,
 * recognized by its magic header). `name` is used in error messages.
 */
export function modelFromBytes(bytes: Uint8Array, name = 'model', options: ReadOptions = {}): ParsedModel {
  if (bytes.length === 0) throw new ModelError('the file is empty', name);
  const max = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  if (bytes.length > max) throw tooLargeModel('the model', bytes.length, max, name);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return modelFromZip(bytes, name, options);
  if (isBinaryModel(bytes)) return readBinaryModel(bytes, name, binaryDecoder(options));
  // The usual case: the trainer's plain JSON, read without JSON.parse. Anything else (or any error)
  // goes the general way below, which words the errors.
  const scanned = scanModelJson(bytes);
  if (scanned) return scanned;
  if (!startsLikeJson(bytes)) throw new ModelError(`not a zip, a binary model or UTF-8 JSON text: ${looksLike(bytes)}`, name);
  let text: string;
  try {
    text = fatalUtf8.decode(bytes);
  } catch {
    throw new ModelError(`not a zip, a binary model or UTF-8 JSON text: ${looksLike(bytes)}`, name);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelError(`not valid JSON (${(e as Error).message})`, name);
  }
  return vocabularyFromJson(json, name);
}

/** Whether the first byte after a UTF-8 BOM and JSON whitespace can start a JSON text. */
function startsLikeJson(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  const c = bytes[i];
  return c !== undefined && (c === 0x7b || c === 0x5b || c === 0x22 || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e);
}

/** What bytes that are no model look like, for the error: all zeros, else their first bytes in hex. */
function looksLike(bytes: Uint8Array): string {
  let zeros = true;
  const words = Math.floor(bytes.length / 4);
  const w = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, words) : undefined;
  if (w) {
    for (let i = 0; i < words && zeros; i++) zeros = w[i] === 0;
    for (let i = 4 * words; i < bytes.length && zeros; i++) zeros = bytes[i] === 0;
  } else {
    for (let i = 0; i < bytes.length && zeros; i++) zeros = bytes[i] === 0;
  }
  if (zeros) return `all its ${bytes.length} bytes are zero`;
  const head = Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `its ${bytes.length} bytes start ${head}${bytes.length > 16 ? ' …' : ''}`;
}

/** The one `*.model` entry of a zip's directory, or an error naming what is there instead. */
function modelEntry(directory: readonly ZipEntry[], name: string, options: ReadOptions): ZipEntry {
  const models = directory.filter((e) => isModelEntry(e.name));
  if (models.length === 0) throw new ModelError('the zip holds no *.model file', name);
  if (models.length > 1)
    throw severalModels(
      models.map((e) => e.name),
      name,
    );
  // Checked against the directory before inflating; the inflaters stop at the size it announces.
  const max = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  if (models[0]!.size > max) throw tooLargeModel(`its entry ${models[0]!.name}`, models[0]!.size, max, name);
  return models[0]!;
}

/** Several model entries (two of one name too: which one was meant cannot be told). */
function severalModels(names: readonly string[], name: string): ModelError {
  const twice = new Set(names).size < names.length ? ', a name more than once' : '';
  return new ModelError(`the zip holds several *.model files (${names.join(', ')}${twice}); unzip the one you want`, name);
}

function modelFromZip(bytes: Uint8Array, name: string, options: ReadOptions): ParsedModel {
  // Fast path: the central directory, and only the model entry inflated, natively where possible.
  const directory = readZipDirectory(bytes);
  if (directory) {
    const entry = modelEntry(directory, name, options);
    let data: Uint8Array;
    try {
      data = extractZipEntry(entry, options.inflateRaw ?? fflateInflateRaw, options.crc32);
    } catch (e) {
      throw new ModelError(`corrupt zip (${(e as Error).message})`, name);
    }
    return modelFromEntry(data, `${name}!${entry.name}`, options);
  }
  // The general unzipper (zips the fast reader declines). Its result keeps one entry per name, so
  // the model entries are counted as it lists them.
  let entries: Record<string, Uint8Array>;
  const seen: string[] = [];
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (!isModelEntry(f.name)) return false;
        seen.push(f.name);
        const max = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
        if (f.originalSize > max) throw tooLargeModel(`its entry ${f.name}`, f.originalSize, max, name);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw new ModelError(`corrupt zip (${(e as Error).message})`, name);
  }
  if (seen.length > 1) throw severalModels(seen, name);
  const names = Object.keys(entries);
  if (names.length === 0) throw new ModelError('the zip holds no *.model file', name);
  // This unzipper checks no CRC: check it here, against the directory's.
  const data = entries[names[0]!]!;
  const crc = directoryCrc(bytes, names[0]!);
  if (crc === undefined) throw new ModelError(`corrupt zip (no CRC-32 found for ${names[0]} in its directory)`, name);
  try {
    checkCrc({ name: names[0]!, crc, method: 0, data, size: data.length }, data, options.crc32);
  } catch (e) {
    throw new ModelError(`corrupt zip (${(e as Error).message})`, name);
  }
  return modelFromEntry(entries[names[0]!]!, `${name}!${names[0]}`, options);
}

/**
 * A zip's model entry: JSON or binary, not another zip. Real files never nest zips, and following
 * them would let a file nest thousands deep (a stack overflow, not an error).
 */
function modelFromEntry(data: Uint8Array, name: string, options: ReadOptions): ParsedModel {
  if (data[0] === 0x50 && data[1] === 0x4b) throw new ModelError('the model entry is itself a zip; nested zips are not read: unzip it first', name);
  return modelFromBytes(data, name, options);
}

const isModelEntry = (path: string) => path.endsWith('.model') && !path.startsWith('__MACOSX/') && !path.split('/').pop()!.startsWith('._');

/** Fetches a model, naming the URL when the fetch itself fails (Node's fetch cannot read file: URLs). */
async function fetchModel(url: string | URL): Promise<Response> {
  try {
    return await fetch(url);
  } catch (e) {
    const href = String(url);
    const hint = href.startsWith('file:') ? " (in Node, use the package's node entry or pass the bytes)" : '';
    throw new Error(`bytepiece-wasm: could not fetch the model from ${href}: ${(e as Error).message}${hint}`, { cause: e });
  }
}

/** Loads a vocabulary from any environment-independent source (bytes, JSON object, URL, Response). */
export async function modelFromSource(source: ModelSource, name?: string, options: ReadOptions = {}): Promise<ParsedModel> {
  if (typeof source === 'string' || source instanceof URL) {
    return modelFromResponse(await fetchModel(source), name ?? String(source), options);
  }
  // Bytes before Response: touching the global Response makes Node 20 load its fetch implementation.
  if (source instanceof Uint8Array) return modelFromBytesAsync(source, name, options);
  if (source instanceof ArrayBuffer) return modelFromBytesAsync(new Uint8Array(source), name, options);
  if (typeof Response !== 'undefined' && source instanceof Response) return modelFromResponse(source, name ?? (source.url || 'response'), options);
  if (isBlob(source)) {
    const fileName = (source as Blob & { name?: unknown }).name;
    return modelFromBytesAsync(new Uint8Array(await source.arrayBuffer()), name ?? (typeof fileName === 'string' && fileName ? fileName : 'blob'), options);
  }
  return modelFromValue(source as ModelJson, name, options);
}

/**
 * As modelFromBytes, but a zip's model entry is inflated by the platform's native
 * DecompressionStream('deflate-raw') when there is one and no inflater was given (browsers:
 * several times faster than fflate).
 */
async function modelFromBytesAsync(bytes: Uint8Array, name = 'model', options: ReadOptions = {}): Promise<ParsedModel> {
  const directory = bytes[0] === 0x50 && bytes[1] === 0x4b && !options.inflateRaw && hasNativeInflate() ? readZipDirectory(bytes) : undefined;
  if (!directory) return modelFromBytes(bytes, name, options);
  const entry = modelEntry(directory, name, options);
  let data = entry.data;
  if (entry.method !== 0) {
    // Read as it inflates, into a buffer of the announced size: data that would run past it (a
    // lying directory) stops the stream there, before it takes more memory.
    let at = 0;
    try {
      const stream = new Blob([entry.data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
      const reader = stream.getReader();
      data = new Uint8Array(entry.size);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (at + value.length > entry.size) {
          await reader.cancel();
          at += value.length;
          break;
        }
        data.set(value, at);
        at += value.length;
      }
    } catch (e) {
      throw new ModelError(`corrupt zip (${(e as Error).message})`, name);
    }
    if (at !== entry.size)
      throw new ModelError(`corrupt zip (${entry.name} inflates to ${at > entry.size ? 'more than ' : ''}${at} bytes, the directory says ${entry.size})`, name);
  }
  try {
    checkCrc(entry, data, options.crc32);
  } catch (e) {
    throw new ModelError(`corrupt zip (${(e as Error).message})`, name);
  }
  return modelFromEntry(data, `${name}!${entry.name}`, options);
}

let nativeInflate: boolean | undefined;
function hasNativeInflate(): boolean {
  if (nativeInflate === undefined) {
    try {
      new DecompressionStream('deflate-raw');
      nativeInflate = typeof Blob !== 'undefined' && typeof Response !== 'undefined';
    } catch {
      nativeInflate = false;
    }
  }
  return nativeInflate;
}

/** Synchronous part: bytes or an already-parsed model object. */
export function modelFromValue(source: Uint8Array | ArrayBuffer | ModelJson, name?: string, options: ReadOptions = {}): ParsedModel {
  if (source instanceof Uint8Array) return modelFromBytes(source, name, options);
  if (source instanceof ArrayBuffer) return modelFromBytes(new Uint8Array(source), name, options);
  if (ArrayBuffer.isView(source)) {
    throw new TypeError('pass the model bytes as a Uint8Array or an ArrayBuffer');
  }
  if (isBlob(source)) throw new TypeError('a Blob or File is read asynchronously: use Tokenizer.load');
  return vocabularyFromJson(source, name ?? 'model object');
}

async function modelFromResponse(response: Response, name: string, options: ReadOptions): Promise<ParsedModel> {
  if (!response.ok) throw new ModelError(`HTTP ${response.status} ${response.statusText}`.trim(), name);
  const max = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  const announced = Number(response.headers.get('content-length') ?? NaN);
  if (announced > max) throw tooLargeModel('the response', announced, max, name);
  if (!response.body) return modelFromBytesAsync(new Uint8Array(await response.arrayBuffer()), name, options);
  // Read chunk by chunk, so that a body past the cap stops there.
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      throw tooLargeModel('the response', size, max, name);
    }
    chunks.push(value);
  }
  const bytes = chunks.length === 1 ? chunks[0]! : new Uint8Array(size);
  if (chunks.length !== 1) {
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
  }
  return modelFromBytesAsync(bytes, name, options);
}
