import { unzipSync } from 'fflate';
import { ModelError } from './errors.js';
import { isBinaryModel, readBinaryModel } from './binary-model.js';
import { vocabularyFromJson, type ModelJson, type Vocabulary } from './vocabulary.js';

/**
 * Anything a model can be loaded from in every environment (file paths are added in Node): a URL
 * to fetch, a fetch Response, a Blob or File (from a file picker or drag-and-drop), the file's
 * bytes, or the parsed `.model` JSON.
 */
export type ModelSource = string | URL | Response | Blob | Uint8Array | ArrayBuffer | ModelJson;

const isBlob = (source: unknown): source is Blob => typeof Blob !== 'undefined' && source instanceof Blob;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a model from the bytes of a `.model` JSON file, of a `.zip` holding exactly one `*.model`
 * entry (how the published models are distributed), or of our binary format (`Tokenizer.toBinary`,
 * recognized by its magic header). `name` is used in error messages.
 */
export function vocabularyFromBytes(bytes: Uint8Array, name = 'model'): Vocabulary {
  if (bytes.length === 0) throw new ModelError('the file is empty', name);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return vocabularyFromZip(bytes, name);
  if (isBinaryModel(bytes)) return readBinaryModel(bytes, name);
  let text: string;
  try {
    text = fatalUtf8.decode(bytes);
  } catch {
    throw new ModelError('not a zip and not UTF-8 JSON text', name);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelError(`not valid JSON (${(e as Error).message})`, name);
  }
  return vocabularyFromJson(json, name);
}

function vocabularyFromZip(bytes: Uint8Array, name: string): Vocabulary {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => isModelEntry(f.name) });
  } catch (e) {
    throw new ModelError(`corrupt zip (${(e as Error).message})`, name);
  }
  const names = Object.keys(entries);
  if (names.length === 0) throw new ModelError('the zip holds no *.model file', name);
  if (names.length > 1) throw new ModelError(`the zip holds several *.model files (${names.join(', ')}); unzip the one you want`, name);
  return vocabularyFromBytes(entries[names[0]!]!, `${name}!${names[0]}`);
}

const isModelEntry = (path: string) => path.endsWith('.model') && !path.startsWith('__MACOSX/') && !path.split('/').pop()!.startsWith('._');

/** Loads a vocabulary from any environment-independent source (bytes, JSON object, URL, Response). */
export async function vocabularyFromSource(source: ModelSource, name?: string): Promise<Vocabulary> {
  if (typeof source === 'string' || source instanceof URL) {
    return vocabularyFromResponse(await fetch(source), name ?? String(source));
  }
  if (typeof Response !== 'undefined' && source instanceof Response) return vocabularyFromResponse(source, name ?? (source.url || 'response'));
  if (isBlob(source)) {
    const fileName = (source as Blob & { name?: unknown }).name;
    return vocabularyFromBytes(new Uint8Array(await source.arrayBuffer()), name ?? (typeof fileName === 'string' && fileName ? fileName : 'blob'));
  }
  return vocabularyFromValue(source as Uint8Array | ArrayBuffer | ModelJson, name);
}

/** Synchronous part: bytes or an already-parsed model object. */
export function vocabularyFromValue(source: Uint8Array | ArrayBuffer | ModelJson, name?: string): Vocabulary {
  if (source instanceof Uint8Array) return vocabularyFromBytes(source, name);
  if (source instanceof ArrayBuffer) return vocabularyFromBytes(new Uint8Array(source), name);
  if (ArrayBuffer.isView(source)) {
    throw new TypeError('pass the model bytes as a Uint8Array or an ArrayBuffer');
  }
  if (isBlob(source)) throw new TypeError('a Blob or File is read asynchronously: use Tokenizer.load');
  return vocabularyFromJson(source, name ?? 'model object');
}

async function vocabularyFromResponse(response: Response, name: string): Promise<Vocabulary> {
  if (!response.ok) throw new ModelError(`HTTP ${response.status} ${response.statusText}`.trim(), name);
  return vocabularyFromBytes(new Uint8Array(await response.arrayBuffer()), name);
}
