// Section: cold load and memory. Every figure is the median of RUNS fresh processes
// (bench/probes/load.ts, plain node on the bundled package: no tsx in the process), so nothing a
// previous measurement allocated or compiled is counted or reused. Covers every shared model from
// its .zip, the pure-JS engine on the largest and on the load-target model, our binary format when
// `toBinary` exists (feature-detected), the default model as the built package ships it
// (dist/node.js, `Tokenizer.loadSync()`), and the peers' cold start.
import { join } from 'node:path';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { emit, progress, type Failure, type LoadRecord, type SectionResult, type Table } from '../lib/contract.js';
import { ensureBundled, PKG_URL } from '../lib/bundle.js';
import { runProbe } from '../lib/child.js';
import { allModels, fileSize, isQuick, largestModel, modelPath, OUT, REPO, rel, spModelPath, spModels } from '../lib/shared.js';
import { fmt, median, MiB } from '../lib/stats.js';
import { PEER_NAMES, type PeerSpec } from '../lib/subjects.js';

await ensureBundled();
const quick = isQuick();
const RUNS = 3;
const largest = largestModel();
const LOAD_TARGET = 'bytepiece.eu.plus.160k';
const models = quick ? [largest] : allModels();
const failures: Failure[] = [];
const loads: LoadRecord[] = [];

interface Probe {
  importMs: number;
  loadMs: number;
  firstEncodeMs: number;
  tokens: number;
  baselineRss: number;
  peakRss: number;
  vmHwm: number;
  rssAfterGc: number;
  floorMs?: number;
}
/** Median floorMs of the default model's runs (reading its file into fresh memory, same processes). */
let defaultFloorMs: number | undefined;

async function measure(
  label: string,
  spec: object,
  meta: Omit<LoadRecord, 'runs' | 'importMs' | 'loadMs' | 'firstEncodeMs' | 'peakRssMiB' | 'baselineRssMiB' | 'rssAfterGcMiB'>,
): Promise<void> {
  progress(`load: ${label}`);
  const runs: Probe[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await runProbe<Probe>('load', spec, { timeoutMs: 120_000 });
    if (!r.ok) {
      failures.push({ subject: `load ${label}`, reason: r.error });
      return;
    }
    runs.push(r.value);
  }
  const m = (f: (p: Probe) => number) => median(runs.map(f));
  if (runs[0]!.floorMs !== undefined) defaultFloorMs = m((p) => p.floorMs!);
  loads.push({
    ...meta,
    runs: RUNS,
    importMs: m((p) => p.importMs),
    loadMs: m((p) => p.loadMs),
    firstEncodeMs: m((p) => p.firstEncodeMs),
    peakRssMiB: MiB(m((p) => Math.max(p.peakRss, p.vmHwm || 0))),
    baselineRssMiB: MiB(m((p) => p.baselineRss)),
    rssAfterGcMiB: MiB(m((p) => p.rssAfterGc)),
  });
}

// The default model, as a user of the built package loads it: `Tokenizer.loadSync()` from dist/node.js
// (npm run bench builds it), the binary file in dist/models/. Target: <= 40 ms load.
const DEFAULT_LOAD_TARGET_MS = 40;
const DIST_NODE = join(REPO, 'dist', 'node.js');
const DEFAULT_BIN = join(REPO, 'dist', 'models', `${LOAD_TARGET}.bin`);
if (existsSync(DIST_NODE) && existsSync(DEFAULT_BIN)) {
  await measure(
    `default model (dist/node.js, Tokenizer.loadSync())`,
    { ours: { pkg: pathToFileURL(DIST_NODE).href, engine: 'wasm' }, floorFile: DEFAULT_BIN },
    { subject: 'bytepiece (package)', model: `${LOAD_TARGET} (default)`, format: 'binary', engine: 'wasm', fileBytes: statSync(DEFAULT_BIN).size },
  );
} else {
  failures.push({ subject: 'load default model', reason: `${rel(DIST_NODE)} or ${rel(DEFAULT_BIN)} is missing: run npm run build` });
}
const defaultLoad = loads.at(-1)?.subject === 'bytepiece (package)' ? loads.at(-1) : undefined;
const floorText = () =>
  defaultFloorMs === undefined ? '' : `; reading its file into fresh memory alone takes ${fmt(defaultFloorMs)} ms in the same processes (this machine's floor)`;
if (defaultLoad)
  progress(
    `load: default model ready in ${fmt(defaultLoad.loadMs)} ms (median of ${RUNS} fresh processes; target <= ${DEFAULT_LOAD_TARGET_MS} ms), import ${fmt(defaultLoad.importMs)} ms${floorText()}`,
  );

// Our models from their .zip, WASM engine (the default).
for (const model of models) {
  await measure(
    `${model}.zip (WASM)`,
    { ours: { pkg: PKG_URL, path: modelPath(model), engine: 'wasm' } },
    { subject: 'bytepiece', model, format: 'zip', engine: 'wasm', fileBytes: fileSize(modelPath(model)) },
  );
}
// The pure-JS engine skips WebAssembly compilation: its load differs.
for (const model of [...new Set([largest, ...(quick ? [] : [LOAD_TARGET])])].filter((m) => allModels().includes(m))) {
  await measure(
    `${model}.zip (JS)`,
    { ours: { pkg: PKG_URL, path: modelPath(model), engine: 'js' } },
    { subject: 'bytepiece', model, format: 'zip', engine: 'js', fileBytes: fileSize(modelPath(model)) },
  );
}

