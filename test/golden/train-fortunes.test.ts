// Parity with the reference trainer on the fortunes corpus (../shared/trainer/fortunes): the
// .model files byte for byte with both engines, and every stage against stages/.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { Trainer } from '../../src/node.js';
import { SHARED } from '../helpers/shared.js';
import { forEachBatch } from '../../src/train/corpus.js';
import { JsTrainKernel, type TrainKernel } from '../../src/train/kernel-js.js';
import { WasmTrainKernel } from '../../src/train/kernel-wasm.js';
import { trainWasmUrl } from '../../src/train/kernel-module.js';
import { fileURLToPath } from 'node:url';
import { keyWidth } from '../../src/train/ngram-count.js';
import { bytesToKey, recordsToCounts } from '../../src/train/piece-set.js';

const DIR = join(SHARED, 'trainer', 'fortunes');
const HAS = existsSync(join(DIR, 'params.json'));
if (!HAS) console.warn(`[bytepiece-wasm tests] ${DIR} not found: SKIPPING the trainer's fortunes parity tests`);

interface Params {
  order: number;
  max_vocab_size: number[];
  max_piece_length: number;
  min_count: number;
  isolate_digits: boolean;
  ensure_unicode: boolean;
  corpora: string[];
  field: string;
  outputs: Record<string, number>;
}
const params = (): Params => JSON.parse(readFileSync(join(DIR, 'params.json'), 'utf8'));

function texts(): string[] {
  const p = params();
  return p.corpora.flatMap((c) =>
    readFileSync(join(SHARED, c), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l)[p.field] as string),
  );
}

const options = (p: Params) => ({
  order: p.order,
  maxVocabSize: p.max_vocab_size,
  maxPieceLength: p.max_piece_length,
  minCount: p.min_count,
  isolateDigits: p.isolate_digits,
  ensureUnicode: p.ensure_unicode,
});

const stageFile = (name: string): Record<string, number> => JSON.parse(gunzipSync(readFileSync(join(DIR, 'stages', name))).toString('utf8'));

describe.skipIf(!HAS)('trainer parity on fortunes', () => {
  const runs = [
    { engine: 'wasm', workers: 1 },
    { engine: 'wasm', workers: 2 },
    { engine: 'wasm', workers: 3 },
    { engine: 'js', workers: 1 },
  ] as const;
  for (const { engine, workers } of runs) {
    it(`writes the reference's .model files byte for byte (${engine} engine, ${workers} worker${workers > 1 ? 's' : ''})`, async () => {
      const p = params();
      const trainer = new Trainer({ ...options(p), engine, workers });
      const models = await trainer.train(texts);
      expect(models.map((m) => m.maxVocabSize)).toEqual([...p.max_vocab_size].sort((a, b) => b - a));
      for (const m of models) {
        const want = readFileSync(join(DIR, `fortunes.model.${m.maxVocabSize}`));
        const got = Buffer.from(m.toJSON(), 'utf8');
        expect(got.equals(want), `fortunes.model.${m.maxVocabSize}`).toBe(true);
        expect(m.vocabSize - 3).toBe(p.outputs[`fortunes.model.${m.maxVocabSize}`]);
      }
      // The ready tokenizer is the model's.
      const tok = models[0]!.tokenizer;
      expect(tok.engine).toBe(engine);
      expect(tok.vocabSize).toBe(models[0]!.vocabSize);
      expect(tok.decode(tok.encode('不错 hello'))).toBe('不错 hello');
    }, 120_000);
  }

  for (const which of ['js', 'wasm'] as const)
    it(`matches every stage of stages/: chunks, n-gram tables, ${which === 'js' ? 'log-probabilities, ' : ''}raw pieces (${which} kernel)`, async () => {
      const p = params();
      const stages = JSON.parse(readFileSync(join(DIR, 'stages', 'stages.json'), 'utf8'));
      const js = new JsTrainKernel(p.order, p.ensure_unicode);
      const kernel: TrainKernel =
        which === 'js' ? js : new WasmTrainKernel(new WebAssembly.Module(readFileSync(fileURLToPath(trainWasmUrl()))), p.order, p.ensure_unicode);
      let chunks = 0;
      const read = await forEachBatch(texts(), p.isolate_digits, (b) => {
        kernel.countNgrams(b);
        chunks += b.count;
      });
      expect(chunks).toBe(stages.segments);
      expect(read.bytes).toBe(stages.segment_bytes);
      const sizes = await kernel.pruneNgrams(p.min_count);
      expect(sizes.rawSizes).toEqual(stages.ngrams_raw_sizes);
      expect(sizes.prunedSizes).toEqual(stages.ngrams_pruned_sizes);
      const model = js.ngramModel!;
      for (let L = 1; which === 'js' && L <= p.order; L++) {
        const want = stageFile(`ngrams_order${L}.json.gz`);
        const table = model.tables[L]!;
        expect(table.size).toBe(Object.keys(want).length);
        const key = new Uint32Array(keyWidth(L));
        let checked = 0;
        for (const [b64, value] of Object.entries(want)) {
          const bytes = Buffer.from(b64, 'base64');
          key.fill(0);
          for (let m = 0; m < L; m++) key[m >> 2]! |= bytes[L - 1 - m]! << (8 * (m & 3));
          const slot = table.find(key, 0);
          if (slot < 0 || !Object.is(table.values[slot], value))
            expect.fail(`order ${L} n-gram ${b64}: ${slot < 0 ? 'absent' : table.values[slot]} != ${value}`);
          checked++;
        }
        expect(checked).toBe(stages.ngrams_pruned_sizes[L]);
      }
      await forEachBatch(texts(), p.isolate_digits, (b) => kernel.countPieces(b));
      const { pieces: records, total } = await kernel.pieces();
      const pieces = recordsToCounts(records);
      expect(pieces.size).toBe(stages.raw_pieces);
      expect(total).toBe(stages.raw_pieces_total_count);
      const want = stageFile('raw_pieces.json.gz');
      for (const [b64, count] of Object.entries(want)) {
        const got = pieces.get(bytesToKey(Buffer.from(b64, 'base64')));
        if (got !== count) expect.fail(`raw piece ${b64}: ${got} != ${count}`);
      }
    }, 120_000);
});
