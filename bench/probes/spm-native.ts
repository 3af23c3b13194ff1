// Probe: native SentencePiece (`spm_encode`, C++) on a converted model, per line as the CLI works.
// Time = process wall time minus the wall time of the same command on an empty input run just
// before it (the cold start: model load), so the figure is encoding speed, like the others. The output ids are
// written to a file and counted (writing them is part of the end-to-end work). With `pair`, our
// WASM engine's passes alternate with the spm_encode runs, for a side-by-side ratio.
// Argument: one JSON object (see Spec). Prints one JSON line: { records, coldStartMs }.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emit, progress, type ThroughputRecord } from '../lib/contract.js';
import { loadCorpus } from '../lib/corpus.js';
import { median } from '../lib/stats.js';
import { openOurs, pairKey, type Subject } from '../lib/subjects.js';

interface Spec {
  bin: string;
  modelPath: string;
  vocabOf: string;
  corpora: { name: string; path: string }[];
  reps: number;
  tmp: string;
  pair?: { pkg: string; model: string; modelPath: string };
}

const spec = JSON.parse(process.argv[2]!) as Spec;
mkdirSync(spec.tmp, { recursive: true });
const outFile = join(spec.tmp, 'spm-out.txt');

function run(input: string): number {
  const t0 = performance.now();
  const r = spawnSync(spec.bin, [`--model=${spec.modelPath}`, '--output_format=id', `--input=${input}`, `--output=${outFile}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${spec.bin} exited with ${r.status}: ${r.stderr.toString().slice(-500)}`);
  return ms;
}

const empty = join(spec.tmp, 'empty.txt');
writeFileSync(empty, '');
run(empty);
const cold = median(Array.from({ length: spec.reps }, () => run(empty)));

const ours: Subject | undefined = spec.pair ? await openOurs(spec.pair.pkg, spec.pair.model, spec.pair.modelPath) : undefined;
const gc = (globalThis as { gc?: () => void }).gc;
const SUBJECT = 'spm_encode (native C++)';
const API = 'per line, CLI';
const records: ThroughputRecord[] = [];
for (const c of spec.corpora) {
  progress(`  spm_encode ${spec.vocabOf} ${c.name}`);
  const corpus = loadCorpus(c.name, c.path);
  const input = join(spec.tmp, `${c.name}.txt`);
  writeFileSync(input, corpus.docs.join('\n') + '\n');
  run(input); // warm the page cache
  const tokens = readFileSync(outFile, 'utf8')
    .split(/\s+/)
    .filter((x) => x.length > 0).length;
  const seconds: number[] = [];
  const ourSeconds: number[] = [];
  let ourTokens = 0;
  const ourPass = () => {
    let n = 0;
    for (const d of corpus.docs) n += ours!.count(d);
    return n;
  };
  if (ours) ourPass(); // warm-up
  for (let r = 0; r < spec.reps; r++) {
    // Each timing minus a cold start measured right before it, so drifting load cancels out.
    const coldNow = run(empty);
    seconds.push(Math.max(1e-3, run(input) - coldNow) / 1000);
    if (!ours) continue;
    gc?.();
    const t0 = performance.now();
    ourTokens = ourPass();
    ourSeconds.push((performance.now() - t0) / 1000);
  }
  const record = (subject: string, api: string, model: string, s: number[], n: number): ThroughputRecord => ({
    subject,
    api,
    model,
    corpus: c.name,
    docs: corpus.docs.length,
    bytes: corpus.bytes,
    tokens: n,
    seconds: s,
    mbps: corpus.bytes / median(s) / 1e6,
    tokensPerSecond: n / median(s),
    check: 'not checked',
  });
  records.push({ ...record(SUBJECT, API, `sp:${spec.vocabOf}`, seconds, tokens), vocabOf: spec.vocabOf });
  if (ours)
    records.push({
      ...record(ours.subject, ours.api, ours.model, ourSeconds, ourTokens),
      pairedWith: pairKey({ subject: SUBJECT, api: API, model: `sp:${spec.vocabOf}` }),
    });
}
emit({ records, coldStartMs: cold });
