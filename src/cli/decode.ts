// `bytepiece decode`: ids (JSONL `{"ids":[…]}` lines, or u16/u32 with an optional .idx) → one
// JSONL line `{"text": …}` per document. Streams: memory is bounded by the longest document.

import { stat } from 'node:fs/promises';
import { Tokenizer } from '../node.js';
import type { OutputFormat } from './block.js';
import { CliError, describeError } from './errors.js';
import { checkInputs, readBlocks, readChunks, type InputFile } from './input.js';
import { commitOutputs, discardOutputs, StdoutOutput, TempFileOutput, type Output } from './output.js';
import { Progress } from './progress.js';
import { invalidUtf8Offset } from '../utf8-scan.js';
import { checkModelPath, checkU16, type CommonOptions } from './options.js';

export interface DecodeOptions extends CommonOptions {
  output?: string;
  format?: OutputFormat;
}

const EOS = 2;
const CHUNK = 1 << 20;

export async function decodeCommand(path: string, options: DecodeOptions): Promise<void> {
  const format: OutputFormat = options.format ?? (/\.u16$/i.test(path) ? 'u16' : /\.u32$/i.test(path) ? 'u32' : 'jsonl');
  const [input] = await checkInputs([path]);
  await checkModelPath(options.model);
  if (format !== 'jsonl' && input!.path === '-') throw new CliError(`--format ${format} reads a file (and its .idx), not stdin`);
  const files: TempFileOutput[] = [];
  try {
    let out: Output;
    if (options.output !== undefined) {
      const file = await TempFileOutput.create(options.output);
      files.push(file);
      out = file;
    } else out = new StdoutOutput();
    const tokenizer = await Tokenizer.load(options.model, { engine: options.engine });
    if (format === 'u16') checkU16(tokenizer.vocabSize, options.model);
    const progress = new Progress(input!.size, { quiet: options.quiet === true, interval: options.progressInterval, verb: 'decode' });
    const decoder = new DocumentWriter(tokenizer, out, input!);
    if (format === 'jsonl') await decodeJsonl(input!, decoder, progress);
    else await decodeBinary(input!, format === 'u16' ? 2 : 4, decoder, progress);
    await out.close();
    await commitOutputs(files);
    progress.finish(`decoded ${decoder.documents.toLocaleString('en-US')} documents (${decoder.tokens.toLocaleString('en-US')} ids) in ${progress.seconds.toFixed(1)} s; wrote ${options.output ?? 'stdout'}`);
  } catch (e) {
    await discardOutputs(files);
    throw e;
  }
}

class DocumentWriter {
  documents = 0;
  tokens = 0;
  private readonly encoder = new TextEncoder();
  constructor(private readonly tokenizer: Tokenizer, private readonly out: Output, private readonly input: InputFile) {}

  /** Decodes one document; `where` locates it for messages. */
  async write(ids: ArrayLike<number>, where: string): Promise<void> {
    let text: string;
    try {
      text = this.tokenizer.decode(ids);
    } catch (e) {
      throw new CliError(`${this.input.name}${where}: ${describeError(e)}`);
    }
    this.documents++;
    this.tokens += ids.length;
    await this.out.write(this.encoder.encode(`${JSON.stringify({ text })}\n`));
  }
}

async function decodeJsonl(input: InputFile, writer: DocumentWriter, progress: Progress): Promise<void> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let line = 0;
  for await (const block of readBlocks(input, 'lines', CHUNK)) {
    let text: string;
    try {
      text = utf8.decode(block.bytes);
    } catch {
      throw new CliError(`${input.name}: invalid UTF-8 at byte offset ${block.offset + Math.max(0, invalidUtf8Offset(block.bytes))}`);
    }
    for (const raw of text.split('\n')) {
      line++;
      if (raw.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (e) {
        throw new CliError(`${input.name}:${line}: invalid JSON (${(e as Error).message})`);
      }
      const ids = (value as { ids?: unknown } | null)?.ids;
      if (value === null || typeof value !== 'object' || !Array.isArray(ids)) {
        throw new CliError(`${input.name}:${line}: expected an object with an "ids" array`);
      }
      await writer.write(ids as number[], `:${line}`);
    }
    if (text.endsWith('\n')) line--; // split() made an empty last piece: not a line
    progress.add(block.bytes.length);
  }
}

