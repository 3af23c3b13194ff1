import { Transform, type TransformCallback } from 'node:stream';
import type { Tokenizer } from '../api/tokenizer.js';
import { IncrementalEncoder, type StreamEncodeOptions } from '../api/incremental.js';

/**
 * A Node `Transform` that encodes one text written as strings or UTF-8 bytes (Buffers, e.g. from
 * `fs.createReadStream`) and pushes its ids as `Uint32Array` objects. The ids, concatenated, equal
 * `tokenizer.encode(wholeText, options)` for any chunking. Memory stays flat: a line with no `\n`
 * in sight is segmented in windows as it arrives (a 1 GB line: ~305 MB peak RSS), except when
 * sampling (`alpha`), which holds a line whole. `addBos` / `addEos` frame the whole stream.
 *
 * @example
 * ```ts
 * await pipeline(createReadStream('corpus.txt'), new EncodeTransform(tok), async (ids) => {
 *   for await (const chunk of ids) count += chunk.length;
 * });
 * ```
 */
export class EncodeTransform extends Transform {
  private readonly encoder: IncrementalEncoder;

  constructor(tokenizer: Tokenizer, options: StreamEncodeOptions = {}) {
    super({ writableObjectMode: true, readableObjectMode: true });
    this.encoder = new IncrementalEncoder(tokenizer, options);
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const ids = this.encoder.push(chunk as string | Uint8Array);
      if (ids.length > 0) this.push(ids);
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      const ids = this.encoder.end();
      if (ids.length > 0) this.push(ids);
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }
}
