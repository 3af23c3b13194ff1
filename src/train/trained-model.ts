/**
 * One trained vocabulary: its pieces in id order, the reference's `.model` text, this package's
 * binary format, and a ready Tokenizer.
 */
import { writeBinaryModel } from '../model/binary-model.js';
import { compileModel } from '../model/compile.js';
import type { Tokenizer } from '../api/tokenizer.js';
import type { Vocabulary } from '../model/vocabulary.js';
import { idOrder, modelText, vocabularyOf } from './model-writer.js';
import { keyToBytes, type PieceCounts } from './piece-set.js';

/** How a trained model makes its Tokenizer (the entry's Tokenizer class, with the trainer's engine). */
export type TokenizerMaker = (vocab: Vocabulary) => Tokenizer;

/** A trained vocabulary (one per size asked for). */
export class TrainedModel {
  /** The size asked for (`maxVocabSize`, counting the 3 special ids). */
  readonly maxVocabSize: number;
  /** Ids in this model: pieces + 3. At most `maxVocabSize`; fewer when the corpus has fewer pieces. */
  readonly vocabSize: number;
  private readonly keys: string[];
  private readonly counts: PieceCounts;
  private readonly makeTokenizer: TokenizerMaker;
  private vocab: Vocabulary | undefined;
  private tok: Tokenizer | undefined;

  /** @internal */
  constructor(maxVocabSize: number, counts: PieceCounts, makeTokenizer: TokenizerMaker) {
    this.maxVocabSize = maxVocabSize;
    this.counts = counts;
    this.keys = idOrder(counts);
    this.vocabSize = this.keys.length + 3;
    this.makeTokenizer = makeTokenizer;
  }

  /** The pieces in id order (id = index + 3), as bytes, with their counts. */
  pieces(): { piece: Uint8Array; count: number }[] {
    return this.keys.map((k) => ({ piece: keyToBytes(k), count: this.counts.get(k)! }));
  }

  /**
   * The model as the reference's `.model` file (SPEC §6.7), byte for byte once written as UTF-8:
   * a JSON object from base64 pieces to `[id, text, count]`, keys in id order, 4-space indents.
   * (A string, not an object: `JSON.stringify(model)` would reorder integer-like keys.)
   */
  toJSON(): string {
    return modelText(this.keys, this.counts);
  }

  /** The model in this package's binary format (see `Tokenizer.toBinary`), for the fastest loading. */
  toBinary(): Uint8Array {
    return writeBinaryModel(compileModel(this.vocabulary(), 'trained model'));
  }

  /** A Tokenizer over this model (made on first use, with the trainer's engine). */
  get tokenizer(): Tokenizer {
    return (this.tok ??= this.makeTokenizer(this.vocabulary()));
  }

  private vocabulary(): Vocabulary {
    return (this.vocab ??= vocabularyOf(this.keys, this.counts));
  }
}