/** u16/u32 ids; documents from `INPUT.idx` when it exists, else each one ends at an `<eos>`. */
async function decodeBinary(input: InputFile, width: 2 | 4, writer: DocumentWriter, progress: Progress): Promise<void> {
  const size = input.size ?? 0;
  if (size % width !== 0) throw new CliError(`${input.name}: ${size} bytes is not a whole number of ${width * 8}-bit ids (wrong --format?)`);
  const total = size / width;
  const offsets = await readIndex(`${input.path}.idx`, total);
  let parts: Uint32Array[] = []; // the current document's ids from earlier chunks
  let position = 0; // ids before the current chunk
  let next = 1; // offsets[next] ends the current document
  const emit = async (tail: Uint32Array) => {
    let ids = tail;
    if (parts.length > 0) {
      ids = new Uint32Array(parts.reduce((n, p) => n + p.length, 0) + tail.length);
      let at = 0;
      for (const p of [...parts, tail]) {
        ids.set(p, at);
        at += p.length;
      }
      parts = [];
    }
    await writer.write(ids, ` document ${writer.documents}`);
  };
  for await (const chunk of readChunks(input, CHUNK - (CHUNK % width))) {
    const ids = readIds(chunk, width);
    let from = 0; // start of the current document within ids
    if (offsets) {
      while (next < offsets.length && offsets[next]! <= position + ids.length) {
        const end = offsets[next]! - position;
        await emit(ids.subarray(from, end));
        from = end;
        next++;
      }
    } else {
      for (let i = ids.indexOf(EOS); i >= 0; i = ids.indexOf(EOS, i + 1)) {
        await emit(ids.subarray(from, i + 1));
        from = i + 1;
      }
    }
    if (from < ids.length) parts.push(ids.slice(from));
    position += ids.length;
    progress.add(chunk.length);
  }
  if (offsets) {
    for (; next < offsets.length; next++) await emit(new Uint32Array(0));
  } else if (parts.length > 0) await emit(new Uint32Array(0)); // a last document without its <eos>
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian ids as a Uint32Array. */
function readIds(chunk: Uint8Array, width: 2 | 4): Uint32Array {
  const n = chunk.length / width;
  if (LITTLE_ENDIAN && chunk.byteOffset % width === 0) {
    return width === 4 ? new Uint32Array(chunk.buffer, chunk.byteOffset, n) : Uint32Array.from(new Uint16Array(chunk.buffer, chunk.byteOffset, n));
  }
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = width === 2 ? view.getUint16(2 * i, true) : view.getUint32(4 * i, true);
  return ids;
}

/** The offsets of INDEX, checked against the ids file, or undefined when there is no index. */
async function readIndex(path: string, total: number): Promise<Float64Array | undefined> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return undefined;
  }
  if (size % 8 !== 0 || size < 8) throw new CliError(`${path}: ${size} bytes is not a list of uint64 offsets`);
  const offsets = new Float64Array(size / 8);
  let k = 0;
  for await (const chunk of readChunks({ path, name: path, size }, CHUNK)) {
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let i = 0; i < chunk.length; i += 8) offsets[k++] = view.getUint32(i, true) + view.getUint32(i + 4, true) * 0x100000000;
  }
  if (offsets[0] !== 0) throw new CliError(`${path}: the first offset is ${offsets[0]}, expected 0`);
  for (let i = 1; i < offsets.length; i++) {
    if (offsets[i]! < offsets[i - 1]!) throw new CliError(`${path}: offset ${i} (${offsets[i]}) is smaller than offset ${i - 1} (${offsets[i - 1]})`);
  }
  if (offsets[offsets.length - 1] !== total) {
    throw new CliError(`${path}: the last offset is ${offsets[offsets.length - 1]} but the ids file holds ${total} ids (index and data do not match)`);
  }
  return offsets;
}
