// Section: where the hardware stops, measured in this run. The speed targets were set from
// a native C walk timed elsewhere (bench/lib/reference.ts); this section compiles the same kinds of
// kernel (bench/native/walk.c, gcc -O3 -march=native) and times them over this package's own
// double array, side by side with the WASM kernel and with Tokenizer.encode, one pass of each per
// round. This machine's speed swings by up to 2x from one second to the next, so the ratios are
// medians of each round's own ratio, not ratios of medians.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Tokenizer } from '../../src/node.js';
import { emit, progress, type Failure, type SectionResult } from '../lib/contract.js';
import { loadCorpus } from '../lib/corpus.js';
import { allCorpora, corpusPath, isQuick, modelPath, reps, REPO, shortCorpus } from '../lib/shared.js';
import { fmt, median } from '../lib/stats.js';
import { TARGET_MODELS } from '../lib/reference.js';

const TITLE = 'Where the hardware stops: native C on this machine, side by side';
const NATIVE = ['plain16', 'split', 'lockstep'] as const;
const models = isQuick() ? TARGET_MODELS.slice(0, 1) : [...TARGET_MODELS];
const corpora = allCorpora().map((c) => loadCorpus(c, corpusPath(c)));
/** Rounds per corpus: more than the other sections' passes, since each figure is a paired ratio. */
const rounds = 2 * reps() + 1;
const failures: Failure[] = [];

/** The package's internals the kernel column needs (as the kernel profiling harness, now at tag lab-notebook-2026-12, used them). */
interface WasmInternals {
  kernel: { encode(input: number, n: number, trace: number, split: number): number };
  scratch: number;
  input: Uint8Array;
  reserve(end: number): void;
}

/** bench/native/walk.c as a server: one request line, one pass over a corpus, one answer line. */
function startNative(binary: string, trieFile: string, docFiles: string[]) {
  const child = spawn(binary, [trieFile, ...docFiles], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    async pass(corpus: number, kernel: number): Promise<{ mbps: number; checksum: number }> {
      child.stdin!.write(`${corpus} ${kernel}\n`);
      const line = await lines.next();
      if (line.done) throw new Error(`the native walk exited (code ${child.exitCode})`);
      const [nsPerByte, checksum] = line.value.split(' ').map(Number) as [number, number];
      return { mbps: 1000 / nsPerByte, checksum };
    },
    close: () => child.stdin!.end(),
  };
}

