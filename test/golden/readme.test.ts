// Every fenced code block of README.md runs or type-checks, so none can rot. A block's info string
// says how (CONTRIBUTING.md):
//   ts node                 run with Node (tsx) against the built package, imported by its name
//                           (package self-reference: the exports map is checked as a user meets it);
//   sh                      each `npx bytepiece …` line run as `node dist/cli.js …`;
//   ts browser, js browser,
//   html                    type-checked with tsc against the package's types (they need a browser,
//                           a bundler or an edge runtime); an html block's module script, with
//                           './bytepiece-wasm/' served from dist/;
//   ts worker               type-checked as above, and run in workerd by `npm run test:runtimes`;
//   ts deno, ts bun         run as written in Deno and Bun by `npm run test:runtimes`
//                           (test/runtimes/run.ts), which installs those runtimes.
// Node and sh blocks run in test-output/readme/ (inside the package, so `bytepiece-wasm` resolves to
// it) beside the shared models bytepiece.plus.80k.zip and bytepiece.eu.plus.160k.zip, a corpus.txt
// and a data.jsonl.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED, corpusTexts, modelPath } from '../helpers/shared.js';
import { readmeBlocks } from '../helpers/readme-blocks.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const WORK = join(ROOT, 'test-output', 'readme');
const hasDist = existsSync(join(ROOT, 'dist', 'node.js'));
if (!hasDist) console.warn('SKIPPED test/golden/readme.test.ts: dist/ is missing (run `npm run build`; `npm test` does)');

const ALL = readmeBlocks(README);
const KINDS = ['ts node', 'sh', 'ts browser', 'js browser', 'html', 'ts worker', 'ts deno', 'ts bun'];

function prepareWorkDir(): void {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  symlinkSync(modelPath('bytepiece.plus.80k'), join(WORK, 'bytepiece.plus.80k.zip'));
  symlinkSync(modelPath('bytepiece.eu.plus.160k'), join(WORK, 'bytepiece.eu.plus.160k.zip'));
  symlinkSync(join(ROOT, 'dist'), join(WORK, 'bytepiece-wasm'));
  const texts = corpusTexts('zh-fortunes').slice(0, 50);
  writeFileSync(join(WORK, 'corpus.txt'), texts.join('\n'));
  writeFileSync(join(WORK, 'data.jsonl'), texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
}

const run = (file: string, args: string[]) =>
  execFileSync(process.execPath, [file, ...args], { cwd: WORK, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

describe('README.md code blocks', () => {
  it('each says how it is checked', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(8);
    for (const b of ALL) expect(KINDS, `README.md line ${b.line}: \`\`\`${b.info}`).toContain(b.info);
    expect(ALL.filter((b) => b.info === 'ts node').length).toBeGreaterThanOrEqual(3);
  });

  describe.skipIf(!hasDist || !HAS_SHARED)('run', () => {
    prepareWorkDir();
    const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

    for (const b of ALL.filter((x) => x.info === 'ts node')) {
      it(`the Node example at line ${b.line} runs as written`, () => {
        const file = join(WORK, `block-${b.line}.mts`);
        writeFileSync(file, b.code);
        const output = run(tsx, [file]);
        expect(output.length).toBeGreaterThan(0); // every Node example prints what it shows
      }, 180_000);
    }

    for (const b of ALL.filter((x) => x.info === 'sh')) {
      it(`the shell example at line ${b.line} runs as written`, () => {
        const lines = b.code.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
        for (const line of lines) {
          if (line.startsWith('npm install ')) continue; // installing is what the test stands in for
          expect(line, `README.md line ${b.line}: a command this test cannot run`).toMatch(/^npx bytepiece /);
          const args = line.slice('npx bytepiece '.length).split(/\s+/);
          run(join(ROOT, 'dist', 'cli.js'), [...args, ...(args[0] === 'info' ? [] : ['--quiet'])]);
        }
      }, 180_000);
    }
  });

  describe.skipIf(!hasDist)('type-check', () => {
    it('the browser, bundler, worker and edge examples type-check against the package', () => {
      const dir = join(ROOT, 'test-output', 'readme-types');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      symlinkSync(join(ROOT, 'dist'), join(dir, 'bytepiece-wasm'));
      const files: string[] = [];
      for (const b of ALL.filter((x) => ['ts browser', 'js browser', 'html', 'ts worker'].includes(x.info))) {
        let code = b.code;
        if (b.info === 'html') {
          const script = /<script type="module">([\s\S]*?)<\/script>/.exec(code);
          expect(script, `README.md line ${b.line}: an html block holds a module script`).not.toBeNull();
          code = `${script![1]!}\nexport {};\n`;
        }
        const name = `block-${b.line}.${b.info.startsWith('js') ? 'js' : 'ts'}`;
        writeFileSync(join(dir, name), code);
        files.push(name);
      }
      // What an edge runtime and its types provide (Wrangler: .wasm imports are compiled Modules, .bin
      // imports ArrayBuffers).
      writeFileSync(join(dir, 'ambient.d.ts'), [
        "declare module '*.wasm' { const module: WebAssembly.Module; export default module; }",
        "declare module '*.bin' { const data: ArrayBuffer; export default data; }",
        "declare module '@cloudflare/workers-types' { export interface R2Bucket { get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null> } }",
      ].join('\n'));
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [],
          strict: true, noEmit: true, allowJs: true, checkJs: true, skipLibCheck: true,
        },
        files: ['ambient.d.ts', ...files],
      }));
      try {
        execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
      } catch (e) {
        throw new Error(`README examples do not type-check:\n${(e as { stdout?: string }).stdout ?? String(e)}`);
      }
    }, 120_000);
  });
});
