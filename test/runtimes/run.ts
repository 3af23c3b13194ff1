// npm run test:runtimes: the packed package, installed as a user installs it, run in every runtime
// it claims: Node 20, 22 and 24, Deno, Bun (both entries, the pool, the CLI) and workerd (a real
// Worker over 127.0.0.1, the kernel bound as a WebAssembly.Module). Every result must equal Node
// 20's, byte for byte. The runtimes are npm packages, devDependencies of a scratch project in
// test-output/runtimes/ (git-ignored; kept between runs, so only the tarball is reinstalled), at
// the versions pinned below. The README's `ts worker`, `ts deno` and `ts bun` blocks run here too,
// in their runtime, as written. Prints one line per case and closes with "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { HAS_SHARED, modelPath } from '../helpers/shared.js';
import { readmeBlocks } from '../helpers/readme-blocks.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = join(ROOT, 'test', 'runtimes');
const WORK = join(ROOT, 'test-output', 'runtimes');

/** The runtimes, pinned (the newest `npm view` gave on 2026-12-07). Node 20 is the reference. */
const RUNTIMES = {
  node20: 'npm:node@20.20.2',
  node22: 'npm:node@22.23.3',
  node24: 'npm:node@24.21.0',
  deno: '2.9.6',
  bun: '1.4.5',
  workerd: '1.20261123.1',
};
const SHARED_MODEL = 'bytepiece.plus.80k';

/**
 * What is known not to work, with the runtime's own error (docs/runtimes.md explains each). A case
 * listed here that starts working fails the run, so the docs get updated.
 */
const UNSUPPORTED: { runtime: RegExp; entry: string; case: string; error: RegExp }[] = [
  // Node's fetch has no file: URLs; Node users get the node entry, which reads the file.
  { runtime: /^node/, entry: 'universal', case: 'default model, load() located by itself', error: /could not fetch the model from file:.*not implemented/ },
  // A Worker's modules have no URL (a bundle has no files beside it): the bytes are bound instead.
  { runtime: /^workerd/, entry: 'universal', case: 'default model, load() located by itself', error: /cannot locate the default model next to this module/ },
  // Workers forbid compiling WebAssembly from bytes (the README's edge path binds the Module).
  { runtime: /^workerd/, entry: 'universal', case: 'kernel as bytes (compiling in the Worker)', error: /forbids compiling WebAssembly from bytes/ },
];

let passed = 0;
let failed = 0;
const pass = (what: string) => {
  passed++;
  console.log(`ok    ${what}`);
};
const fail = (what: string) => {
  failed++;
  console.log(`FAIL  ${what}`);
};

type Cases = Record<string, unknown>;
interface SmokeOutput {
  runtime: { name: string; version?: string };
  entry: string;
  cases: Cases;
  loadMs?: number;
}

function sh(cmd: string, args: string[], cwd: string, timeout = 300_000): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, maxBuffer: 256 << 20, env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}:\n${r.stderr}${r.error ? String(r.error) : ''}`);
  return r.stdout;
}

/** As sh, without blocking: runtimes run two at a time (2 cores). */
function shAsync(cmd: string, args: string[], cwd: string, timeout = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, timeout, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${code ?? signal}:\n${stderr}`));
    });
  });
}

/** Packs the package (prepack builds it) and installs the tarball beside the pinned runtimes. */
function install(): string {
  mkdirSync(WORK, { recursive: true });
  for (const f of readdirSync(WORK)) if (f.endsWith('.tgz')) rmSync(join(WORK, f));
  const tarball = sh('npm', ['pack', '--silent', '--pack-destination', WORK], ROOT).trim().split('\n').pop()!;
  const devDependencies = { ...RUNTIMES, 'bytepiece-wasm': `file:./${tarball}` };
  writeFileSync(
    join(WORK, 'package.json'),
    `${JSON.stringify({ name: 'bytepiece-wasm-runtimes', private: true, type: 'module', devDependencies }, null, 2)}\n`,
  );
  rmSync(join(WORK, 'node_modules', 'bytepiece-wasm'), { recursive: true, force: true }); // same name, new contents
  sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], WORK, 600_000);
  for (const f of readdirSync(HERE)) if (f.endsWith('.js')) copyFileSync(join(HERE, f), join(WORK, f));
  return tarball;
}

