import type { Tokenizer } from './tokenizer.js';
import { IncrementalEncoder, type StreamEncodeOptions } from './incremental.js';

/**
 * A WHATWG `TransformStream` (browsers, workers, Node, Deno) that encodes one text arriving as
 * string or UTF-8 byte chunks and emits its ids as `Uint32Array` chunks. The ids, concatenated,
 * equal `tokenizer.encode(wholeText, options)` for any chunking. Memory stays flat, however long
 * a line (it is segmented in windows as it arrives), except when sampling (`alpha`: a line is held whole). `addBos` / `addEos` frame the whole stream.
 *
 * @example
 * ```ts
 * const response = await fetch('corpus.txt');
 * for await (const ids of response.body!.pipeThrough(new EncodeStream(tok))) total += ids.length;
 * ```
 */
export class EncodeStream extends TransformStream<string | Uint8Array | ArrayBuffer, Uint32Array> {
  constructor(tokenizer: Tokenizer, options: StreamEncodeOptions = {}) {
    const encoder = new IncrementalEncoder(tokenizer, options);
    super({
      transform(chunk, controller) {
        const ids = encoder.push(chunk);
        if (ids.length > 0) controller.enqueue(ids);
      },
      flush(controller) {
        const ids = encoder.end();
        if (ids.length > 0) controller.enqueue(ids);
      },
    });
  }
}
