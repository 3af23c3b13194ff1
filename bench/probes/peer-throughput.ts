// Probe: corpus throughput of one peer tokenizer on one vocabulary, in a fresh process; with
// `pair`, our WASM engine runs side by side (same process, passes interleaved round by round), so
// that the ratio of the two does not depend on when each ran on a busy machine.
// Argument: one JSON object (see Spec). Prints one JSON line: { records }.
import { emit, progress, type ThroughputRecord } from '../lib/contract.js';
import { loadCorpus } from '../lib/corpus.js';
import { passOf, timeInterleaved, type Contestant } from '../lib/measure.js';
import { openOurs, openPeer, pairKey, type PeerSpec, type Subject } from '../lib/subjects.js';

interface Spec {
  peer: PeerSpec;
  /** Our model to run side by side (the same vocabulary, or our BPE-scale stand-in). */
  pair?: { pkg: string; model: string; modelPath: string };
  corpora: { name: string; path: string }[];
  reps: number;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const s = await openPeer(spec.peer);
const ours: Subject | undefined = spec.pair ? await openOurs(spec.pair.pkg, spec.pair.model, spec.pair.modelPath) : undefined;
const records: ThroughputRecord[] = [];
for (const c of spec.corpora) {
  progress(`  ${s.subject} ${s.model} ${c.name}${ours ? ` (side by side with ${ours.subject} ${ours.model})` : ''}`);
  const corpus = loadCorpus(c.name, c.path);
  const contestants: Contestant[] = [
    {
      who: { subject: s.subject, api: s.api, model: s.model, vocabOf: s.vocabOf, check: 'not checked' },
      pass: passOf(corpus, s.count),
      beforePass: s.beforePass,
    },
  ];
  if (ours) contestants.push({ who: { subject: ours.subject, api: ours.api, model: ours.model, check: 'not checked' }, pass: passOf(corpus, ours.count) });
  const warm = contestants.map((x) => x.pass()); // warm-up (JIT, and caches where a peer has them)
  const got = timeInterleaved(corpus, spec.reps, contestants);
  if (got[0]!.tokens !== warm[0]) throw new Error(`${s.subject}: ${warm[0]} ids in the warm-up pass, ${got[0]!.tokens} later`);
  if (got[1]) got[1].pairedWith = pairKey(s);
  records.push(...got);
}
s.close?.();
emit({ records });
