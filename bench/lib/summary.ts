// The summary at the top of RESULTS.md, computed from every section's records: the targets,
// the headline MB/s, our WASM engine's ratios against the pure-JS engine and each peer (all
// measured in this run), and against the quoted reference figures.
import { pairKey, type Cell, type LoadRecord, type ShortRecord, type Table, type ThroughputRecord } from './contract.js';
import { BPE_PAIR_MODEL, CEILING, REF_CORPORA, REFERENCE, REFERENCE_LOAD, REFERENCE_SOURCE, SPEED_TARGETS, type ReferenceRow } from './reference.js';
import { shortCorpus } from './shared.js';
import { fmt, median } from './stats.js';

export interface SummaryInput {
  throughput: ThroughputRecord[];
  short: ShortRecord[];
  loads: LoadRecord[];
  /** From the load section: binary format sizes, when toBinary exists. */
  binaries: { model: string; zip: number; bytes: number; gzipBytes: number }[];
  corpora: string[];
  largest: string;
  loadTarget: string;
  /** Our models in display order. */
  models: string[];
}

const WASM = 'bytepiece WASM';
const JS = 'bytepiece JS';

export function summaryTables(s: SummaryInput): Table[] {
  const find = (subject: string, model: string, corpus: string, api = 'encode') =>
    s.throughput.find((r) => r.subject === subject && r.model === model && r.corpus === corpus && r.api === api && !r.pairedWith);
  const peers = s.throughput.filter((r) => r.subject !== WASM && r.subject !== JS);
  /** Our WASM figure to set against a peer: the side-by-side one when there is one. */
  const oursFor = (k: ThroughputRecord, c: string) =>
    s.throughput.find((r) => r.pairedWith === pairKey(k) && r.corpus === c) ?? find(WASM, k.vocabOf ?? BPE_PAIR_MODEL, c);
  const corpora = s.corpora;
  const cols = corpora.map(shortCorpus);

  // Peer rows in a stable order: one per (subject, api, vocabulary).
  const peerKeys: ThroughputRecord[] = [];
  for (const r of peers) if (!peerKeys.some((k) => k.subject === r.subject && k.api === r.api && k.model === r.model)) peerKeys.push(r);
  const peerRec = (k: ThroughputRecord, c: string) => peers.find((r) => r.subject === k.subject && r.api === k.api && r.model === k.model && r.corpus === c);
  /** Our model to set against a peer: the same vocabulary when it is a conversion of ours. */
  const pairOf = (k: ThroughputRecord) => k.vocabOf ?? BPE_PAIR_MODEL;

  const headline: Table = {
    title: 'Throughput, MB/s (median pass; tokens/s in the sections below)',
    columns: ['tokenizer', 'call', 'vocabulary', ...cols],
    align: 'lll' + 'r'.repeat(cols.length),
    rows: [
      ...s.models.flatMap((m) =>
        [WASM, JS].filter((sub) => corpora.some((c) => find(sub, m, c))).map((sub) => [sub, 'encode', m, ...corpora.map((c) => fmt(find(sub, m, c)?.mbps))]),
      ),
      ...peerKeys.map((k) => [k.subject, k.api, k.model, ...corpora.map((c) => fmt(peerRec(k, c)?.mbps))]),
    ],
  };

  const ratioRows: Cell[][] = [];
  for (const m of s.models) {
    if (!corpora.some((c) => find(WASM, m, c) && find(JS, m, c))) continue;
    ratioRows.push([
      'pure-JS engine (same ids)',
      m,
      m,
      ...corpora.map((c) => r2(find(WASM, m, c)?.mbps, find(JS, m, c)?.mbps)),
      '1 (identical)',
      'side by side',
    ]);
  }
  for (const k of peerKeys) {
    const m = pairOf(k);
    const paired = corpora.every((c) => s.throughput.some((r) => r.pairedWith === pairKey(k) && r.corpus === c));
    ratioRows.push([
      `${k.subject} ${k.api}`,
      k.model,
      m,
      ...corpora.map((c) => r2(oursFor(k, c)?.mbps, peerRec(k, c)?.mbps)),
      corpora
        .map((c) => {
          const p = peerRec(k, c);
          const o = oursFor(k, c);
          return p && o ? fmt(p.tokens / o.tokens) : '—';
        })
        .join(' / '),
      paired ? 'side by side' : 'separate processes',
    ]);
  }
  const ratios: Table = {
    title: 'Our WASM engine ÷ each alternative, same run (MB/s ratio; > 1 = we are faster)',
    columns: ['alternative', 'its vocabulary', 'our model', ...cols, `its tokens ÷ ours (${cols.join(' / ')})`, 'timed'],
    align: 'lll' + 'r'.repeat(cols.length) + 'rl',
    rows: ratioRows,
  };

  const refRow = (ref: ReferenceRow, subject: string): Cell[] => {
    const measured = REF_CORPORA.map((c) => (corpora.includes(c) ? find(subject, ref.ours, c)?.mbps : undefined));
    return [
      ref.name + (ref.note ? ` (${ref.note})` : ''),
      ref.vocab,
      `${subject.replace('bytepiece ', '')} ${ref.ours}`,
      ref.mbps.map((x) => fmt(x)).join(' / '),
      measured.map((x) => fmt(x)).join(' / '),
      ...REF_CORPORA.map((_, i) => r2(measured[i], ref.mbps[i] ?? undefined)),
    ];
  };
  const reference: Table = {
    title: `Against the reference figures (reference, from ${REFERENCE_SOURCE}; not re-measured, other days and noise)`,
    columns: ['reference', 'vocabulary', 'ours', 'reference MB/s zh / en / code', 'ours MB/s zh / en / code', 'ours ÷ ref zh', 'en', 'code'],
    align: 'lllrrrrr',
    rows: [...REFERENCE.map((r) => refRow(r, WASM)), ...CEILING.map((r) => refRow(r, r.name.includes('pure JS') ? JS : WASM))],
  };

  return [targets(s, find), headline, ratios, reference];
}

