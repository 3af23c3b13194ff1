// Section: corpus throughput of our WASM and pure-JS engines on every shared model and corpus,
// one fresh process per model (bench/probes/ours-throughput.ts). Also, on the two models the
// speed targets name, the API variants other branches add when present (countTokens, encodeInto,
// sampling with alpha = 0.1), feature-detected.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { emit, progress, type Failure, type SectionResult, type Table, type ThroughputRecord } from '../lib/contract.js';
import { ensureBundled, PKG_URL } from '../lib/bundle.js';
import { runProbe } from '../lib/child.js';
import { throughputTable } from '../lib/report.js';
import { allCorpora, allModels, corpusPath, goldenDir, isQuick, modelPath, reps, shortCorpus } from '../lib/shared.js';
import { fmt, median } from '../lib/stats.js';
import type { Features } from '../lib/subjects.js';
import { TARGET_MODELS } from '../lib/reference.js';

await ensureBundled();
const quick = isQuick();
const corpora = allCorpora();
const models = quick ? allModels().filter((m) => ['bytepiece.plus.80k', 'bytepiece.zh.id.eu.80k'].includes(m)) : allModels();
const records: ThroughputRecord[] = [];
const failures: Failure[] = [];
let features: Record<string, Features> | undefined;

for (const model of models) {
  progress(`throughput: ${model}`);
  const spec = {
    pkg: PKG_URL,
    model,
    modelPath: modelPath(model),
    reps: reps(),
    engines: ['wasm', 'js'],
    variants: TARGET_MODELS.includes(model),
    corpora: corpora.map((c) => {
      const golden = join(goldenDir(model), `${c}.jsonl.gz`);
      return { name: c, path: corpusPath(c), golden: existsSync(golden) ? golden : undefined };
    }),
  };
  const r = await runProbe<{ records: ThroughputRecord[]; failures: Failure[]; features: Record<string, Features> }>('ours-throughput', spec, {
    timeoutMs: 600_000,
  });
  if (!r.ok) {
    failures.push({ subject: `bytepiece ${model}`, reason: r.error });
    continue;
  }
  records.push(...r.value.records);
  failures.push(...r.value.failures);
  features ??= r.value.features;
}

const tables: Table[] = [];
const engineOf = (s: string) => s.replace('bytepiece ', '');
const encode = records.filter((r) => r.api === 'encode');
tables.push(
  throughputTable(
    encode,
    corpora,
    [
      { header: 'model', get: (r) => r.model },
      { header: 'engine', get: (r) => engineOf(r.subject) },
    ],
    'encode(text) → Uint32Array, every shared model',
  ),
);

const variants = records.filter((r) => r.api !== 'encode');
if (variants.length > 0) {
  // Each variant against plain encode by the same engine on the same model and corpus.
  const base = (r: ThroughputRecord) => encode.find((e) => e.subject === r.subject && e.model === r.model && e.corpus === r.corpus);
  const rows = new Map<string, ThroughputRecord[]>();
  for (const r of variants) {
    const key = `${r.model}\u0000${r.subject}\u0000${r.api}`;
    rows.set(key, [...(rows.get(key) ?? []), r]);
  }
  tables.push({
    title: 'API variants and sampling (same process, same model), MB/s and share of plain encode',
    columns: ['model', 'engine', 'call', ...corpora.map((c) => `${shortCorpus(c)} MB/s (vs encode)`), 'output'],
    align: 'lll' + 'r'.repeat(corpora.length) + 'l',
    rows: [...rows.values()].map((rs) => [
      rs[0]!.model,
      engineOf(rs[0]!.subject),
      rs[0]!.api,
      ...corpora.map((c) => {
        const r = rs.find((x) => x.corpus === c);
        const b = r && base(r);
        return r ? `${fmt(r.mbps)} (${b ? Math.round((100 * r.mbps) / b.mbps) : '?'}%)` : null;
      }),
      [...new Set(rs.map((r) => r.check))].join(', '),
    ]),
  });
}

const notes: string[] = [];
if (features) {
  const w = features.wasm;
  const j = features.js;
  notes.push(
    `Sampling (encode(text, {alpha: 0.1})): ${w?.sampling.ok || j?.sampling.ok ? `timed (WASM ${w?.sampling.ok ? 'yes' : w?.sampling.why}; JS ${j?.sampling.ok ? 'yes' : j?.sampling.why})` : (w?.sampling.why ?? 'n/a')}.`,
  );
  notes.push(
    `countTokens: ${w?.countTokens ? 'timed (checked equal to encode().length on every document)' : 'n/a (not in this build)'}; encodeInto: ${w?.encodeInto ? 'timed with one reused buffer (ids checked equal to encode)' : 'n/a (not in this build)'}; encodeBatch: ${w?.encodeBatch ? 'timed over the documents in calls of 1,000 (ids checked equal to encode)' : 'n/a (not in this build)'}.`,
  );
}
const medianRatio = (c: string) =>
  median(
    models
      .map((m) => {
        const w = encode.find((r) => r.model === m && r.corpus === c && r.subject === 'bytepiece WASM');
        const j = encode.find((r) => r.model === m && r.corpus === c && r.subject === 'bytepiece JS');
        return w && j ? w.mbps / j.mbps : NaN;
      })
      .filter(Number.isFinite),
  );
notes.push(`WASM ÷ JS, median over models: ${corpora.map((c) => `${shortCorpus(c)} ${fmt(medianRatio(c))}×`).join(', ')}.`);

const result: SectionResult = {
  title: 'Our engines: corpus throughput',
  intro: `One fresh process per model, both engines loaded side by side. Per corpus: one untimed warm-up pass per engine whose ids are checked (against ../shared/golden where it exists, else JS against WASM), then ${reps()} timed passes over every document per engine and call, interleaved round by round so that load from other users of the machine hits them alike (full GC before each pass); the median pass is reported.${quick ? ' Quick mode: two models only.' : ''}`,
  tables,
  notes,
  throughput: records,
  failures,
  data: { features },
};
emit(result);