const bin = {
  node20: () => join(WORK, 'node_modules', 'node20', 'bin', 'node'),
  node22: () => join(WORK, 'node_modules', 'node22', 'bin', 'node'),
  node24: () => join(WORK, 'node_modules', 'node24', 'bin', 'node'),
  deno: () => join(WORK, 'node_modules', 'deno', 'deno'),
  bun: () => join(WORK, 'node_modules', 'bun', 'bin', 'bun.exe'),
  workerd: () => join(WORK, 'node_modules', 'workerd', 'bin', 'workerd'),
};
type Local = 'node20' | 'node22' | 'node24' | 'deno' | 'bun';

/** How each runtime runs a script file (Deno with every permission: the CLI reads and writes files). */
const runScript = (rt: Local, file: string, args: string[]): [string, string[]] =>
  rt === 'deno' ? [bin.deno(), ['run', '-A', file, ...args]] : [bin[rt](), [file, ...args]];

function version(rt: keyof typeof bin): string {
  const out = sh(bin[rt](), ['--version'], WORK).trim();
  return rt === 'deno'
    ? out.split('\n')[0]!.replace(/ \(.*/, '')
    : rt === 'workerd'
      ? `${out} (npm workerd@${RUNTIMES.workerd})`
      : `${rt.startsWith('node') ? 'node ' : 'bun '}${out.replace(/^v/, '')}`;
}

// Results are compared as JSON text: "byte for byte".
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** How many cases each harness runs (smoke-local.js, smoke-worker.js), with and without ../shared. */
const CASES = { node: [6, 3], universal: [5, 2], worker: [6, 4] };

/** Checks each case of a run against Node 20's (`expected`: case name → expected JSON value). */
function judge(label: string, rt: string, out: SmokeOutput, expected: (caseName: string) => unknown): void {
  const harness = rt === 'workerd' ? 'worker' : (out.entry as 'node' | 'universal');
  const want = CASES[harness][HAS_SHARED ? 0 : 1]!;
  const got = Object.keys(out.cases).length;
  if (got !== want) fail(`${label} [${out.entry} entry]: ${got} cases ran, ${want} expected`);
  for (const [name, value] of Object.entries(out.cases)) {
    const what = `${label} [${out.entry} entry] ${name}`;
    const error = (value as { error?: string }).error;
    const known = UNSUPPORTED.find((u) => u.runtime.test(rt) && u.entry === out.entry && u.case === name);
    if (known) {
      if (error && known.error.test(error)) pass(`${what}: not supported, as documented: ${error}`);
      else fail(`${what}: documented as not supported, but ${error ? `failed otherwise: ${error}` : 'it works now: update docs/runtimes.md and run.ts'}`);
    } else if (error) fail(`${what}: ${error}`);
    else if (same(value, expected(name))) pass(`${what}: ids equal Node 20's`);
    else
      fail(
        `${what}: differs from Node 20's:\n      got      ${JSON.stringify(value).slice(0, 300)}\n      expected ${JSON.stringify(expected(name)).slice(0, 300)}`,
      );
  }
}

/** The result each case must give: both engines equal Node 20's WASM engine, node entry, load(). */
function expectation(ref: SmokeOutput): (caseName: string) => unknown {
  const canonical = (model: string) => {
    const r = ref.cases[model === 'default' ? 'default model, load()' : 'shared model, load(path)'] as { wasm?: unknown };
    return r?.wasm ? { wasm: r.wasm, js: r.wasm } : r;
  };
  return (name) => (name.includes('TokenizerPool') ? ref.cases[name] : canonical(name.startsWith('default') ? 'default' : 'shared'));
}

async function smokeLocal(rt: Local, entry: 'node' | 'universal', shared: string): Promise<SmokeOutput> {
  const [cmd, args] = runScript(rt, 'smoke-local.js', [entry, shared]);
  return JSON.parse(await shAsync(cmd, args, WORK)) as SmokeOutput;
}

/** `bytepiece encode` on a file of lines, with two worker threads and small blocks; the output's bytes. */
async function cli(rt: Local, model: string | undefined, out: string): Promise<Buffer> {
  const cliJs = join('node_modules', 'bytepiece-wasm', 'dist', 'cli.js');
  const args = [
    'encode',
    '--lines',
    'cli-input.txt',
    '--workers',
    '2',
    '--block-size',
    '4096',
    '--add-eos',
    '--quiet',
    '-o',
    out,
    ...(model ? ['--model', model] : []),
  ];
  const [cmd, full] = runScript(rt, cliJs, args);
  rmSync(join(WORK, out), { force: true });
  await shAsync(cmd, full, WORK);
  return readFileSync(join(WORK, out));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
  });
}

