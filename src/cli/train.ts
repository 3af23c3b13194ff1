// `bytepiece train FILES… --vocab N[,M…] -o PREFIX`: the trainer (src/node/trainer.ts) on files or
// stdin, writing one model per size as the reference names them (one size → PREFIX, several →
// PREFIX.<size>), each through a temporary file renamed only when every model is written.

import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Trainer } from '../node/trainer.js';
import { fileCorpus } from '../node/train-files.js';
import { MIN_VOCAB_SIZE, type TrainProgress } from '../train/options.js';
import { CliError, trackTemporary, untrackTemporary } from './errors.js';
import { checkInputs } from './input.js';
import { TempFileOutput, commitOutputs, discardOutputs } from './output.js';
import { Progress, duration, peakRssMiB } from './progress.js';

export interface TrainCliOptions {
  vocab: number[];
  order?: number;
  minCount?: number;
  maxPieceLength?: number;
  isolateDigits?: boolean;
  ensureUnicode: boolean;
  jsonl?: boolean;
  lines?: boolean;
  field?: string;
  workers?: number;
  /** MiB of n-gram counts held in memory before a sorted run is spilled to disk. */
  memory?: number;
  format: 'json' | 'binary';
  engine: 'wasm' | 'js';
  output: string;
  quiet?: boolean;
  progressInterval: number;
}

/** Commander parser of `--vocab 8000,4000`: sizes of at least 259, each once. */
export function vocabSizes(value: string): number[] {
  const sizes: number[] = [];
  for (const part of value.split(',')) {
    const n = Number(part);
    if (!/^\d+$/.test(part.trim()) || !Number.isSafeInteger(n))
      throw new CliError(`--vocab must be sizes separated by commas (e.g. 8000,4000), got ${JSON.stringify(value)}`);
    if (n < MIN_VOCAB_SIZE) throw new CliError(`--vocab: each size must be at least ${MIN_VOCAB_SIZE} (256 single bytes + 3 special ids), got ${n}`);
    if (sizes.includes(n)) throw new CliError(`--vocab lists ${n} twice`);
    sizes.push(n);
  }
  return sizes;
}

/** The reference's file naming: one size → PREFIX; several → PREFIX.<size>. */
export function modelPaths(prefix: string, sizes: readonly number[]): Map<number, string> {
  return new Map(sizes.map((s) => [s, sizes.length === 1 ? prefix : `${prefix}.${s}`]));
}

/**
 * stdin is read once but the trainer passes over the corpus twice: copy it to a temporary file
 * (removed at the end, on failure and on Ctrl-C).
 */
async function spoolStdin(): Promise<string> {
  const path = join(tmpdir(), `.bytepiece-train-stdin.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  trackTemporary(path);
  await pipeline(process.stdin, createWriteStream(path, { flags: 'wx' }));
  return path;
}

/** Stage lines from the trainer's onProgress: a bar (TTY) or periodic lines for the counting passes. */
export function stageReporter(options: TrainCliOptions): { onProgress: (p: TrainProgress) => void; stop: () => void } {
  let stage = '';
  let bar: Progress | undefined;
  let last = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  const onProgress = (p: TrainProgress) => {
    if (p.stage !== stage) {
      stop();
      stage = p.stage;
      last = 0;
      if (p.stage === 'done') return;
      if (!options.quiet) process.stderr.write(`bytepiece: train: ${p.stage.replace('-', ' ')}\n`);
      if (p.stage === 'count-ngrams' || p.stage === 'count-pieces') {
        bar = new Progress(p.total, { quiet: !!options.quiet, interval: options.progressInterval, verb: `train: ${p.stage.replace('-', ' ')}` });
      }
    }
    if (bar && p.done > last) {
      bar.add(p.done - last);
      last = p.done;
    }
  };
  return { onProgress, stop };
}

export async function trainCommand(inputs: string[], options: TrainCliOptions): Promise<void> {
  if (options.jsonl && options.lines) throw new CliError('--jsonl and --lines exclude each other');
  if (options.field !== undefined && !options.jsonl) throw new CliError('--field only applies with --jsonl');
  if (inputs.length === 0) {
    if (process.stdin.isTTY) throw new CliError('no input: give FILES, or - to read stdin');
    inputs = ['-'];
  }
  const checked = await checkInputs(inputs);
  const started = performance.now();
  const paths = modelPaths(options.output, options.vocab);
  const outputs = new Map<number, TempFileOutput>();
  let stdinCopy: string | undefined;
  let workDir: string | undefined;
  const reporter = stageReporter(options);
  try {
    // Outputs first: a bad -o fails before the training, not after it.
    for (const [size, path] of paths) outputs.set(size, await TempFileOutput.create(path));
    if (checked.some((i) => i.path === '-')) stdinCopy = await spoolStdin();
    const files = checked.map((i) => (i.path === '-' ? stdinCopy! : i.path));
    const corpus = fileCorpus(files, { format: options.jsonl ? 'jsonl' : options.lines ? 'lines' : 'text', field: options.field });
    // The stages' intermediate files, removed at the end (and on Ctrl-C).
    workDir = mkdtempSync(join(tmpdir(), '.bytepiece-train-'));
    trackTemporary(workDir);
    let models;
    try {
      models = await new Trainer({
        maxVocabSize: options.vocab,
        order: options.order,
        minCount: options.minCount,
        maxPieceLength: options.maxPieceLength,
        isolateDigits: !!options.isolateDigits,
        ensureUnicode: options.ensureUnicode,
        engine: options.engine,
        workers: options.workers,
        memoryBudget: options.memory === undefined ? undefined : options.memory * 2 ** 20,
        workDir,
        onProgress: reporter.onProgress,
      }).train(corpus);
    } catch (e) {
      // Messages name the file; the stdin copy is "stdin" to the user.
      const message = (e as Error).message ?? String(e);
      throw new CliError(stdinCopy ? message.split(stdinCopy).join('stdin') : message);
    } finally {
      reporter.stop();
    }
    for (const model of models) {
      const out = outputs.get(model.maxVocabSize)!;
      await out.write(options.format === 'binary' ? model.toBinary() : new TextEncoder().encode(model.toJSON()));
      await out.close();
    }
    await commitOutputs([...outputs.values()]);
    if (!options.quiet) {
      const seconds = (performance.now() - started) / 1000;
      const written = models.map((m) => `${paths.get(m.maxVocabSize)} (${m.vocabSize - 3} pieces)`).join(', ');
      process.stderr.write(`bytepiece: trained in ${duration(seconds)} (${seconds.toFixed(1)} s): ${written}; peak RSS ${peakRssMiB()} MiB\n`);
    }
  } catch (e) {
    await discardOutputs([...outputs.values()]);
    throw e;
  } finally {
    if (workDir) {
      rmSync(workDir, { recursive: true, force: true });
      untrackTemporary(workDir);
    }
    if (stdinCopy) {
      await rm(stdinCopy, { force: true });
      untrackTemporary(stdinCopy);
    }
  }
}
