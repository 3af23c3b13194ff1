// The Node Trainer: the universal one, with both kernels read from disk next to this module and
// results whose Tokenizers take file paths.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tokenizer as CoreTokenizer } from '../api/tokenizer.js';
import { Trainer as CoreTrainer, type ExternalPieces } from '../train/trainer.js';
import type { TrainedModel } from '../train/trained-model.js';
import type { TrainOptions } from '../train/options.js';
import type { TrainCorpus } from '../train/corpus.js';
import { trainWasmUrl } from '../train/kernel-module.js';
import { availableParallelism } from 'node:os';
import type { CheckedOptions } from '../train/options.js';
import type { TrainKernel } from '../train/kernel-js.js';
import { WASM_MAX_ORDER } from '../train/kernel-wasm.js';
import { nodePlatform } from './platform.js';
import { TrainThreads } from './train-threads.js';
import { Tokenizer } from './tokenizer.js';

let trainKernel: WebAssembly.Module | undefined;

/** The BytePiece trainer (see the universal entry); its models' Tokenizers take file paths too. */
export class Trainer extends CoreTrainer {
  protected static override defaultWasm = nodePlatform.defaultWasm;
  protected static override trainWasm = async () => (trainKernel ??= new WebAssembly.Module(readFileSync(fileURLToPath(trainWasmUrl()))));
  protected static override tokenizerClass: typeof CoreTokenizer = Tokenizer;

  protected static override defaultWorkers(): number {
    return availableParallelism();
  }

  /** With workers > 1, the WebAssembly kernel on that many threads (the JS twin runs on this one). */
  protected static override async kernel(o: CheckedOptions): Promise<TrainKernel> {
    if (o.workers > 1 && o.engine === 'wasm' && o.order <= WASM_MAX_ORDER) {
      return TrainThreads.start(await this.trainWasm(), o.order, o.ensureUnicode, o.workers);
    }
    return super.kernel({ ...o, workers: 1 });
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
