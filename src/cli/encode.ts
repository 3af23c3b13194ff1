// `bytepiece encode`: inputs → blocks → worker pool → ordered output (+ .idx), written to a
// temporary file renamed into place on success.

import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { loadSharedModel, SharedModelTokenizer } from '../node/shared-model.js';
import { ThreadPool } from '../node/thread-pool.js';
import { mixSeed } from '../api/sampling-support.js';
import type { BlockJob, BlockResult, InputMode, OutputFormat } from './block.js';
import { LongLine, longLineBytes, recordTooLong, type LongLineOptions } from './long-line.js';
import { CliError, describeError } from './errors.js';
import { checkInputs, readBlocks, type InputFile } from './input.js';
import { parseShard, shardInputs } from './shard.js';
import { commitOutputs, discardOutputs, StdoutOutput, TempFileOutput, type Output } from './output.js';
import { Progress, peakRssMiB } from './progress.js';
import { SharedBuffers } from './shared-buffers.js';
import { checkModelPath, checkSamplingFlags, checkU16, type CommonOptions } from './options.js';
import { count, rate, seconds as formatSeconds, size } from './units.js';
import { DEFAULT_MODEL } from '../model/default-model.js';

export interface EncodeOptions extends CommonOptions {
  output?: string;
  format: OutputFormat;
  lines?: boolean;
  jsonl?: boolean;
  field?: string;
  workers?: number;
  alpha?: number;
  seed?: number;
  addBos?: boolean;
  addEos?: boolean;
  blockSize: number;
  /** `K/N`: encode only the K-th of N shares of the inputs (see shard.ts). */
  shard?: string;
}

const BOS = 1;
const EOS = 2;