const r2 = (a?: number, b?: number): string => (a !== undefined && b !== undefined && b > 0 ? `${fmt(a / b)}×` : '—');

type Find = (subject: string, model: string, corpus: string, api?: string) => ThroughputRecord | undefined;

/** Issue 6's targets, each with what this run measured. */
function targets(s: SummaryInput, find: Find): Table {
  const rows: Cell[][] = [];
  const status = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL');
  const cols = s.corpora.map(shortCorpus);
  const present = (xs: (number | undefined)[]): xs is number[] => xs.every((x) => x !== undefined && Number.isFinite(x));

  for (const t of SPEED_TARGETS) {
    const got = REF_CORPORA.map((c) => find(WASM, t.model, c)?.mbps);
    rows.push([
      `WASM ${t.model} ≥ ${t.mbps.join(' / ')} MB/s (zh / en / code)`,
      got.map((x) => fmt(x)).join(' / '),
      status(present(got) ? got.every((x, i) => x >= t.mbps[i]!) : undefined),
    ]);
  }

  // Native SentencePiece: measured in this run when spm_encode is installed, else quoted.
  const spm = s.throughput.filter((r) => r.subject.startsWith('spm_encode'));
  const spmModels = spm.length > 0 ? [...new Set(spm.map((r) => r.vocabOf!))] : REFERENCE.filter((r) => r.name.includes('spm_encode')).map((r) => r.ours);
  for (const m of spmModels) {
    const x = REF_CORPORA.map((c, i) => {
      const mine = spm.find((r) => r.vocabOf === m && r.corpus === c);
      const ours = (mine && s.throughput.find((r) => r.pairedWith === pairKey(mine) && r.corpus === c)?.mbps) ?? find(WASM, m, c)?.mbps;
      const theirs = spm.length > 0 ? mine?.mbps : (REFERENCE.find((r) => r.name.includes('spm_encode') && r.ours === m)?.mbps[i] ?? undefined);
      return ours !== undefined && theirs ? ours / theirs : undefined;
    });
    rows.push([
      `WASM ≥ 3× native SentencePiece (≥ 5× on zh), ${m}${spm.length ? ', side by side in this run' : ', vs the reference figure (spm_encode not installed here)'}`,
      x.map((v) => (v === undefined ? '—' : `${fmt(v)}×`)).join(' / '),
      status(present(x) ? x.every((v, i) => v >= (i === 0 ? 5 : 3)) : undefined),
    ]);
  }

  const wj: { v: number; where: string }[] = [];
  for (const m of s.models)
    for (const c of s.corpora) {
      const w = find(WASM, m, c);
      const j = find(JS, m, c);
      if (w && j) wj.push({ v: w.mbps / j.mbps, where: `${m} ${shortCorpus(c)}` });
    }
  const worst = wj.reduce<{ v: number; where: string } | undefined>((a, b) => (!a || b.v < a.v ? b : a), undefined);
  rows.push([
    'WASM ≥ 1.5× pure JS on every corpus (every model)',
    worst ? `min ${fmt(worst.v)}× (${worst.where}); median ${fmt(median(wj.map((x) => x.v)))}×` : '—',
    status(worst ? worst.v >= 1.5 : undefined),
  ]);

  const oneChar = s.short.find((r) => r.subject === WASM && r.size === 0);
  rows.push([
    'Per-call overhead ≤ 2 µs (WASM, encode of 1 character)',
    oneChar ? `${fmt(oneChar.usPerCall)} µs` : '—',
    status(oneChar ? oneChar.usPerCall <= 2 : undefined),
  ]);
  const hundred = s.corpora.map((c) => s.short.find((r) => r.subject === WASM && r.size === 100 && r.corpus === c)?.mbps);
  const into = s.corpora.map((c) => s.short.find((r) => r.subject === `${WASM}, encodeInto` && r.size === 100 && r.corpus === c)?.mbps);
  rows.push([
    `100-byte documents ≥ 25 MB/s (WASM, ${cols.join(' / ')})`,
    hundred.map((x) => fmt(x)).join(' / ') + (present(into) ? ` (encodeInto: ${into.map((x) => fmt(x)).join(' / ')})` : ''),
    status(present(hundred) ? hundred.every((x) => x >= 25) : undefined),
  ]);

  const sampled = s.throughput.filter((r) => r.subject === WASM && r.api.startsWith('encode α'));
  if (sampled.length === 0) {
    rows.push(['Sampling (alpha ≥ 0) ≥ 50% of deterministic speed', 'n/a (sampling not merged)', 'n/a']);
  } else {
    const shares = sampled.map((r) => ({ v: r.mbps / (find(WASM, r.model, r.corpus)?.mbps ?? NaN), where: `${r.model} ${shortCorpus(r.corpus)}` }));
    const low = shares.reduce((a, b) => (b.v < a.v ? b : a));
    rows.push(['Sampling (alpha = 0.1) ≥ 50% of deterministic speed (WASM)', `min ${Math.round(100 * low.v)}% (${low.where})`, status(low.v >= 0.5)]);
  }

  const zipLoad = s.loads.find((l) => l.subject === 'bytepiece' && l.model === s.loadTarget && l.format === 'zip' && l.engine === 'wasm');
  rows.push([
    `Load ${s.loadTarget} from .zip ≤ 400 ms (fresh process, WASM)`,
    zipLoad ? `${fmt(zipLoad.loadMs)} ms` : '—',
    status(zipLoad ? zipLoad.loadMs <= 400 : undefined),
  ]);
  const binModel = s.loads.some((l) => l.format === 'binary' && l.model === s.loadTarget) ? s.loadTarget : s.largest;
  const binLoad = s.loads.find((l) => l.subject === 'bytepiece' && l.model === binModel && l.format === 'binary');
  const bin = s.binaries.find((b) => b.model === binModel);
  rows.push([
    `Binary format loads ≤ 30 ms, gzipped smaller than the zip (${binModel})`,
    binLoad && bin ? `${fmt(binLoad.loadMs)} ms; gzip ${bin.gzipBytes} B vs zip ${bin.zip} B` : 'n/a (toBinary not in this build)',
    status(binLoad && bin ? binLoad.loadMs <= 30 && bin.gzipBytes < bin.zip : undefined),
  ]);
  const big = s.loads.find((l) => l.subject === 'bytepiece' && l.model === s.largest && l.format === 'zip' && l.engine === 'wasm');
  rows.push([
    `Peak RSS after loading the largest model (${s.largest}) ≤ 150 MB`,
    big ? `${fmt(big.peakRssMiB * 1.048576)} MB (${fmt(big.peakRssMiB)} MiB)` : '—',
    status(big ? big.peakRssMiB * 1.048576 <= 150 : undefined),
  ]);
  const ref = REFERENCE_LOAD.find((r) => r.model === s.loadTarget);
  if (zipLoad && ref)
    rows.push([
      `(reference BytePiece loads ${s.loadTarget} in ${ref.loadS * 1000} ms, peak ${ref.peakRssMiB} MiB: reference, from ${REFERENCE_SOURCE})`,
      `ours ${fmt(zipLoad.loadMs)} ms, ${fmt(zipLoad.peakRssMiB)} MiB`,
      '',
    ]);

  return { title: 'Targets of issue 6, as measured in this run', columns: ['target', 'measured', 'status'], align: 'lrl', rows };
}
