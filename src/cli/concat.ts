// `bytepiece concat A B … -o ALL`: joins `bytepiece encode` outputs (shards) in the order given,
// as if one encode had read all their inputs. u16/u32: the ids are copied and each .idx is
// rebased by the ids before it (its closing total dropped; one total ends the result). JSONL: the
// lines are copied. Streaming (memory bounded by one read buffer), checked as it goes (a
// truncated or mismatched shard fails, naming the file), written to temporaries renamed on success.

import { open, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { OutputFormat } from './block.js';
import { CliError, systemMessage } from './errors.js';
import { commitOutputs, discardOutputs, StdoutOutput, TempFileOutput, type Output } from './output.js';
import { Progress, peakRssMiB } from './progress.js';
import { count, rate, seconds as formatSeconds, size } from './units.js';

export interface ConcatOptions {
  output?: string;
  /** Default: from the inputs' extensions (.u16, .u32, .jsonl). */
  format?: OutputFormat;
  quiet?: boolean;
  progressInterval: number;
}

/** Read size: a multiple of 8 (whole .idx entries) and of 4 (whole ids). */
const CHUNK = 4 << 20;

export async function concatCommand(paths: string[], options: ConcatOptions): Promise<void> {
  if (paths.length === 0) throw new CliError('no input: give the encode outputs to join, in order');
  if (paths.includes('-')) throw new CliError('concat reads files (their .idx too): stdin (-) is not an input here');
  const format = options.format ?? formatOfInputs(paths);
  const binary = format !== 'jsonl';
  if (binary && options.output === undefined) throw new CliError(`--format ${format} writes OUT and OUT.idx: give the output path with -o OUT`);
  if (options.output !== undefined) {
    const named = formatOfName(options.output);
    if (named !== undefined && named !== format) throw new CliError(`${options.output}: the output is named as ${named} but the inputs are ${format}`);
    const out = resolve(options.output);
    for (const path of paths) {
      const p = resolve(path);
      if (p === out || (binary && (`${p}.idx` === out || p === `${out}.idx` || `${p}.idx` === `${out}.idx`))) {
        throw new CliError(`${path} is also the output: write the output elsewhere`);
      }
    }
  }
  const width = format === 'u16' ? 2 : 4;
  // Every input is sized up front: a missing file or .idx fails before anything is written.
  const inputs: { path: string; bytes: number; idxBytes: number }[] = [];
  for (const path of paths) {
    const bytes = await fileSize(path);
    if (!binary) {
      inputs.push({ path, bytes, idxBytes: 0 });
      continue;
    }
    if (bytes % width !== 0) throw new CliError(`${path}: ${bytes} bytes is not a whole number of ${format} ids (truncated, or not ${format}?)`);
    const idxBytes = await fileSize(`${path}.idx`, `every ${format} input needs its .idx, as bytepiece encode writes it`);
    if (idxBytes < 8 || idxBytes % 8 !== 0)
      throw new CliError(`${path}.idx: ${idxBytes} bytes is not a whole number of uint64 offsets ending with the total (truncated?)`);
    inputs.push({ path, bytes, idxBytes });
  }

  const files: TempFileOutput[] = [];
  try {
    let main: Output;
    let index: TempFileOutput | undefined;
    if (options.output !== undefined) {
      const file = await TempFileOutput.create(options.output);
      files.push(file);
      main = file;
      if (binary) {
        index = await TempFileOutput.create(`${options.output}.idx`);
        files.push(index);
      }
    } else {
      main = new StdoutOutput();
    }
    const total = inputs.reduce((sum, input) => sum + input.bytes + input.idxBytes, 0);
    const progress = new Progress(total, { quiet: options.quiet === true, interval: options.progressInterval, verb: 'concat' });
    const buffer = new Uint8Array(CHUNK);
    let tokens = 0;
    let documents = 0;
    for (const input of inputs) {
      if (binary) {
        const ids = input.bytes / width;
        documents += await copyIndex(`${input.path}.idx`, input.idxBytes, ids, input.path, tokens, index!, buffer, progress);
        await copyData(input.path, input.bytes, main, buffer, progress);
        tokens += ids;
      } else {
        documents += await copyJsonl(input.path, input.bytes, main, buffer, progress);
      }
    }
    if (index) await index.write(offsets([tokens]));
    await main.close();
    await index?.close();
    await commitOutputs(files);
    const bytes = inputs.reduce((sum, input) => sum + input.bytes, 0);
    const where = options.output ?? 'stdout';
    progress.finish(
      `joined ${count(inputs.length, 'file')}: ${count(documents, 'document')}${binary ? `, ${count(tokens, 'id')}` : ''}, ${size(bytes)} ` +
        `in ${formatSeconds(progress.seconds)}, ${rate(total, progress.seconds)}, peak RSS ${peakRssMiB()} MiB; wrote ${where}${index ? ` and ${options.output}.idx` : ''}`,
    );
  } catch (e) {
    await discardOutputs(files);
    throw e;
  }
}

function formatOfName(path: string): OutputFormat | undefined {
  const m = /\.(u16|u32|jsonl)$/.exec(path);
  return m ? (m[1] as OutputFormat) : undefined;
}

/** The one format the inputs' names say; refuses names that say none, or different ones. */
function formatOfInputs(paths: string[]): OutputFormat {
  let first: { path: string; format: OutputFormat } | undefined;
  for (const path of paths) {
    const format = formatOfName(path);
    if (format === undefined) throw new CliError(`${path}: cannot tell its format from the name (.u16, .u32 or .jsonl): give --format`);
    if (first && format !== first.format) throw new CliError(`mixed formats: ${first.path} is ${first.format} but ${path} is ${format}`);
    first ??= { path, format };
  }
  return first!.format;
}

async function fileSize(path: string, why?: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new CliError(`${path}: ${systemMessage(code, (e as Error).message)}${why && code === 'ENOENT' ? ` (${why})` : ''}`);
  }
  if (info.isDirectory()) throw new CliError(`${path}: is a directory`);
  if (!info.isFile()) throw new CliError(`${path}: not a regular file`);
  return info.size;
}

