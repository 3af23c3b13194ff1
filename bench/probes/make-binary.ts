// Probe: converts a model to our binary format with `tokenizer.toBinary()` when the package has it,
// checks that the binary loads back to the same ids, and reports its size raw and gzipped (-9).
// Argument: one JSON object (see Spec). Prints one JSON line: { supported, ... }.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { emit } from '../lib/contract.js';
import { extended, importPkg } from '../lib/subjects.js';

interface Spec {
  pkg: string;
  modelPath: string;
  out: string;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const { Tokenizer } = await importPkg(spec.pkg);
const tok = extended(Tokenizer.loadSync(spec.modelPath));
if (typeof tok.toBinary !== 'function') {
  emit({ supported: false });
} else {
  const t0 = performance.now();
  const bin = tok.toBinary();
  const toBinaryMs = performance.now() - t0;
  writeFileSync(spec.out, bin);
  const back = Tokenizer.loadSync(spec.out);
  const text = '今天天气不错，出去走走。 The quick brown fox jumps over the lazy dog.\n\tdef f(x): return x ** 2\n';
  const same = back.encode(text).join() === tok.encode(text).join() && back.vocabSize === tok.vocabSize;
  emit({ supported: true, bytes: bin.length, gzipBytes: gzipSync(bin, { level: 9 }).length, toBinaryMs, roundTrip: same });
}
