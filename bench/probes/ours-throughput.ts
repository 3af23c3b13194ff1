// Probe: corpus throughput of our two engines on one model, in a fresh process. Both engines (and
// the API variants) are loaded side by side and timed in interleaved rounds, so that a busy shared
// machine slows them alike and the WASM ÷ JS ratio stays fair.
// Argument: one JSON object (see Spec). Prints one JSON line: { records, failures, features }.
import { emit, progress, type Failure, type ThroughputRecord } from '../lib/contract.js';
import { loadCorpus, loadGolden, type Corpus } from '../lib/corpus.js';
import { passOf, timeInterleaved, type Contestant } from '../lib/measure.js';
import { detectFeatures, extended, importPkg, writtenCount, type Features } from '../lib/subjects.js';

interface Spec {
  pkg: string;
  model: string;
  modelPath: string;
  corpora: { name: string; path: string; golden?: string }[];
  reps: number;
  engines: ('wasm' | 'js')[];
  /** Also time countTokens / encodeInto (WASM) and sampling (both engines) when present. */
  variants: boolean;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const pkg = await importPkg(spec.pkg);
const SUBJECT = { wasm: 'bytepiece WASM', js: 'bytepiece JS' } as const;
/** Documents per encodeBatch call. */
const BATCH = 1000;
const records: ThroughputRecord[] = [];
const failures: Failure[] = [];

const engines = spec.engines.map((engine) => ({ engine, subject: SUBJECT[engine], tok: extended(pkg.Tokenizer.loadSync(spec.modelPath, { engine })) }));
const corpora = spec.corpora.map((c) => ({ ...c, corpus: loadCorpus(c.name, c.path) }));
// A text with many possible segmentations, for feature detection.
const sample = corpora
  .map((c) => c.corpus.docs.slice(0, 20).join('\n'))
  .join('\n')
  .slice(0, 4000);
const features: Record<string, Features> = Object.fromEntries(engines.map((e) => [e.engine, detectFeatures(e.tok, sample)]));

for (const { name, golden, corpus } of corpora) {
  progress(`  ${spec.model} ${name}`);
  const contestants: Contestant[] = [];
  const want = golden ? loadGolden(golden) : undefined;
  let first: Uint32Array[] | undefined;
  for (const { engine, subject, tok } of engines) {
    // Warm-up pass, checked against the golden ids, or else against the first engine.
    const ids = corpus.docs.map((d) => tok.encode(d));
    const check = compare(subject, corpus, ids, want, first);
    first ??= ids;
    const who = { subject, model: spec.model };
    contestants.push({ who: { ...who, api: 'encode', check }, pass: passOf(corpus, (t) => tok.encode(t).length) });
    if (!spec.variants) continue;
    const f = features[engine]!;
    if (engine === 'wasm' && f.countTokens) {
      const ok = corpus.docs.every((d, i) => tok.countTokens!(d) === ids[i]!.length);
      if (!ok) failures.push({ subject, reason: `countTokens disagrees with encode().length on ${spec.model} ${name}` });
      contestants.push({ who: { ...who, api: 'countTokens', check: ok ? '= encode' : 'MISMATCH' }, pass: passOf(corpus, (t) => tok.countTokens!(t)) });
    }
    if (engine === 'wasm' && f.encodeInto) {
      const out = new Uint32Array(corpus.maxBytes + 16);
      const ok = corpus.docs.every((d, i) => {
        const n = writtenCount(tok.encodeInto!(d, out));
        return n === ids[i]!.length && ids[i]!.every((id, k) => out[k] === id);
      });
      if (!ok) failures.push({ subject, reason: `encodeInto disagrees with encode on ${spec.model} ${name}` });
      contestants.push({
        who: { ...who, api: 'encodeInto (reused buffer)', check: ok ? '= encode' : 'MISMATCH' },
        pass: passOf(corpus, (t) => writtenCount(tok.encodeInto!(t, out))),
      });
    }
    if (engine === 'wasm' && f.encodeBatch) {
      // Batches of BATCH documents in corpus order (one ArrayBuffer each; short one-line texts paired).
      const batches: string[][] = [];
      for (let k = 0; k < corpus.docs.length; k += BATCH) batches.push(corpus.docs.slice(k, k + BATCH));
      const got = batches.flatMap((b) => tok.encodeBatch!(b));
      const ok = got.length === ids.length && got.every((x, i) => x.length === ids[i]!.length && x.every((id, k) => id === ids[i]![k]));
      if (!ok) failures.push({ subject, reason: `encodeBatch disagrees with encode on ${spec.model} ${name}` });
      const pass = () => {
        let n = 0;
        for (const b of batches) for (const x of tok.encodeBatch!(b)) n += x.length;
        return n;
      };
      contestants.push({ who: { ...who, api: `encodeBatch (${BATCH} documents per call)`, check: ok ? '= encode' : 'MISMATCH' }, pass });
    }
    if (f.sampling.ok) {
      const pass = passOf(corpus, (t) => tok.encode(t, { alpha: 0.1 }).length);
      pass(); // warm-up
      contestants.push({ who: { ...who, api: 'encode α=0.1', check: 'sampled' }, pass, random: true });
    }
  }
  records.push(...timeInterleaved(corpus, spec.reps, contestants));
}

emit({ records, failures, features });

function compare(subject: string, corpus: Corpus, ids: Uint32Array[], golden?: number[][], other?: Uint32Array[]): string {
  const reference = golden ?? other;
  if (!reference) return 'no golden';
  const label = golden ? 'golden' : '= WASM';
  if (reference.length !== ids.length) throw new Error(`${corpus.name}: ${reference.length} golden lines for ${ids.length} documents`);
  let ok = 0;
  ids.forEach((x, i) => {
    const y = reference[i]!;
    if (x.length === y.length && x.every((id, k) => id === y[k])) ok++;
  });
  if (ok !== ids.length) {
    failures.push({
      subject,
      reason: `${spec.model} ${corpus.name}: ${ids.length - ok} of ${ids.length} documents differ from ${golden ? 'the golden ids' : 'the other engine'}`,
    });
  }
  return `${label} ${ok}/${ids.length}`;
}
