// Probe: corpus throughput of one peer tokenizer on one vocabulary, in a fresh process.
// Argument: one JSON object (see Spec). Prints one JSON line: { records }.
import { emit, progress, type ThroughputRecord } from '../lib/contract.js';
import { loadCorpus } from '../lib/corpus.js';
import { passOf, timePasses } from '../lib/measure.js';
import { openPeer, type PeerSpec } from '../lib/subjects.js';

interface Spec {
  peer: PeerSpec;
  corpora: { name: string; path: string }[];
  reps: number;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const s = await openPeer(spec.peer);
const records: ThroughputRecord[] = [];
for (const c of spec.corpora) {
  progress(`  ${s.subject} ${s.model} ${c.name}`);
  const corpus = loadCorpus(c.name, c.path);
  const pass = passOf(corpus, s.count);
  const warm = pass(); // warm-up (JIT, and caches where a peer has them)
  const record = timePasses(corpus, spec.reps, pass, { subject: s.subject, api: s.api, model: s.model, vocabOf: s.vocabOf, check: 'not checked' }, s.beforePass);
  if (record.tokens !== warm) throw new Error(`${s.subject}: ${warm} ids in the warm-up pass, ${record.tokens} later`);
  records.push(record);
}
s.close?.();
emit({ records });
