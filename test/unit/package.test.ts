// What `npm pack` puts in the tarball: the license, the README, package.json and the build (dist/),
// every file the exports map, bin and worker scripts name, and nothing from bench/, test/ or
// examples/. Needs dist/ (`npm test` builds it first).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
    const other = files.filter((f) => !['LICENSE', 'NOTICE', 'README.md', 'package.json'].includes(f) && !f.startsWith('dist/'));
    expect(other).toEqual([]);
  });
});
