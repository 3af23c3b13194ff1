import type { Tokenizer } from './tokenizer.js';

/**
 * A WHATWG `TransformStream` (browsers, workers, Node, Deno) that turns ids arriving in chunks
 * (`Uint32Array` or `number[]`, e.g. a language model's output) into text. What it emits,
 * concatenated, equals `tokenizer.decode(allIds)` for any split of the ids, and a character is
 * emitted only once all its bytes have arrived (never as U+FFFD while they are still coming).
 * An unknown id errors the stream with the RangeError `decode` would throw.
 *
 * @example
 * ```ts
 * const text = idChunks.pipeThrough(new DecodeStream(tok));
 * for await (const piece of text) output.textContent += piece;
 * ```
 */
export class DecodeStream extends TransformStream<Uint32Array | readonly number[], string> {
  constructor(tokenizer: Tokenizer) {
    const decoder = tokenizer.decoder();
    super({
      transform(chunk, controller) {
        const text = decoder.push(chunk);
        if (text.length > 0) controller.enqueue(text);
      },
      flush(controller) {
        const text = decoder.flush();
        if (text.length > 0) controller.enqueue(text);
      },
    });
  }
}