// Our binary format, when the package can write it.
const binaries: { model: string; zip: number; bytes: number; gzipBytes: number; toBinaryMs: number; roundTrip: boolean }[] = [];
let binarySupported: boolean | undefined;
mkdirSync(join(OUT, 'models'), { recursive: true });
for (const model of models) {
  const out = join(OUT, 'models', `${model}.bin`);
  const r = await runProbe<{ supported: boolean; bytes: number; gzipBytes: number; toBinaryMs: number; roundTrip: boolean }>('make-binary', {
    pkg: PKG_URL,
    modelPath: modelPath(model),
    out,
  });
  if (!r.ok) {
    failures.push({ subject: `toBinary ${model}`, reason: r.error });
    continue;
  }
  binarySupported = r.value.supported;
  if (!r.value.supported) break;
  binaries.push({ model, zip: fileSize(modelPath(model)), ...r.value });
  if (!r.value.roundTrip) failures.push({ subject: `binary ${model}`, reason: 'the binary model loads but encodes differently from the zip' });
  await measure(
    `${model}.bin (WASM)`,
    { ours: { pkg: PKG_URL, path: out, engine: 'wasm' } },
    { subject: 'bytepiece', model, format: 'binary', engine: 'wasm', fileBytes: r.value.bytes },
  );
}

// Peers' cold start: import of the module, then the vocabulary, in a fresh process.
if (!quick) {
  const peers: PeerSpec[] = [
    { peer: 'tiktoken', model: 'cl100k_base' },
    { peer: 'gpt-tokenizer', model: 'cl100k_base' },
    ...spModels().flatMap((model): PeerSpec[] => [
      { peer: 'sentencepiece-js', model, path: spModelPath(model) },
      { peer: 'kitoken', model, path: spModelPath(model) },
    ]),
  ];
  for (const peer of peers) {
    await measure(
      `${PEER_NAMES[peer.peer]} ${peer.model}`,
      { peer },
      {
        subject: PEER_NAMES[peer.peer],
        model: peer.path ? `sp:${peer.model}` : peer.model,
        format: peer.path ? 'sp .model' : 'built in',
        fileBytes: peer.path ? fileSize(peer.path) : undefined,
      },
    );
  }
}

const row = (l: LoadRecord) => [
  l.subject,
  l.model,
  l.format,
  l.engine ?? '—',
  l.fileBytes === undefined ? '—' : fmt(l.fileBytes / 1e6),
  fmt(l.importMs),
  fmt(l.loadMs),
  fmt(l.importMs + l.loadMs),
  fmt(l.firstEncodeMs),
  fmt(l.peakRssMiB),
  fmt(l.baselineRssMiB),
  fmt(l.rssAfterGcMiB),
];
const columns = [
  'tokenizer',
  'model',
  'format',
  'engine',
  'file MB',
  'import ms',
  'load ms',
  'import + load ms',
  'first encode ms',
  'peak RSS MiB',
  'RSS before import MiB',
  'RSS after GC MiB',
];
const tables: Table[] = [{ title: `Cold load, median of ${RUNS} fresh processes`, columns, align: 'llll' + 'r'.repeat(8), rows: loads.map(row) }];
if (binaries.length > 0) {
  tables.push({
    title: 'Binary format (tokenizer.toBinary())',
    columns: ['model', 'zip bytes', 'binary bytes', 'binary gzip -9 bytes', 'gzip ÷ zip', 'toBinary ms', 'loads back to the same ids'],
    rows: binaries.map((b) => [b.model, b.zip, b.bytes, b.gzipBytes, fmt(b.gzipBytes / b.zip), fmt(b.toBinaryMs), b.roundTrip ? 'yes' : 'NO']),
  });
}

const big = loads.find((l) => l.subject === 'bytepiece' && l.model === largest && l.format === 'zip' && l.engine === 'wasm');
const notes = [
  defaultLoad
    ? `Default model (${LOAD_TARGET}, binary, ${fmt(statSync(DEFAULT_BIN).size / 1e6)} MB, shipped in dist/models/): \`Tokenizer.loadSync()\` from the built package ready in ${fmt(defaultLoad.loadMs)} ms (median of ${RUNS} fresh processes; target <= ${DEFAULT_LOAD_TARGET_MS} ms: ${defaultLoad.loadMs <= DEFAULT_LOAD_TARGET_MS ? 'met' : 'NOT met'}), after ${fmt(defaultLoad.importMs)} ms of import${floorText()}.`
    : 'Default model: not measured (see failures).',
  `Largest shared model: ${largest} (${rel(modelPath(largest))}, ${fmt(fileSize(modelPath(largest)) / 1e6)} MB)${big ? `: ready to encode in ${fmt(big.loadMs)} ms from its .zip (WASM engine), process peak RSS ${fmt(big.peakRssMiB)} MiB (${fmt(big.peakRssMiB * 1.048576)} MB), of which ${fmt(big.baselineRssMiB)} MiB is Node itself before the import` : ': not measured'}.`,
  "load ms = Tokenizer.loadSync(path) until it returns, ready to encode (read, unzip, parse, trie, WebAssembly compile and instantiate); import ms = import() of the bundled package (or the peer's module). Peak RSS = max(process.resourceUsage().maxRSS, VmHWM), which includes transient peaks during parsing.",
  `Binary format: ${binarySupported === undefined ? 'not probed' : binarySupported ? 'timed (files in bench/out/models/, git-ignored)' : 'n/a (toBinary not in this build)'}.`,
];
if (quick) notes.push('Quick mode: the largest model only, no peers.');

const result: SectionResult = { title: 'Load time and memory', tables, notes, loads, failures, data: { binaries } };
emit(result);
