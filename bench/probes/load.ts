// Probe: cold load of one model in this fresh process: import of the module, load to ready-to-
// encode, first encode, and the process's peak resident set (maxRSS, which includes transient
// peaks while parsing). Run it several times; the section takes medians.
// Argument: one JSON object (see Spec). Prints one JSON line (see the end).
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { emit } from '../lib/contract.js';
import { openPeer, type PeerSpec } from '../lib/subjects.js';
import type { Pkg } from '../lib/subjects.js';

interface Spec {
  /** No path: the package's default model (`Tokenizer.loadSync()`). */
  ours?: { pkg: string; path?: string; engine: 'wasm' | 'js' };
  /** A file to read into fresh WebAssembly memory after the load: this machine's floor for reading it. */
  floorFile?: string;
  peer?: PeerSpec;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const maxRss = () => process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
const vmHwm = () => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
};
const PEER_MODULE: Record<PeerSpec['peer'], string> = {
  tiktoken: '@dqbd/tiktoken',
  'gpt-tokenizer': 'gpt-tokenizer/encoding/cl100k_base',
  'sentencepiece-js': '@sctg/sentencepiece-js',
  kitoken: 'kitoken/node',
};
const TEXT = '今天天气不错，出去走走。 The quick brown fox jumps over the lazy dog.\n';

const baseline = maxRss();
let importMs: number;
let loadMs: number;
let encode: (t: string) => number;
if (spec.ours) {
  const t0 = performance.now();
  const pkg = (await import(spec.ours.pkg)) as Pkg;
  importMs = performance.now() - t0;
  const t1 = performance.now();
  const tok = pkg.Tokenizer.loadSync(spec.ours.path, { engine: spec.ours.engine });
  loadMs = performance.now() - t1;
  encode = (t) => tok.encode(t).length;
} else {
  const peer = spec.peer!;
  const t0 = performance.now();
  await import(peer.peer === 'gpt-tokenizer' ? `gpt-tokenizer/encoding/${peer.model}` : PEER_MODULE[peer.peer]);
  importMs = performance.now() - t0;
  const t1 = performance.now();
  const s = await openPeer(peer);
  loadMs = performance.now() - t1;
  encode = s.count;
}
const t2 = performance.now();
const n = encode(TEXT);
const firstEncodeMs = performance.now() - t2;
const peak = maxRss();
const hwm = vmHwm();
(globalThis as { gc?: () => void }).gc?.();
const rssAfterGc = process.memoryUsage().rss;
// The floor: the same bytes read into memory no page of which was touched yet (page faults and the
// copy), which any load of the file pays; on some virtual machines it is most of the load.
let floorMs: number | undefined;
if (spec.floorFile) {
  const size = statSync(spec.floorFile).size;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(size / 65536) });
  const fd = openSync(spec.floorFile, 'r');
  const t3 = performance.now();
  for (let done = 0; done < size;) done += readSync(fd, new Uint8Array(memory.buffer), done, size - done, done);
  floorMs = performance.now() - t3;
  closeSync(fd);
}
emit({ importMs, loadMs, firstEncodeMs, tokens: n, baselineRss: baseline, peakRss: peak, vmHwm: hwm, rssAfterGc, floorMs });
