// One training run on the fortunes parameters in a clean Node process (no tsx), through the
// built package: `node bench/train/run-once.mjs WORKERS ENGINE OUTDIR`. Prints one JSON line:
// wall seconds (corpus read to models written) and whether the models equal the reference's.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { train, fileCorpus } from '../../dist/node.js';

const [workers, engine, out, shared] = [Number(process.argv[2]), process.argv[3], process.argv[4], process.argv[5]];
const dir = join(shared, 'trainer', 'fortunes');
const p = JSON.parse(readFileSync(join(dir, 'params.json'), 'utf8'));
const t0 = performance.now();
const models = await train(
  fileCorpus(
    p.corpora.map((c) => join(shared, c)),
    { format: 'jsonl', field: p.field },
  ),
  {
    order: p.order,
    maxVocabSize: p.max_vocab_size,
    maxPieceLength: p.max_piece_length,
    minCount: p.min_count,
    isolateDigits: p.isolate_digits,
    ensureUnicode: p.ensure_unicode,
    engine,
    workers,
  },
);
let identical = true;
for (const m of models) {
  const text = m.toJSON();
  writeFileSync(join(out, `fortunes.model.${m.maxVocabSize}`), text);
  identical &&= Buffer.from(text).equals(readFileSync(join(dir, `fortunes.model.${m.maxVocabSize}`)));
}
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ seconds, identical, pieces: models.map((m) => m.vocabSize - 3) }));
