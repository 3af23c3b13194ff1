// The training corpus of a `--shard K/N` share (shard.ts): whole files as documents, or the byte
// range of each file's lines that start in the share, streamed. Errors name the file and the line
// counted from the share's first byte, as `encode --shard` does.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { TrainCorpus } from '../train/corpus.js';
import { decodeUtf8, lineDocuments } from '../train/documents.js';
import type { InputFile } from './input.js';

async function* documents(share: readonly InputFile[], format: 'text' | 'lines' | 'jsonl', field: string | undefined): AsyncGenerator<string> {
  for (const input of share) {
    if (format === 'text') {
      yield decodeUtf8(await readFile(input.path), input.name);
      continue;
    }
    const { start, end } = input.range ?? { start: 0, end: input.size ?? Infinity };
    if (end <= start) continue;
    const name = start === 0 ? input.name : `${input.name} [the shard from byte ${start}]`;
    // createReadStream's end is inclusive.
    yield* lineDocuments(createReadStream(input.path, { start, end: end - 1, highWaterMark: 1 << 20 }), name, format, field);
  }
}

/** The documents of `share` (from shardInputs), re-read on each pass; an empty share has none. */
export function shardCorpus(share: readonly InputFile[], format: 'text' | 'lines' | 'jsonl', field: string | undefined): TrainCorpus {
  return () => documents(share, format, field);
}
