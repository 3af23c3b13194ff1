// Section: corpus throughput of the tokenizers users would otherwise install (devDependencies),
// one fresh process per (peer, vocabulary): @dqbd/tiktoken and gpt-tokenizer (BPE, their own
// vocabularies), @sctg/sentencepiece-js and kitoken on the SentencePiece conversions of our models
// in ../shared/bench/sp/, and native `spm_encode` when it is on PATH. A peer that fails is
// recorded with the reason, never dropped.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { emit, progress, type Failure, type SectionResult, type ThroughputRecord } from '../lib/contract.js';
import { ensureBundled, PKG_URL } from '../lib/bundle.js';
import { BPE_PAIR_MODEL } from '../lib/reference.js';
import { runProbe } from '../lib/child.js';
import { throughputTable } from '../lib/report.js';
import { allCorpora, allModels, corpusPath, isQuick, modelPath, OUT, peerReps, REPO, rel, spModelPath, spModels } from '../lib/shared.js';
import { PEER_NAMES, type PeerSpec } from '../lib/subjects.js';

await ensureBundled();
const quick = isQuick();
const corpora = allCorpora().map((c) => ({ name: c, path: corpusPath(c) }));
const sp = quick ? spModels().slice(-1) : spModels(); // sorted: eu.plus.160k, zh.id.eu.80k
const bpe = quick ? ['cl100k_base'] : ['cl100k_base', 'o200k_base'];

const peers: PeerSpec[] = [
  ...bpe.map((model): PeerSpec => ({ peer: 'tiktoken', model })),
  ...bpe.map((model): PeerSpec => ({ peer: 'gpt-tokenizer', model, coldCache: true })),
  ...sp.flatMap((model): PeerSpec[] => [
    { peer: 'sentencepiece-js', model, path: spModelPath(model) },
    { peer: 'kitoken', model, path: spModelPath(model) },
  ]),
];

/** Our model run side by side with a peer: the same vocabulary, or the BPE-scale stand-in. */
const pairFor = (model: string) => {
  const m = allModels().includes(model) ? model : BPE_PAIR_MODEL;
  return allModels().includes(m) ? { pkg: PKG_URL, model: m, modelPath: modelPath(m) } : undefined;
};
const records: ThroughputRecord[] = [];
const failures: Failure[] = [];
const notes: string[] = [];
for (const peer of peers) {
  const label = `${PEER_NAMES[peer.peer]} on ${peer.path ? rel(peer.path) : peer.model}`;
  progress(`peers: ${label}`);
  const r = await runProbe<{ records: ThroughputRecord[] }>(
    'peer-throughput',
    { peer, pair: pairFor(peer.model), corpora, reps: peerReps() },
    { timeoutMs: 600_000 },
  );
  if (r.ok) records.push(...r.value.records);
  else failures.push({ subject: label, reason: r.error });
}

// Native SentencePiece, the issue's yardstick, when installed (Debian: apt-get install sentencepiece).
const spm = (process.env.PATH ?? '')
  .split(delimiter)
  .map((d) => join(d, 'spm_encode'))
  .find((p) => existsSync(p));
if (!spm) {
  failures.push({
    subject: 'spm_encode (native SentencePiece)',
    reason: 'not installed on this machine (Debian/Ubuntu: `apt-get install sentencepiece`); its figures are quoted from the reference table instead',
  });
} else {
  for (const model of sp) {
    progress(`peers: spm_encode on ${model}`);
    const r = await runProbe<{ records: ThroughputRecord[]; coldStartMs: number }>(
      'spm-native',
      {
        bin: spm,
        modelPath: spModelPath(model),
        vocabOf: model,
        corpora,
        reps: peerReps(),
        tmp: join(OUT, 'tmp'),
        pair: pairFor(model),
      },
      { timeoutMs: 600_000 },
    );
    if (r.ok) {
      records.push(...r.value.records);
      notes.push(
        `spm_encode (${spm}) on sp:${model}: cold start ${Math.round(r.value.coldStartMs)} ms (median, empty input); each timing has the cold start of a run on an empty input just before it subtracted; the corpus is fed as one file, encoded line by line.`,
      );
    } else failures.push({ subject: `spm_encode on ${model}`, reason: r.error });
  }
}

const version = (pkg: string) => {
  try {
    return (JSON.parse(readFileSync(join(REPO, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
};
let spmVersion = '';
try {
  if (spm)
    spmVersion = `, spm_encode ${execFileSync(spm, ['--version'], { encoding: 'utf8' })
      .trim()
      .replace(/^sentencepiece\s*/, '')} (${spm})`;
} catch {
  /* the version is informative only */
}
notes.unshift(
  `Versions: ${Object.values(PEER_NAMES)
    .map((p) => `${p} ${version(p)}`)
    .join(', ')}${spmVersion}.`,
);
notes.push(
  "Vocabularies: tiktoken and gpt-tokenizer run their own BPE vocabularies (cl100k_base, o200k_base; ranks ship inside the packages, nothing is downloaded); `sp:<model>` is the reference's SentencePiece conversion of that BytePiece model (../shared/bench/sp/: Unigram, byte fallback, identity normalization). Token counts of sp peers differ from ours where they are not exact (see the ratios in the summary).",
  'gpt-tokenizer keeps a merge cache across calls; it is emptied before each timed pass, so each pass is a first pass with a warm JIT (re-encoding the same corpus with a warm cache would inflate its figures).',
  `Every peer process also runs our WASM engine side by side (same vocabulary for the sp peers, ${BPE_PAIR_MODEL} for the BPE peers), its passes interleaved with the peer's: the ratios in the summary come from these pairs. spm_encode outputs no id for \`\\n\` (it encodes line by line), hence its slightly lower token counts.`,
);

const result: SectionResult = {
  title: 'Peers: corpus throughput',
  intro: `Same method as our engines: one untimed warm-up pass, then ${peerReps()} timed passes (full GC before each, interleaved with our engine's), median reported; JS string in → ids out, one call per document.${quick ? ' Quick mode: cl100k_base and one SentencePiece model only.' : ''}`,
  tables: [
    throughputTable(
      records.filter((r) => !r.pairedWith),
      corpora.map((c) => c.name),
      [
        { header: 'tokenizer', get: (r) => r.subject },
        { header: 'call', get: (r) => r.api },
        { header: 'vocabulary', get: (r) => r.model },
      ],
    ),
  ],
  notes,
  throughput: records,
  failures,
};
emit(result);
