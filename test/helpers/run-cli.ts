// Runs the built CLI (dist/cli.js; `npm test` builds it first) in a child process, as users run it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli.js');

export interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function expectBuilt(): void {
  expect(existsSync(CLI), `${CLI} is missing: run \`npm run build\` (npm test does it in pretest)`).toBe(true);
}

export function cli(args: string[], input?: string | Buffer): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, maxBuffer: 1 << 30, cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** Asserts a successful run (showing stderr otherwise). */
export function ok(args: string[], input?: string | Buffer): Run {
  const r = cli(args, input);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** Asserts a failed run: exit 1 or 2, one `bytepiece: ` line matching `message`, `dir` unchanged. */
export function fails(args: string[], message: RegExp, dir?: string, input?: string): void {
  const before = dir ? readdirSync(dir).sort() : [];
  const r = cli(args, input);
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.code).not.toBeNull();
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^bytepiece: /);
  expect(lines[0]).toMatch(message);
  if (dir) expect(readdirSync(dir).sort(), 'files left behind').toEqual(before);
}
