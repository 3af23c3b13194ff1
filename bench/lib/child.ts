// Child processes speaking the section/probe contract: the last non-empty stdout line is the JSON
// result; stderr (progress) is echoed live; a crash, a timeout or a missing result becomes an
// error message instead of taking the whole run down.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROBES } from './bundle.js';
import { REPO } from './shared.js';

/** On failure, `stdout` is what a child that exited normally printed without a JSON last line. */
export type ChildResult<T> = { ok: true; value: T } | { ok: false; error: string; stdout?: string };

export interface ChildOptions {
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Echo the child's stderr (progress) to ours. */
  echo?: boolean;
}

export function runJson<T>(args: string[], options: ChildOptions = {}): Promise<ChildResult<T>> {
  const { timeoutMs = 300_000, env = {}, echo = true } = options;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
      if (echo) process.stderr.write(d);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `could not start: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = stderrTail(stderr);
      if (timedOut) return resolve({ ok: false, error: `timed out after ${timeoutMs / 1000} s${tail ? `: ${tail}` : ''}` });
      if (code !== 0) return resolve({ ok: false, error: `exited with ${code ?? signal}${tail ? `: ${tail}` : ''}` });
      const last = stdout.trimEnd().split('\n').pop() ?? '';
      try {
        resolve({ ok: true, value: JSON.parse(last) as T });
      } catch {
        resolve({ ok: false, error: `printed no JSON result (last stdout line: ${JSON.stringify(last.slice(0, 200))})`, stdout });
      }
    });
  });
}

/** The error lines of a child's stderr, without progress chatter or stack frames. */
function stderrTail(stderr: string): string {
  // Progress lines are indented by two spaces; stack frames start with "at".
  const lines = stderr
    .split('\n')
    .filter((l) => l.trim().length > 0 && !/^\s+at /.test(l) && !/^ {2}\S/.test(l))
    .map((l) => l.trim());
  const err = lines.filter((l) => /error|exception|abort|fail|cannot|unable|not /i.test(l));
  return (err.length ? err : lines).slice(-3).join(' / ').slice(0, 600);
}

/** Runs a bundled probe (bench/probes/<name>.ts) with its spec as the one argument. */
export const runProbe = <T>(name: string, spec: unknown, options?: ChildOptions): Promise<ChildResult<T>> =>
  runJson<T>(['--expose-gc', join(PROBES, `${name}.mjs`), JSON.stringify(spec)], options);
