// model/: reading a model (zip, JSON scan, binary format) into a Vocabulary and compiling its tables.
/**
 * Thrown when a model cannot be loaded: the message names the problem and where it is
 * (file, JSON key, piece id). `source` is the file or description given to `Tokenizer.load`.
 */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(message: string, readonly source?: string) {
    super(source ? `${source}: ${message}` : message);
  }
}
