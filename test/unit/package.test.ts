// What `npm pack` puts in the tarball: the license, the README, package.json and the build (dist/),
// every file the exports map, bin and worker scripts name, the Markdown the README links to (so its
// links work in node_modules and on unpkg), and nothing from bench/, test/ or examples/ besides the
// benchmark results page. Needs dist/ (`npm test` builds it first).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path/posix';
import GithubSlugger from 'github-slugger';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url);
const hasDist = existsSync(new URL('dist/node.js', ROOT));
if (!hasDist) console.warn('SKIPPED test/unit/package.test.ts: dist/ is missing (run `npm run build`; `npm test` does)');

/** Every string value in the exports map (and bin), without the leading './'. */
function exportedFiles(pkg: { exports: unknown; bin: Record<string, string> }): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v.replace(/^\.\//, ''));
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(pkg.exports);
  walk(pkg.bin);
  return out;
}

describe.skipIf(!hasDist)('npm pack', () => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const listing = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as {
    files: { path: string }[];
  }[];
  const files = listing[0]!.files.map((f) => f.path);

  it('ships LICENSE (Apache-2.0), NOTICE, README.md and package.json', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'NOTICE', 'README.md', 'package.json']));
    expect(readFileSync(new URL('LICENSE', ROOT), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });

  it('ships every file the exports map, the bin and the worker scripts name', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { exports: unknown; bin: Record<string, string> };
    const needed = [...exportedFiles(pkg), 'dist/pool-worker.js', 'dist/block-worker.js'];
    for (const file of needed) expect(files, file).toContain(file);
  });

  it('ships nothing else: no bench/, test/, examples/, sources or kernel builds', () => {
    const docs = (f: string) => /^docs\/[^/]+\.md$/.test(f) || f === 'CONTRIBUTING.md' || f === 'bench/RESULTS.md';
    const other = files.filter((f) => !['LICENSE', 'NOTICE', 'README.md', 'package.json'].includes(f) && !f.startsWith('dist/') && !docs(f));
    expect(other).toEqual([]);
  });

  it('every relative link in the shipped Markdown names a shipped file and an existing heading', () => {
    const markdown = files.filter((f) => f.endsWith('.md'));
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'docs/guide.md']));
    const headings = (file: string) => {
      const slugger = new GithubSlugger();
      const text = readFileSync(new URL(file, ROOT), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
      return new Set([...text.matchAll(/^#{1,6}\s+(.+?)\s*$/gm)].map((m) => slugger.slug(m[1]!)));
    };
    const broken: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(new URL(file, ROOT), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue; // https:, mailto:
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const resolved = path === '' ? file : normalize(join(dirname(file), path));
        if (!files.includes(resolved)) broken.push(`${file}: ${target} (${resolved} is not in the tarball)`);
        else if (anchor && resolved.endsWith('.md') && !headings(resolved).has(anchor)) broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
