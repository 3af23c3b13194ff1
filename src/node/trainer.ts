// The Node Trainer: the trainer as mergeable stages (train-stages.ts) run on this machine, with
// intermediate files in a work folder, counts spilled to disk past a memory budget, the
// WebAssembly kernel on threads; results whose Tokenizers take file paths. The stages are also
// exported one by one, for running them on many machines (examples/dask/).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { availableParallelism } from 'node:os';
import type { Tokenizer as CoreTokenizer } from '../api/tokenizer.js';
import { Trainer as CoreTrainer, type ExternalPieces } from '../train/trainer.js';
import type { TrainedModel } from '../train/trained-model.js';
import { checkOptions, type TrainOptions } from '../train/options.js';
import type { TrainCorpus } from '../train/corpus.js';
import { nodePlatform } from './platform.js';
import { Tokenizer } from './tokenizer.js';
import type { StageHeader } from './stage-file.js';
import { countNgrams, countPieces, loadPieces, mergeCounts, trainKernelModule, trainLocally, workFolder, type LocalCounts } from './train-stages.js';

/** The BytePiece trainer (see the universal entry); its models' Tokenizers take file paths too. */
export class Trainer extends CoreTrainer {
  protected static override defaultWasm = nodePlatform.defaultWasm;
  protected static override trainWasm = async () => trainKernelModule();
  protected static override tokenizerClass: typeof CoreTokenizer = Tokenizer;

  protected static override defaultWorkers(): number {
    return availableParallelism();
  }

  /**
   * Trains on `corpus` (read twice) through the stages: count n-grams, prune them, count pieces,
   * prune pieces. The stages hand their tables over in memory while the counts fit
   * `options.memoryBudget`; past it, sorted runs go to `options.workDir` (default: the OS
   * temporary folder) and are removed at the end.
   */
  override async train(corpus: TrainCorpus): Promise<TrainedModel[]> {
    const o = this.options;
    const progress = o.onProgress ?? (() => {});
    const dir = workFolder(o.workDir ?? tmpdir());
    let counts: LocalCounts;
    try {
      counts = await trainLocally(corpus, o, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const rawPieces = counts.pieces.counts.length;
    const models = await Trainer.modelsFromPieces(counts.pieces, o);
    this.stats = {
      documents: counts.documents,
      bytes: counts.bytes,
      chunks: counts.chunks,
      ngramsRaw: counts.sizes.rawSizes,
      ngramsPruned: counts.sizes.prunedSizes,
      rawPieces,
      rawPiecesTotal: counts.total,
      pieces: models.map((m) => m.vocabSize - 3),
    };
    progress({ stage: 'done', done: 1, total: 1 });
    return models;
  }
}

/** `new Trainer(options).train(corpus)`: one model per size in `options.maxVocabSize`, largest first. */
export function train(corpus: TrainCorpus, options: TrainOptions = {}): Promise<TrainedModel[]> {
  return new Trainer(options).train(corpus);
}

/** A model from an external `{piece: count}` table (SPEC §6; see `Trainer.convertToBytePiece`). */
export function convertToBytePiece(pieces: ExternalPieces, options: { engine?: 'wasm' | 'js' } = {}): Promise<TrainedModel> {
  return Trainer.convertToBytePiece(pieces, options);
}

/**
 * Training stage 1: counts the n-grams of a shard (`order`, `isolateDigits` matter; `workers`,
 * `engine`, `memoryBudget` only change speed and memory) into a count file at `output`.
 */
export function countNgramsStage(corpus: TrainCorpus, output: string, options: TrainOptions = {}): Promise<StageHeader> {
  return countNgrams(corpus, checkOptions(options, availableParallelism()), output);
}

/**
 * Training stage 2 (and 4): merges count files of the same kind and parameters into `output`
 * (any grouping and order gives the same bytes). With `minCount`, n-gram counts are pruned:
 * the final model that stage 3 reads.
 */
export function mergeCountFiles(inputs: readonly string[], output: string, options: { minCount?: number } = {}): Promise<StageHeader> {
  return mergeCounts(inputs, output, options);
}

/** Training stage 3: counts the pieces of a shard, segmented with the pruned n-gram model at `model`. */
export function countPiecesStage(
  corpus: TrainCorpus,
  model: string,
  output: string,
  options: Pick<TrainOptions, 'ensureUnicode' | 'engine' | 'workers' | 'onProgress'> = {},
): Promise<StageHeader> {
  return countPieces(corpus, model, checkOptions(options, availableParallelism()), output);
}

/**
 * Training stage 5: the models from merged piece counts (`maxVocabSize`, `maxPieceLength`,
 * `engine`; the min count is the model's, and `minCount` if given must equal it).
 */
export async function finishStage(
  pieces: string,
  options: Pick<TrainOptions, 'maxVocabSize' | 'maxPieceLength' | 'minCount' | 'engine'> = {},
): Promise<TrainedModel[]> {
  const o = checkOptions(options);
  const loaded = loadPieces(pieces);
  if (options.minCount !== undefined && options.minCount !== loaded.minCount) {
    throw new RangeError(`${pieces}: counted with min count ${loaded.minCount}, not ${options.minCount}`);
  }
  return Trainer.modelsFromPieces(loaded.pieces, { ...o, minCount: loaded.minCount });
}
