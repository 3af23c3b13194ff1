// Every fenced code block of README.md and docs/guide.md runs or type-checks, so none can rot. A
// block's info string says how (CONTRIBUTING.md):
//   ts node                 run with Node (tsx) against the built package, imported by its name
//                           (package self-reference: the exports map is checked as a user meets it);
//   cjs node                run with plain Node as a CommonJS file (require, the exports' `require`);
//   sh                      each `npx bytepiece …` line run as `node dist/cli.js …`; an `npm …` line
//                           must be one of the commands .ci/run runs (`npm install` stands as is);
//   ts browser, js browser,
//   html                    type-checked with tsc against the package's types (they need a browser,
//                           a bundler or an edge runtime); an html block's module script, with
//                           './bytepiece-wasm/' served from dist/;
//   ts worker               type-checked as above, and run in workerd by `npm run test:runtimes`;
//   ts deno, ts bun         run as written in Deno and Bun by `npm run test:runtimes`
//                           (test/runtimes/run.ts), which installs those runtimes.
// Node and sh blocks run in test-output/readme/ (inside the package, so `bytepiece-wasm` resolves to
// it) beside the shared models bytepiece.plus.80k.zip and bytepiece.eu.plus.160k.zip, a corpus.txt
// and a data.jsonl. Relative links between the documents must point at files and headings that exist.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED, corpusTexts, modelPath } from '../helpers/shared.js';
import { readmeBlocks } from '../helpers/readme-blocks.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORK = join(ROOT, 'test-output', 'readme');
const hasDist = existsSync(join(ROOT, 'dist', 'node.js'));
if (!hasDist) console.warn('SKIPPED test/golden/readme.test.ts: dist/ is missing (run `npm run build`; `npm test` does)');

const blocks = (markdown: string) => readmeBlocks(markdown);

/**
 * The documents whose blocks are checked, with the fewest blocks of each kind each must hold: the
 * README is the short tour (one example per capability), the guide keeps every longer example.
 * A document losing examples below these counts means they were cut, not moved.
 */
const DOCS = [
  { file: 'README.md', min: { all: 15, 'ts node': 7, 'cjs node': 1, sh: 4, html: 1, 'ts browser': 1 } },
  { file: 'docs/guide.md', min: { all: 16, 'ts node': 8, 'cjs node': 1, sh: 3, html: 1, 'ts browser': 2, 'js browser': 1 } },
].map((d) => {
  const text = readFileSync(join(ROOT, d.file), 'utf8');
  const tag = d.file.replace(/^.*\//, '').replace(/\.md$/, '').toLowerCase();
  return { ...d, text, all: blocks(text).map((b) => ({ ...b, doc: d.file, name: `${tag}-${b.line}` })) };
});
const ALL = DOCS.flatMap((d) => d.all);
const KINDS = ['ts node', 'cjs node', 'sh', 'ts browser', 'js browser', 'html', 'ts worker', 'ts deno', 'ts bun'];

/** The `npm …` commands CI runs, one per line of .ci/run. */
const CI_NPM = readFileSync(join(ROOT, '.ci', 'run'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l.startsWith('npm '));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const body = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  for (const m of body.matchAll(/^#{1,6} +(.+)$/gm)) {
    const base = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

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

describe('README.md and docs/guide.md code blocks', () => {
  for (const d of DOCS) {
    it(`${d.file}: each block says how it is checked, and the examples are all there`, () => {
      for (const b of d.all) expect(KINDS, `${d.file} line ${b.line}: \`\`\`${b.info}`).toContain(b.info);
      for (const [kind, least] of Object.entries(d.min)) {
        const count = kind === 'all' ? d.all.length : d.all.filter((b) => b.info === kind).length;
        expect(count, `${d.file}: blocks of kind ${kind}`).toBeGreaterThanOrEqual(least);
      }
    });

    it(`${d.file}: its relative links point at files and headings that exist`, () => {
      const body = d.text.replace(/^```[\s\S]*?^```$/gm, '');
      const links = [...body.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) {
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? join(ROOT, d.file) : join(ROOT, dirname(d.file), path);
        expect(existsSync(target), `${d.file}: link ${link}: no file ${target}`).toBe(true);
        if (anchor !== undefined) {
          expect([...anchors(readFileSync(target, 'utf8'))], `${d.file}: link ${link}: no such heading`).toContain(anchor);
        }
      }
    });
  }

  it('the README and CONTRIBUTING.md give the commands CI runs', () => {
    expect(CI_NPM).toContain('npm ci');
    expect(CI_NPM).toContain('npm test');
    for (const file of ['README.md', 'CONTRIBUTING.md']) {
      const shLines = blocks(readFileSync(join(ROOT, file), 'utf8'))
        .filter((b) => b.info === 'sh')
        .flatMap((b) => b.code.split('\n').map((l) => l.trim()));
      for (const command of CI_NPM) expect(shLines, `${file}: a sh block with \`${command}\` (.ci/run runs it)`).toContain(command);
    }
  });

  describe.skipIf(!hasDist || !HAS_SHARED)('run', () => {
    prepareWorkDir();
    const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

    for (const b of ALL.filter((x) => x.info === 'ts node' || x.info === 'cjs node')) {
      it(`the Node example at ${b.doc} line ${b.line} runs as written`, () => {
        const cjs = b.info === 'cjs node';
        const file = join(WORK, `block-${b.name}.${cjs ? 'cjs' : 'mts'}`);
        writeFileSync(file, b.code);
        const output = cjs ? run(file, []) : run(tsx, [file]);
        expect(output.length).toBeGreaterThan(0); // every Node example prints what it shows
      }, 180_000);
    }

    for (const b of ALL.filter((x) => x.info === 'sh')) {
      it(`the shell example at ${b.doc} line ${b.line} runs as written`, () => {
        const lines = b.code
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith('#'));
        for (const line of lines) {
          if (line.startsWith('npm install ')) continue; // installing is what the test stands in for
          if (line.startsWith('npm ')) {
            expect(CI_NPM, `${b.doc} line ${b.line}: \`${line}\` is not a command .ci/run runs`).toContain(line);
            continue; // the development commands are CI itself
          }
          expect(line, `${b.doc} line ${b.line}: a command this test cannot run`).toMatch(/^npx bytepiece /);
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
          expect(script, `${b.doc} line ${b.line}: an html block holds a module script`).not.toBeNull();
          code = `${script![1]!}\nexport {};\n`;
        }
        const name = `block-${b.name}.${b.info.startsWith('js') ? 'js' : 'ts'}`;
        writeFileSync(join(dir, name), code);
        files.push(name);
      }
      // What an edge runtime and its types provide (Wrangler: .wasm imports are compiled Modules).
      writeFileSync(
        join(dir, 'ambient.d.ts'),
        [
          "declare module '*.wasm' { const module: WebAssembly.Module; export default module; }",
          "declare module '*.bin' { const data: ArrayBuffer; export default data; }",
          "declare module '@cloudflare/workers-types' { export interface R2Bucket { get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null> } }",
        ].join('\n'),
      );
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'ESNext',
            moduleResolution: 'Bundler',
            lib: ['ES2022', 'DOM'],
            types: [],
            strict: true,
            noEmit: true,
            allowJs: true,
            checkJs: true,
            skipLibCheck: true,
          },
          files: ['ambient.d.ts', ...files],
        }),
      );
      try {
        execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
      } catch (e) {
        throw new Error(`README examples do not type-check:\n${(e as { stdout?: string }).stdout ?? String(e)}`);
      }
    }, 120_000);
  });
});
