// `bytepiece decode`: ids (JSONL `{"ids":[…]}` lines, or u16/u32 with an optional .idx) → one
// JSONL line `{"text": …}` per document. Streams (the ids, and the .idx too): memory is bounded by
// the longest document.

import { open, type FileHandle } from 'node:fs/promises';
import { Tokenizer } from '../node/tokenizer.js';
import type { OutputFormat } from './block.js';
import { CliError, describeError, systemMessage } from './errors.js';
import { checkInputs, readBlocks, readChunks, type InputFile } from './input.js';
import { commitOutputs, discardOutputs, StdoutOutput, TempFileOutput, type Output } from './output.js';
import { Progress } from './progress.js';
import { invalidUtf8Offset } from '../text/utf8-scan.js';
import { checkModelPath, checkU16, type CommonOptions } from './options.js';
import { count, seconds } from './units.js';
import { DEFAULT_MODEL } from '../model/default-model.js';

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
    const model = options.model ?? DEFAULT_MODEL;
    const tokenizer = await Tokenizer.load(model, { engine: options.engine });
    if (format === 'u16') checkU16(tokenizer.vocabSize, model);
    const progress = new Progress(input!.size, { quiet: options.quiet === true, interval: options.progressInterval, verb: 'decode' });
    const decoder = new DocumentWriter(tokenizer, out, input!);
    if (format === 'jsonl') await decodeJsonl(input!, decoder, progress);
    else await decodeBinary(input!, format === 'u16' ? 2 : 4, decoder, progress);
    await out.close();
    await commitOutputs(files);
    progress.finish(
      `decoded ${count(decoder.documents, 'document')} (${count(decoder.tokens, 'id')}) in ${seconds(progress.seconds)}; wrote ${options.output ?? 'stdout'}`,
    );
  } catch (e) {
    await discardOutputs(files);
    throw e;
  }
}

class DocumentWriter {
  documents = 0;
  tokens = 0;
  private readonly encoder = new TextEncoder();
  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly out: Output,
    private readonly input: InputFile,
  ) {}

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
  const offsets = await OffsetReader.open(`${input.path}.idx`, total);
  try {
    let parts: Uint32Array[] = []; // the current document's ids from earlier chunks
    let position = 0; // ids before the current chunk
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
        // offsets.peek(): the end of the current document
        for (let end = await offsets.peek(); end !== undefined && end <= position + ids.length; end = await offsets.peek()) {
          await emit(ids.subarray(from, end - position));
          from = end - position;
          offsets.take();
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
      while ((await offsets.peek()) !== undefined) {
        await emit(new Uint32Array(0)); // empty documents at the end
        offsets.take();
      }
    } else if (parts.length > 0) await emit(new Uint32Array(0)); // a last document without its <eos>
  } finally {
    await offsets?.close();
  }
}

/**
 * The document ends of a `.idx` file (uint64 offsets: 0, then the end of each document), read in
 * chunks as decoding goes, so memory does not grow with the number of documents. The first and
 * last offsets are checked before any output; the order of the others as they are read.
 */
class OffsetReader {
  private buffer = new Float64Array(0);
  private at = 0;
  /** Index in the file of buffer[0]. */
  private first = 0;
  private read = 8; // bytes of the file consumed (offset 0 is checked and skipped at open)
  private previous = 0;

  private constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
    private readonly size: number,
  ) {}

  /** Opens and checks INDEX against an ids file of `total` ids, or resolves undefined when it does not exist. */
  static async open(path: string, total: number): Promise<OffsetReader | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CliError(`${path}: cannot read: ${systemMessage((e as NodeJS.ErrnoException).code ?? '', (e as Error).message)}`);
    }
    const info = await handle.stat();
    const reader = new OffsetReader(path, handle, info.size);
    try {
      if (info.isDirectory()) throw new CliError(`${path}: is a directory, expected the index of ${path.slice(0, -4)}`);
      await reader.check(total);
    } catch (e) {
      await handle.close();
      throw e;
    }
    return reader;
  }

  private async check(total: number): Promise<void> {
    const { size, path } = this;
    if (size % 8 !== 0 || size < 8) throw new CliError(`${path}: ${size} bytes is not a list of uint64 offsets`);
    const firstOffset = await this.offsetAt(0);
    if (firstOffset !== 0) throw new CliError(`${path}: the first offset is ${firstOffset}, expected 0`);
    const last = await this.offsetAt(size / 8 - 1);
    if (last !== total) throw new CliError(`${path}: the last offset is ${last} but the ids file holds ${total} ids (index and data do not match)`);
    this.first = 1;
  }

  private async offsetAt(i: number): Promise<number> {
    const bytes = new Uint8Array(8);
    await this.handle.read(bytes, 0, 8, 8 * i);
    const view = new DataView(bytes.buffer);
    return view.getUint32(0, true) + view.getUint32(4, true) * 0x100000000;
  }

  /** The next document end, or undefined after the last. */
  async peek(): Promise<number | undefined> {
    if (this.at < this.buffer.length) return this.buffer[this.at];
    if (this.read >= this.size) return undefined;
    this.first += this.buffer.length;
    const bytes = new Uint8Array(Math.min(CHUNK, this.size - this.read));
    let n = 0;
    while (n < bytes.length) {
      const got = (await this.handle.read(bytes, n, bytes.length - n, this.read + n)).bytesRead;
      if (got === 0) throw new CliError(`${this.path}: the file shrank while being read`);
      n += got;
    }
    this.read += n;
    const view = new DataView(bytes.buffer);
    this.buffer = new Float64Array(n / 8);
    for (let k = 0; k < this.buffer.length; k++) {
      const v = view.getUint32(8 * k, true) + view.getUint32(8 * k + 4, true) * 0x100000000;
      if (v < this.previous) {
        const i = this.first + k;
        throw new CliError(`${this.path}: offset ${i} (${v}) is smaller than offset ${i - 1} (${this.previous})`);
      }
      this.buffer[k] = this.previous = v;
    }
    this.at = 0;
    return this.buffer.length > 0 ? this.buffer[0] : undefined;
  }

  /** Moves past the value peek() returned. */
  take(): void {
    this.at++;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
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