const view = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function main(): Promise<SectionResult> {
  const cc = process.env.CC ?? 'gcc';
  const dir = mkdtempSync(join(tmpdir(), 'bytepiece-native-'));
  try {
    const binary = join(dir, 'walk');
    const built = spawnSync(cc, ['-O3', '-march=native', '-o', binary, join(REPO, 'bench', 'native', 'walk.c')], { encoding: 'utf8' });
    if (built.error || built.status !== 0) {
      return {
        title: TITLE,
        failures: [
          { subject: 'native C', reason: `section not run: ${cc} could not compile bench/native/walk.c (${built.error?.message ?? built.stderr.trim()})` },
        ],
      };
    }
    const version = spawnSync(cc, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]!.trim();
    // The documents after NFC, as the Tokenizer sees them: i32 length + UTF-8 bytes each.
    const bytes = corpora.map((c) => c.docs.map((d) => new TextEncoder().encode(d.normalize('NFC'))));
    const docFiles = corpora.map((c, k) => {
      const file = join(dir, `${c.name}.docs`);
      writeFileSync(file, Buffer.concat(bytes[k]!.flatMap((b) => [view(new Int32Array([b.length])), view(b)])));
      return file;
    });
    const rows: string[][] = [];
    for (const model of models) {
      const tok = Tokenizer.loadSync(modelPath(model), { engine: 'wasm' });
      const impl = (tok as unknown as { impl: WasmInternals }).impl;
      // The engine's own double array: i32 node count, rootBase, maxPieceLength, 0; records; node ids.
      const { trie, maxPieceLength } = (
        tok as unknown as { model: { trie: { words: Int32Array; nodeIds: Int32Array; rootBase: number }; maxPieceLength: number } }
      ).model;
      const trieFile = join(dir, `${model}.trie`);
      writeFileSync(
        trieFile,
        Buffer.concat([view(new Int32Array([trie.words.length / 4, trie.rootBase, maxPieceLength, 0])), view(trie.words), view(trie.nodeIds)]),
      );
      const native = startNative(binary, trieFile, docFiles);
      try {
        for (const [index, corpus] of corpora.entries()) {
          progress(`  native ${model} ${corpus.name}: ${rounds} rounds`);
          const docs = bytes[index]!;
          const total = docs.reduce((n, b) => n + b.length, 0);
          impl.reserve(impl.scratch + 16 * Math.max(...docs.map((b) => b.length)) + 64); // input + trace
          // Every id, last to first per document, folded as walk.c folds them.
          let want = 0;
          for (const d of corpus.docs) {
            const ids = tok.encode(d);
            for (let k = ids.length - 1; k >= 0; k--) want = (Math.imul(want, 31) + ids[k]!) >>> 0;
          }
          const speeds = [...NATIVE, 'kernel', 'encode'].map(() => [] as number[]);
          const kernelRatio: number[] = [];
          const encodeRatio: number[] = [];
          const wrong = new Set<string>();
          let sink = 0;
          for (let r = -1; r < rounds; r++) {
            // round -1 warms up
            const round: number[] = [];
            for (let k = 0; k < NATIVE.length; k++) {
              const { mbps, checksum } = await native.pass(index, k);
              if (checksum !== want) wrong.add(NATIVE[k]!);
              round.push(mbps);
            }
            let t0 = performance.now();
            for (const b of docs) {
              impl.input.set(b);
              sink += impl.kernel.encode(impl.scratch, b.length, (impl.scratch + b.length + 7) & -8, 1);
            }
            round.push(total / 1000 / (performance.now() - t0));
            t0 = performance.now();
            for (const d of corpus.docs) sink += tok.encode(d).length;
            round.push(total / 1000 / (performance.now() - t0));
            if (r < 0) continue;
            round.forEach((v, k) => speeds[k]!.push(v));
            const bestC = Math.max(...round.slice(0, NATIVE.length));
            kernelRatio.push(round[NATIVE.length]! / bestC);
            encodeRatio.push(round[NATIVE.length + 1]! / bestC);
          }
          for (const k of wrong) failures.push({ subject: `native C ${k}`, reason: `${model} ${corpus.name}: ids differ from Tokenizer.encode's (checksum)` });
          if (sink === 0.5) progress('');
          rows.push([model, shortCorpus(corpus.name), ...speeds.map((v) => fmt(median(v))), `${fmt(median(kernelRatio))}×`, `${fmt(median(encodeRatio))}×`]);
        }
      } finally {
        native.close();
      }
    }
    return {
      title: TITLE,
      intro: `bench/native/walk.c compiled here with \`${cc} -O3 -march=native\` (${version}), over the WASM engine's own double array (the same 16-byte records, the same layout) and the same documents after NFC, one call per document, \`\\n\` chunks on their own; every native kernel's ids checked against Tokenizer.encode's (a checksum per corpus). Each round runs one pass of each kernel, then of the WASM kernel, then of Tokenizer.encode; ${rounds} rounds per corpus after one warm-up round. The native kernels are timed without NFC, UTF-8 or a result array: bytes already in memory, as the "WASM kernel" column.`,
      tables: [
        {
          title: "MB/s (medians of the rounds); ratios: medians of each round's own ratio to the fastest native kernel of that round",
          columns: [
            'model',
            'corpus',
            'C plain walk',
            'C plain walk, split arrays',
            'C lockstep',
            'WASM kernel',
            'WASM encode',
            'WASM kernel ÷ best C',
            'WASM encode ÷ best C',
          ],
          align: 'll' + 'r'.repeat(7),
          rows,
        },
      ],
      notes: [
        "C plain walk: one trie walk per start byte, pushing best[s] + score to each end it reaches (strict >, starts in increasing order: the reference's tie rule): the issue's \"plain double-array walk\". Split arrays: the same walk over 8-byte (base, check) records and a parallel array of scores. C lockstep: this package's kernel algorithm (all starts in lockstep), one stream, written plainly.",
        "WASM kernel: the package's kernel on bytes already in its memory (two streams, see assembly/index.ts); WASM encode: Tokenizer.encode, JS string in, Uint32Array out, NFC check and UTF-8 included.",
      ],
      failures,
      data: { compiler: version, rounds },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

emit(await main());