export async function encodeCommand(paths: string[], options: EncodeOptions): Promise<void> {
  const mode: InputMode = options.jsonl ? 'jsonl' : options.lines ? 'lines' : 'doc';
  if (options.jsonl && options.lines) throw new CliError('--lines and --jsonl exclude each other');
  if (options.field !== undefined && !options.jsonl) throw new CliError('--field only applies with --jsonl');
  const field = options.field ?? 'text';
  const binary = options.format !== 'jsonl';
  if (binary && options.output === undefined) {
    throw new CliError(`--format ${options.format} writes OUT and OUT.idx: give the output path with -o OUT`);
  }
  checkSamplingFlags(options.alpha, options.seed);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  // Seeded samples depend on the block cuts, which a shard moves: its concat would not be the whole.
  if (shard && options.seed !== undefined)
    throw new CliError('--shard cannot be combined with --seed (a seeded sample depends on where blocks are cut, which shards change)');
  if (paths.length === 0) {
    if (process.stdin.isTTY) throw new CliError('no input: give files (or -), or pipe text into stdin');
    paths = ['-'];
  }
  const all = await checkInputs(paths);
  await checkModelPath(options.model);
  const model = options.model ?? DEFAULT_MODEL;
  if (options.output !== undefined) {
    const out = resolve(options.output);
    const clash = all.find((input) => input.path !== '-' && resolve(input.path) === out);
    if (clash) throw new CliError(`${options.output} is also an input: write the output elsewhere`);
    if (binary && all.some((input) => input.path !== '-' && resolve(input.path) === `${out}.idx`)) {
      throw new CliError(`${options.output}.idx is also an input: write the output elsewhere`);
    }
  }
  const inputs = shard ? await shardInputs(all, mode, shard) : all;

  // Outputs are created before the (slow) model load, so an unwritable path fails at once.
  const files: TempFileOutput[] = [];
  let pool: ThreadPool<BlockJob, BlockResult> | undefined;
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

    const threads = options.workers ?? availableParallelism();
    const shared = await loadSharedModel(model, { engine: options.engine, loneSurrogates: options.lossy ? 'replace' : 'error' });
    if (options.format === 'u16') checkU16(shared.model.vocab.vocabSize, model);
    pool = await ThreadPool.start<BlockJob, BlockResult>({
      label: 'bytepiece encode',
      taskNoun: 'block',
      script: { js: new URL('./block-worker.js', import.meta.url), ts: new URL('./block-worker.ts', import.meta.url) },
      workerData: shared,
      threads,
    });

    const total = inputs.every((input) => input.size !== undefined) ? inputs.reduce((sum, input) => sum + inputBytes(input), 0) : undefined;
    const progress = new Progress(total, { quiet: options.quiet === true, interval: options.progressInterval, verb: 'encode' });
    const writer = new OrderedWriter(main, index, options, mode, progress);
    // Bounded memory: at most maxInFlight blocks are read and not yet written (a result that comes
    // back early waits for the ones before it, still counted), and their input and output buffers
    // are recycled. Writes wait for the disk or the stdout reader, so a slow consumer stops the
    // reading (test/golden/cli.test.ts checks it).
    const maxInFlight = 2 * threads + 2;
    const inputBuffers = new SharedBuffers(options.blockSize, maxInFlight + 1);
    const outputBuffers = new SharedBuffers(outputCapacity(options.format, options.blockSize), maxInFlight);
    const queue: Entry[] = [];
    let blocks = 0;

    const settle = async () => {
      const entry = queue.shift()!;
      await writer.handle(entry);
      if (entry.kind !== 'block') return;
      blocks--;
      // Written (the writes are awaited): both buffers can take another block.
      if (!entry.job) return; // a part of a long line: its buffers went back when it was encoded
      const { data } = await entry.result;
      if (data.buffer !== entry.out!.buffer) outputBuffers.grow(1.5 * data.byteLength, 16 * outputCapacity(options.format, options.blockSize));
      inputBuffers.give(entry.job.bytes);
      outputBuffers.give(entry.out);
    };
    let jobIndex = 0;
    // A line longer than longLines comes in parts, encoded in order here (long-line.ts); a JSONL
    // record that long is an error (it is parsed whole).
    const longLines = longLineBytes(mode, options.blockSize);
    let lineTokenizer: SharedModelTokenizer | undefined;
    let line: LongLine | undefined;
    reading: for (const input of inputs) {
      queue.push({ kind: 'start', input });
      for await (const block of readBlocks(input, mode, options.blockSize, (n) => inputBuffers.take(n), longLines)) {
        while (blocks >= maxInFlight) await settle();
        if (block.part) {
          let result: Promise<BlockResult>;
          try {
            if (mode === 'jsonl') throw recordTooLong(block.offset);
            if (block.part.first) {
              lineTokenizer ??= SharedModelTokenizer.fromShared(shared);
              const lineOptions: LongLineOptions = {
                mode,
                format: options.format,
                addBos: options.addBos === true,
                addEos: options.addEos === true,
                lossy: options.lossy === true,
                offset: block.offset,
              };
              if (options.alpha !== undefined) lineOptions.alpha = options.alpha;
              if (options.seed !== undefined) lineOptions.seed = mixSeed(mixSeed(options.seed, jobIndex), 0); // as a block's first document
              line = new LongLine(lineTokenizer, lineOptions);
            }
            result = Promise.resolve(line!.part(block.bytes, block.part.last));
          } catch (e) {
            result = Promise.reject(e as Error);
            result.catch(() => {}); // handled in order by the writer
          }
          inputBuffers.give(block.bytes); // encoded (the encoder keeps copies of what it holds)
          jobIndex++;
          queue.push({ kind: 'block', input, bytes: block.bytes.length, result });
          blocks++;
          // A failed part ends the run: what came before it is written, then its error is thrown.
          if (await isRejected(result)) break reading;
          continue;
        }
        const job: BlockJob = {
          bytes: block.bytes,
          mode,
          field,
          format: options.format,
          addBos: options.addBos === true,
          addEos: options.addEos === true,
          lossy: options.lossy === true,
          fileOffset: block.offset,
          stripBom: mode === 'jsonl' && block.offset === 0,
          out: outputBuffers.take(),
        };
        if (options.alpha !== undefined) job.alpha = options.alpha;
        if (options.seed !== undefined) job.seed = mixSeed(options.seed, jobIndex);
        jobIndex++;
        const result = pool.run(job);
        result.catch(() => {}); // handled in order by the writer
        queue.push({ kind: 'block', input, bytes: block.bytes.length, result, job, out: job.out! });
        blocks++;
      }
      queue.push({ kind: 'end', input });
    }
    while (queue.length > 0) await settle();
    await writer.finish();
    await pool.close();
    pool = undefined;
    await commitOutputs(files);

    const seconds = progress.seconds;
    const where = options.output ?? 'stdout';
    const idx = index ? ` and ${options.output}.idx` : '';
    progress.finish(
      `encoded ${count(writer.documents, 'document')}, ${size(writer.bytes)} → ` +
        `${count(writer.tokens, 'token')} (${writer.tokens > 0 ? (writer.textBytes / writer.tokens).toFixed(2) : '-'} bytes/token) ` +
        `in ${formatSeconds(seconds)}, ${rate(writer.bytes, seconds)}, ${count(threads, 'worker')}, ` +
        `peak RSS ${peakRssMiB()} MiB; wrote ${where}${idx}`,
    );
  } catch (e) {
    await pool?.terminate();
    await discardOutputs(files);
    throw e;
  }
}

/** Whether a promise is rejected (it is settled: made by Promise.resolve or reject). */
async function isRejected(promise: Promise<unknown>): Promise<boolean> {
  return promise.then(
    () => false,
    () => true,
  );
}

/** Bytes of an input that are read (all of it, or its shard's range). */
function inputBytes(input: InputFile): number {
  return input.range ? input.range.end - input.range.start : input.size!;
}

/** Output buffer size for a block of `blockSize` bytes: room for 0.5 ids per byte (typical: ~0.3). */
function outputCapacity(format: OutputFormat, blockSize: number): number {
  return format === 'jsonl' ? 3 * blockSize + 4096 : format === 'u32' ? 2 * blockSize + 4096 : blockSize + 4096;
}

