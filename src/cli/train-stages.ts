// The trainer's stages on the command line, for running them on many machines (examples/dask/):
//   bytepiece count-ngrams SHARD… -o S.ngrams      bytepiece merge-counts A B … [--min-count N] -o M
//   bytepiece count-pieces SHARD… --model M -o S.pieces      bytepiece finish-training P --vocab … -o PREFIX
// Each writes its file under a temporary name renamed when complete (a failed task leaves
// nothing that looks complete; a rerun overwrites). `bytepiece train` runs the same stages.
import { availableParallelism } from 'node:os';
import { countNgramsStage, countPiecesStage, finishStage, mergeCountFiles } from '../node/trainer.js';
import { fileCorpus } from '../node/train-files.js';
import type { TrainedModel } from '../train/trained-model.js';
import { CliError } from './errors.js';
import { checkInputs } from './input.js';
import { parseShard, shardInputs } from './shard.js';
import { shardCorpus } from './shard-corpus.js';
import type { TrainCorpus } from '../train/corpus.js';
import { TempFileOutput, commitOutputs, discardOutputs } from './output.js';
import { duration, peakRssMiB } from './progress.js';
import { modelPaths, stageReporter, type TrainCliOptions } from './train.js';

type StageCliOptions = Partial<TrainCliOptions> & { output: string; progressInterval: number; model?: string; memory?: number; shard?: string };

/**
 * The corpus of a counting stage: files, a `--shard K/N` share of them (the byte ranges
 * `encode --shard` takes, so a task reads only its share), or stdin (read once: each stage passes
 * over its shard once).
 */
async function corpusOf(inputs: string[], o: StageCliOptions): Promise<TrainCorpus> {
  if (o.jsonl && o.lines) throw new CliError('--jsonl and --lines exclude each other');
  if (o.field !== undefined && !o.jsonl) throw new CliError('--field only applies with --jsonl');
  const shard = o.shard === undefined ? undefined : parseShard(o.shard);
  if (inputs.length === 0) {
    if (shard) throw new CliError('--shard needs input files (a share of stdin cannot be cut without reading all of it)');
    if (process.stdin.isTTY) throw new CliError('no input: give FILES, or - to read stdin');
    inputs = ['-'];
  }
  const format = o.jsonl ? 'jsonl' : o.lines ? 'lines' : 'text';
  const checked = await checkInputs(inputs);
  if (!shard)
    return fileCorpus(
      checked.map((i) => (i.path === '-' ? '/dev/stdin' : i.path)),
      { format, field: o.field },
    );
  const share = await shardInputs(checked, format === 'text' ? 'doc' : format, shard);
  return shardCorpus(share, format, o.field);
}

/** Runs a stage; its errors become one-line CLI errors; a summary line unless quiet. */
async function stage<T>(name: string, o: { quiet?: boolean }, run: () => Promise<T>, summary: (t: T) => string): Promise<void> {
  const started = performance.now();
  let result: T;
  try {
    result = await run();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message ?? String(e));
  }
  if (!o.quiet) {
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`bytepiece: ${name} in ${duration(seconds)} (${seconds.toFixed(1)} s): ${summary(result)}; peak RSS ${peakRssMiB()} MiB\n`);
  }
}

export async function countNgramsCommand(inputs: string[], o: StageCliOptions): Promise<void> {
  const corpus = await corpusOf(inputs, o);
  const reporter = stageReporter({ quiet: o.quiet, progressInterval: o.progressInterval } as TrainCliOptions);
  await stage(
    'count-ngrams',
    o,
    async () => {
      try {
        return await countNgramsStage(corpus, o.output, {
          order: o.order,
          isolateDigits: !!o.isolateDigits,
          engine: o.engine,
          workers: o.workers ?? availableParallelism(),
          memoryBudget: o.memory === undefined ? undefined : o.memory * 2 ** 20,
          onProgress: reporter.onProgress,
        });
      } finally {
        reporter.stop();
      }
    },
    (h) => `${h.documents.toLocaleString('en-US')} documents, ${h.bytes.toLocaleString('en-US')} bytes → ${o.output}`,
  );
}

export async function mergeCountsCommand(inputs: string[], o: StageCliOptions & { minCount?: number }): Promise<void> {
  if (inputs.length === 0) throw new CliError('merge-counts: give the count files to merge');
  await stage(
    'merge-counts',
    o,
    () => mergeCountFiles(inputs, o.output, { minCount: o.minCount }),
    (h) => `${inputs.length} file(s), ${h.documents.toLocaleString('en-US')} documents${o.minCount ? `, pruned at min count ${o.minCount}` : ''} → ${o.output}`,
  );
}

export async function countPiecesCommand(inputs: string[], o: StageCliOptions): Promise<void> {
  if (!o.model) throw new CliError('count-pieces: --model (the pruned n-gram counts) is required');
  const corpus = await corpusOf(inputs, o);
  const reporter = stageReporter({ quiet: o.quiet, progressInterval: o.progressInterval } as TrainCliOptions);
  await stage(
    'count-pieces',
    o,
    async () => {
      try {
        return await countPiecesStage(corpus, o.model!, o.output, {
          ensureUnicode: o.ensureUnicode,
          engine: o.engine,
          workers: o.workers ?? availableParallelism(),
          onProgress: reporter.onProgress,
        });
      } finally {
        reporter.stop();
      }
    },
    (h) => `${h.documents.toLocaleString('en-US')} documents, ${h.bytes.toLocaleString('en-US')} bytes → ${o.output}`,
  );
}

export async function finishTrainingCommand(pieces: string, o: StageCliOptions & { vocab: number[]; format: 'json' | 'binary' }): Promise<void> {
  const paths = modelPaths(o.output, o.vocab);
  const outputs = new Map<number, TempFileOutput>();
  try {
    for (const [size, path] of paths) outputs.set(size, await TempFileOutput.create(path));
    let models: TrainedModel[] = [];
    await stage(
      'finish-training',
      o,
      async () => {
        models = await finishStage(pieces, { maxVocabSize: o.vocab, maxPieceLength: o.maxPieceLength, minCount: o.minCount, engine: o.engine });
        for (const model of models) {
          const out = outputs.get(model.maxVocabSize)!;
          await out.write(o.format === 'binary' ? model.toBinary() : new TextEncoder().encode(model.toJSON()));
          await out.close();
        }
        await commitOutputs([...outputs.values()]);
        return models;
      },
      (ms) => ms.map((m) => `${paths.get(m.maxVocabSize)} (${m.vocabSize - 3} pieces)`).join(', '),
    );
  } catch (e) {
    await discardOutputs([...outputs.values()]);
    throw e;
  }
}