/** Reads exactly `bytes` bytes of `path` in chunks; a file that changed size is an error. */
async function* chunks(path: string, bytes: number, buffer: Uint8Array, step = buffer.length): AsyncGenerator<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new CliError(`${path}: cannot read: ${systemMessage((e as NodeJS.ErrnoException).code ?? '', (e as Error).message)}`);
  }
  try {
    let done = 0;
    while (done < bytes) {
      const want = Math.min(step, bytes - done);
      let got = 0;
      while (got < want) {
        const n = (await handle.read(buffer, got, want - got, done + got)).bytesRead;
        if (n === 0) throw new CliError(`${path}: ended at byte ${done + got}, expected ${bytes} bytes (the file changed while being read)`);
        got += n;
      }
      yield buffer.subarray(0, want);
      done += want;
    }
  } finally {
    await handle.close();
  }
}

async function copyData(path: string, bytes: number, out: Output, buffer: Uint8Array, progress: Progress): Promise<void> {
  for await (const chunk of chunks(path, bytes, buffer)) {
    await out.write(chunk); // awaited: the buffer is reused by the next read
    progress.add(chunk.length);
  }
}

/**
 * Writes the document starts of one .idx rebased by `base`, checking it against its data file: it
 * starts at 0, never decreases, and ends with the data file's id count. Returns its documents.
 */
async function copyIndex(
  path: string,
  bytes: number,
  ids: number,
  dataPath: string,
  base: number,
  out: Output,
  buffer: Uint8Array,
  progress: Progress,
): Promise<number> {
  const entries = bytes / 8;
  const rebased = new Uint8Array(buffer.length / 2);
  let entry = 0;
  let previous = 0;
  // Half the buffer is read into, the other half written from.
  for await (const chunk of chunks(path, bytes, buffer.subarray(0, buffer.length / 2))) {
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const outView = new DataView(rebased.buffer);
    let written = 0;
    for (let at = 0; at < chunk.length; at += 8, entry++) {
      const value = view.getUint32(at + 4, true) * 0x100000000 + view.getUint32(at, true);
      if (entry === 0 && value !== 0) throw new CliError(`${path}: the first offset is ${value}, expected 0 (not a bytepiece encode index?)`);
      if (value < previous) throw new CliError(`${path}: offset ${entry} (${value}) is below the one before it (${previous}): corrupt index`);
      if (value > ids)
        throw new CliError(`${path}: offset ${entry} (${value}) is past the ${ids} ids of ${dataPath}: the index does not match its data (truncated?)`);
      previous = value;
      if (entry === entries - 1) {
        if (value !== ids)
          throw new CliError(`${path}: ends with the total ${value} but ${dataPath} holds ${ids} ids: the index does not match its data (truncated?)`);
        break; // the closing total: the result gets one at its end
      }
      const v = base + value;
      outView.setUint32(written + 4, Math.floor(v / 0x100000000), true);
      outView.setUint32(written, v % 0x100000000, true);
      written += 8;
    }
    await out.write(rebased.subarray(0, written));
    progress.add(chunk.length);
  }
  return entries - 1;
}

const JSONL_START = new TextEncoder().encode('{"ids":[');
const JSONL_END = new TextEncoder().encode(']}\n');

/** Copies a JSONL encode output: it must start like one and end with a whole line. Returns its lines. */
async function copyJsonl(path: string, bytes: number, out: Output, buffer: Uint8Array, progress: Progress): Promise<number> {
  if (bytes === 0) return 0;
  let lines = 0;
  let first = true;
  let tail: Uint8Array = new Uint8Array(0);
  for await (const chunk of chunks(path, bytes, buffer)) {
    if (first) {
      const head = chunk.subarray(0, JSONL_START.length);
      if (head.length < JSONL_START.length || head.some((b, i) => b !== JSONL_START[i])) {
        throw new CliError(`${path}: does not start with {"ids":[ (not a bytepiece encode JSONL output?)`);
      }
      first = false;
    }
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    tail = concatTail(tail, chunk, JSONL_END.length);
    await out.write(chunk);
    progress.add(chunk.length);
  }
  if (tail.length < JSONL_END.length || tail.some((b, i) => b !== JSONL_END[i])) {
    throw new CliError(`${path}: does not end with a whole {"ids":[…]} line (truncated?)`);
  }
  return lines;
}

/** The last `n` bytes of tail + chunk. */
function concatTail(tail: Uint8Array, chunk: Uint8Array, n: number): Uint8Array {
  if (chunk.length >= n) return chunk.slice(chunk.length - n);
  const both = new Uint8Array(tail.length + chunk.length);
  both.set(tail);
  both.set(chunk, tail.length);
  return both.slice(Math.max(0, both.length - n));
}

/** Little-endian uint64 offsets. */
function offsets(values: number[]): Uint8Array {
  const bytes = new Uint8Array(8 * values.length);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    view.setUint32(8 * i, v % 0x100000000, true);
    view.setUint32(8 * i + 4, Math.floor(v / 0x100000000), true);
  });
  return bytes;
}
