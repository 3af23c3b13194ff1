// Probe: native SentencePiece (`spm_encode`, C++) on a converted model, per line as the CLI works.
// Time = process wall time minus the median wall time of the same command on an empty input (the
// cold start: model load), so the figure is encoding speed, like the others. The output ids are
// written to a file and counted (writing them is part of the end-to-end work).
// Argument: one JSON object (see Spec). Prints one JSON line: { records, coldStartMs }.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emit, progress, type ThroughputRecord } from '../lib/contract.js';
import { loadCorpus } from '../lib/corpus.js';
import { median } from '../lib/stats.js';

interface Spec {
  bin: string;
  modelPath: string;
  vocabOf: string;
  corpora: { name: string; path: string }[];
  reps: number;
  tmp: string;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
mkdirSync(spec.tmp, { recursive: true });
const outFile = join(spec.tmp, 'spm-out.txt');

function run(input: string): number {
  const t0 = performance.now();
  const r = spawnSync(spec.bin, [`--model=${spec.modelPath}`, '--output_format=id', `--input=${input}`, `--output=${outFile}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${spec.bin} exited with ${r.status}: ${r.stderr.toString().slice(-500)}`);
  return ms;
}

const empty = join(spec.tmp, 'empty.txt');
writeFileSync(empty, '');
run(empty);
const cold = median(Array.from({ length: spec.reps }, () => run(empty)));

const records: ThroughputRecord[] = [];
for (const c of spec.corpora) {
  progress(`  spm_encode ${spec.vocabOf} ${c.name}`);
  const corpus = loadCorpus(c.name, c.path);
  const input = join(spec.tmp, `${c.name}.txt`);
  writeFileSync(input, corpus.docs.join('\n') + '\n');
  run(input); // warm the page cache
  const tokens = readFileSync(outFile, 'utf8').split(/\s+/).filter((x) => x.length > 0).length;
  const seconds = Array.from({ length: spec.reps }, () => Math.max(1e-3, run(input) - cold) / 1000);
  const m = median(seconds);
  records.push({
    subject: 'spm_encode (native C++)', api: 'per line, CLI', model: `sp:${spec.vocabOf}`, vocabOf: spec.vocabOf,
    corpus: c.name, docs: corpus.docs.length, bytes: corpus.bytes, tokens, seconds,
    mbps: corpus.bytes / m / 1e6, tokensPerSecond: tokens / m, check: 'not checked',
  });
}
emit({ records, coldStartMs: cold });
