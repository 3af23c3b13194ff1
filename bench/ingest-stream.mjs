// Child process of bench/ingest.ts: encodes one file through a stream of the built package and
// prints {bytes, tokens, seconds, maxRssMiB} as JSON. Run alone so its peak RSS is its own.
//   node bench/ingest-stream.mjs MODEL FILE node|web
import { createReadStream, statSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EncodeStream, EncodeTransform, Tokenizer } from '../dist/node.js';

const [model, file, kind] = process.argv.slice(2);
const tok = await Tokenizer.load(model);
const bytes = statSync(file).size;
let tokens = 0;
const started = performance.now();
if (kind === 'node') {
  await pipeline(
    createReadStream(file, { highWaterMark: 1 << 16 }),
    new EncodeTransform(tok),
    new Writable({
      objectMode: true,
      write(ids, _enc, done) {
        tokens += ids.length;
        done();
      },
    }),
  );
} else if (kind === 'web') {
  const reader = Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 16 }))
    .pipeThrough(new EncodeStream(tok))
    .getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) tokens += r.value.length;
} else throw new Error(`kind must be node or web, got ${kind}`);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ bytes, tokens, seconds, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