/**
 * Serves `mainModule` in workerd, the package's modules named as Wrangler names them, and sends it
 * one request; its answer.
 */
async function workerd(mainModule: string, shared: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const port = await freePort();
  // workerd embeds only files under its config's folder; empty when there is no shared model.
  rmSync(join(WORK, 'shared-model.zip'), { force: true });
  if (shared) copyFileSync(shared, join(WORK, 'shared-model.zip'));
  else writeFileSync(join(WORK, 'shared-model.zip'), '');
  const dist = 'node_modules/bytepiece-wasm/dist';
  const modules = [
    `(name = "worker.js", esModule = embed "${mainModule}")`,
    `(name = "smoke-core.js", esModule = embed "smoke-core.js")`,
    `(name = "bytepiece-wasm", esModule = embed "${dist}/browser.js")`,
    `(name = "bytepiece-wasm/bytepiece.wasm", wasm = embed "${dist}/bytepiece.wasm")`,
    `(name = "bytepiece-wasm/models/bytepiece.eu.plus.160k.bin", data = embed "${dist}/models/bytepiece.eu.plus.160k.bin")`,
    `(name = "kernel-bytes", data = embed "${dist}/bytepiece.wasm")`,
    `(name = "shared-model.zip", data = embed "shared-model.zip")`,
  ];
  writeFileSync(
    join(WORK, 'workerd.capnp'),
    [
      'using Workerd = import "/workerd/workerd.capnp";',
      'const config :Workerd.Config = (',
      '  services = [ (name = "main", worker = .smoke) ],',
      `  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],`,
      ');',
      `const smoke :Workerd.Worker = ( modules = [ ${modules.join(', ')} ], compatibilityDate = "2025-09-01" );`,
      '',
    ].join('\n'),
  );
  const child = spawn(bin.workerd(), ['serve', 'workerd.capnp'], { cwd: WORK, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => {
    log += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    log += d;
  });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`, { ...init, signal: AbortSignal.timeout(120_000) });
        return { status: response.status, body: await response.text() };
      } catch (e) {
        if (attempt >= 100 || child.exitCode !== null) throw new Error(`workerd did not answer on 127.0.0.1:${port}: ${(e as Error).message}\n${log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    if (child.exitCode === null) {
      child.kill();
      await once(child, 'exit');
    }
  }
}

async function main(): Promise<void> {
  if (!HAS_SHARED) console.warn(`\n*** SKIPPED: the shared-model cases (../shared is missing); only the default model is checked ***\n`);
  const shared = HAS_SHARED ? modelPath(SHARED_MODEL) : '';
  const tInstall = Date.now();
  const tarball = install();
  console.log(`packed and installed ${tarball} with the runtimes in ${WORK} in ${((Date.now() - tInstall) / 1000).toFixed(0)} s`);
  const versions = Object.fromEntries((Object.keys(bin) as (keyof typeof bin)[]).map((rt) => [rt, version(rt)]));
  for (const v of Object.values(versions)) console.log(`runtime: ${v}`);
  const t0 = Date.now();

  // CLI input: the smoke text's lines and more, several 4 KB blocks.
  const { SMOKE_TEXT } = (await import(join(HERE, 'smoke-core.js'))) as { SMOKE_TEXT: string };
  const lines = SMOKE_TEXT.split('\n');
  writeFileSync(join(WORK, 'cli-input.txt'), Array.from({ length: 400 }, (_, i) => `${i} ${lines[i % lines.length]}`).join('\n') + '\n');

  // Node 20: the reference.
  const refNode = await smokeLocal('node20', 'node', shared);
  const expected = expectation(refNode);
  const refCli = {
    default: await cli('node20', undefined, 'cli-node20-default.jsonl'),
    shared: shared ? await cli('node20', shared, 'cli-node20-shared.jsonl') : undefined,
  };
  if (refCli.default.length === 0) throw new Error("Node 20's CLI wrote nothing");

  // Each runtime's runs, two runtimes at a time; results are printed in order.
  const perRuntime = async (rt: Local): Promise<() => void> => {
    const smokes: (SmokeOutput | Error)[] = [];
    for (const entry of ['node', 'universal'] as const) smokes.push(await smokeLocal(rt, entry, shared).catch((e: unknown) => e as Error));
    const clis: [string, Buffer | Error][] = [];
    for (const [label, model] of [
      ['default', undefined],
      ['shared', shared || undefined],
    ] as const) {
      if (label === 'shared' && !model) continue;
      clis.push([label, await cli(rt, model, `cli-${rt}-${label}.jsonl`).catch((e: unknown) => e as Error)]);
    }
    return () => {
      for (const s of smokes) {
        if (s instanceof Error) fail(`${versions[rt]}: the smoke program failed: ${s.message}`);
        else judge(versions[rt]!, rt, s, expected);
      }
      for (const [label, out] of clis) {
        const what = `${versions[rt]} [cli] bytepiece encode --lines (2 workers), ${label} model`;
        if (out instanceof Error) fail(`${what}: ${out.message}`);
        else if (out.equals(refCli[label as 'default' | 'shared']!)) pass(`${what}: output equals Node 20's (${out.length} bytes)`);
        else fail(`${what}: output differs from Node 20's`);
      }
    };
  };
  const order: Local[] = ['node20', 'node22', 'node24', 'deno', 'bun'];
  const reports: Promise<() => void>[] = [];
  for (let i = 0; i < order.length; i += 2) {
    const pair = order.slice(i, i + 2).map(perRuntime);
    reports.push(...pair);
    await Promise.all(pair);
  }
  for (const report of reports) (await report)();
  console.log(`(runtimes checked in ${((Date.now() - t0) / 1000).toFixed(0)} s since the install)`);

  // workerd: the smoke Worker, then the README's Worker.
  const smoke = await workerd('smoke-worker.js', shared);
  if (smoke.status !== 200) fail(`${versions.workerd} smoke Worker answered HTTP ${smoke.status}: ${smoke.body.slice(0, 300)}`);
  else {
    const out = JSON.parse(smoke.body) as SmokeOutput;
    judge(versions.workerd!, 'workerd', out, expected);
    console.log(`workerd: the default model loaded in ${out.loadMs} ms inside the Worker (Tokenizer.load, model bound as bytes, kernel as a Module)`);
  }

  // The README's Worker, Deno and Bun examples, as written, in their runtime; each must print (or
  // answer) what the same program prints in Node 20 (its `npm:` specifier dropped).
  const blocks = readmeBlocks().filter((b) => ['ts worker', 'ts deno', 'ts bun'].includes(b.info));
  for (const kind of ['ts worker', 'ts deno', 'ts bun']) if (!blocks.some((b) => b.info === kind)) fail(`README.md has no \`\`\`${kind} block`);
  for (const b of blocks) {
    const rt = b.info.slice(3) as 'worker' | 'deno' | 'bun';
    const what = `${rt === 'worker' ? versions.workerd : versions[rt]} README.md line ${b.line}`;
    try {
      const asNode = `readme-${b.line}-node20.mjs`;
      writeFileSync(join(WORK, asNode), transformSync(b.code.replaceAll("'npm:bytepiece-wasm", "'bytepiece-wasm"), { loader: 'ts', format: 'esm' }).code);
      if (rt === 'worker') {
        writeFileSync(join(WORK, `readme-${b.line}.js`), transformSync(b.code, { loader: 'ts', format: 'esm' }).code);
        const got = await workerd(`readme-${b.line}.js`, shared, { method: 'POST', body: SMOKE_TEXT });
        const want = JSON.stringify((expected('default model') as { wasm: { ids: number[] } }).wasm.ids.slice(1, -1));
        if (got.status === 200 && got.body === want) pass(`${what}: the Worker, POSTed the smoke text, answers ids equal to Node 20's`);
        else fail(`${what}: the Worker answered HTTP ${got.status}: ${got.body.slice(0, 300)}`);
        continue;
      }
      const file = `readme-${b.line}.ts`;
      writeFileSync(join(WORK, file), b.code);
      const got = rt === 'deno' ? sh(bin.deno(), ['run', '--allow-read', file], WORK) : sh(bin.bun(), [file], WORK);
      const want = sh(bin.node20(), [asNode], WORK);
      if (got.length > 0 && got === want) pass(`${what}: runs as written; prints what Node 20 prints (${got.trim().split('\n').length} lines)`);
      else fail(`${what}: printed\n${got}\n  Node 20 printed\n${want}`);
    } catch (e) {
      fail(`${what}: ${(e as Error).message}`);
    }
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  if (failed > 0 || passed === 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  console.log(`\n${passed} passed, ${failed + 1} failed`);
  process.exitCode = 1;
});
