// The Node Tokenizer: the universal one, reaching files and the kernel through the Node platform.
import { Tokenizer as CoreTokenizer } from '../api/tokenizer.js';
import { nodePlatform } from './platform.js';

/**
 * A BytePiece tokenizer (see the universal entry); in Node, `load` and `loadSync` also take a
 * file path to a `.model` or `.zip`.
 *
 * @example
 * ```ts
 * import { Tokenizer } from 'bytepiece-wasm';
 * const tok = Tokenizer.loadSync('bytepiece.plus.80k.zip');
 * tok.encode('hello world'); // Uint32Array of ids
 * ```
 */
export class Tokenizer extends CoreTokenizer {
  protected static override platform = nodePlatform;
}