type Entry =
  | { kind: 'start'; input: InputFile }
  /** A block sent to the pool (`job`, `out`: its recycled buffers), or a part of a long line (encoded here). */
  | { kind: 'block'; input: InputFile; bytes: number; result: Promise<BlockResult>; job?: BlockJob; out?: Uint8Array }
  | { kind: 'end'; input: InputFile };

/**
 * Writes results in input order. In doc mode one document spans a file's blocks, so the framing
 * (`{"ids":[` … `]}`, `<bos>`, `<eos>`) is written here; in lines/jsonl modes blocks hold whole
 * documents, framed by the workers.
 */
class OrderedWriter {
  documents = 0;
  tokens = 0;
  bytes = 0;
  textBytes = 0;
  private linesBefore = 0;
  private needComma = false;
  private readonly encoder = new TextEncoder();
  private readonly width: number;

  constructor(
    private readonly out: Output,
    private readonly index: Output | undefined,
    private readonly options: EncodeOptions,
    private readonly mode: InputMode,
    private readonly progress: Progress,
  ) {
    this.width = options.format === 'u16' ? 2 : 4;
  }

  async handle(entry: Entry): Promise<void> {
    if (entry.kind === 'start') {
      this.linesBefore = 0;
      if (this.mode === 'doc') await this.startDocument();
      return;
    }
    if (entry.kind === 'end') {
      if (this.mode === 'doc') await this.endDocument();
      return;
    }
    let result: BlockResult;
    try {
      result = await entry.result;
    } catch (e) {
      const line = (e as { line?: number }).line;
      const start = entry.input.range?.start ?? 0;
      // A share that starts inside a file does not know its line numbers: it counts from its start.
      const where = !line
        ? entry.input.name
        : start === 0
          ? `${entry.input.name}:${this.linesBefore + line}`
          : `${entry.input.name}: line ${this.linesBefore + line} of the shard starting at byte ${start}`;
      throw new CliError(`${where}: ${describeError(e)}`);
    }
    this.linesBefore += result.lines;
    this.bytes += entry.bytes;
    this.textBytes += result.textBytes;
    if (this.mode === 'doc') {
      if (result.data.length > 0) {
        if (this.options.format === 'jsonl' && this.needComma) await this.out.write(this.ascii(','));
        await this.out.write(result.data);
        this.needComma = true;
      }
      this.tokens += result.tokens;
    } else {
      await this.out.write(result.data);
      if (this.index) {
        this.tokens += result.carriedTokens ?? 0;
        await this.writeOffsets(result.docTokens);
      } else this.tokens += result.tokens;
      this.documents += result.docTokens.length;
    }
    this.progress.add(entry.bytes);
  }

  async finish(): Promise<void> {
    if (this.index) await this.index.write(offsetBytes([this.tokens]));
    await this.out.close();
    await this.index?.close();
  }

  private async startDocument(): Promise<void> {
    this.documents++;
    const bos = this.options.addBos === true;
    if (this.options.format === 'jsonl') {
      await this.out.write(this.ascii(bos ? `{"ids":[${BOS}` : '{"ids":['));
      this.needComma = bos;
    } else {
      await this.index!.write(offsetBytes([this.tokens]));
      if (bos) await this.out.write(this.ids([BOS]));
    }
    if (bos) this.tokens++;
  }

  private async endDocument(): Promise<void> {
    if (this.options.format === 'jsonl') {
      const eos = this.options.addEos === true;
      await this.out.write(this.ascii(`${eos ? (this.needComma ? `,${EOS}` : `${EOS}`) : ''}]}\n`));
      if (eos) this.tokens++;
    } else {
      await this.out.write(this.ids([EOS])); // one <eos> ends every document in the binary formats
      this.tokens++;
    }
  }

  private async writeOffsets(docTokens: Uint32Array): Promise<void> {
    const starts: number[] = new Array(docTokens.length);
    for (let d = 0; d < docTokens.length; d++) {
      starts[d] = this.tokens;
      this.tokens += docTokens[d]!;
    }
    await this.index!.write(offsetBytes(starts));
  }

  private ascii(s: string): Uint8Array {
    return this.encoder.encode(s);
  }

  private ids(values: number[]): Uint8Array {
    const bytes = new Uint8Array(values.length * this.width);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => (this.width === 2 ? view.setUint16(2 * i, v, true) : view.setUint32(4 * i, v, true)));
    return bytes;
  }
}

/** Little-endian uint64 offsets (exact up to 2^53 tokens). */
function offsetBytes(values: number[]): Uint8Array {
  const bytes = new Uint8Array(8 * values.length);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    view.setUint32(8 * i, v % 0x100000000, true);
    view.setUint32(8 * i + 4, Math.floor(v / 0x100000000), true);
  }
  return bytes;
}
