// CLI failures: one line on stderr, a non-zero exit, and no output file left behind.

import { rmSync } from 'node:fs';

/** An error whose message is shown to the user as is (one line, no stack). */
export class CliError extends Error {
  override name = 'CliError';
}

const temporaries = new Set<string>();
let toStdout = false;

/** Notes that the run writes to stdout (an interrupted run then says the output there is incomplete). */
export function markStdoutOutput(): void {
  toStdout = true;
}

/** What an interrupted run left: nothing (temporaries are removed), or an incomplete stdout. */
export function interruptedOutputNote(): string {
  return toStdout ? 'the output on stdout is incomplete' : 'no output file written';
}
const stoppers = new Set<() => void>();

/** Registers a temporary file, removed if the run does not finish. */
export function trackTemporary(path: string): void {
  temporaries.add(path);
}

/** Forgets a temporary file (it was renamed into place or removed). */
export function untrackTemporary(path: string): void {
  temporaries.delete(path);
}

/** Registers something to stop on failure or interruption (a progress bar); returns the unregister function. */
export function onAbort(stop: () => void): () => void {
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}

/** Removes every temporary file and stops what was registered; safe to call from a signal handler. */
export function cleanUp(): void {
  for (const stop of stoppers) {
    try {
      stop();
    } catch {
      // best effort: we are exiting
    }
  }
  stoppers.clear();
  for (const path of temporaries) rmSync(path, { force: true, recursive: true });
  temporaries.clear();
}

/** The one line shown for an error: ours as is; system errors (ENOENT, ...) in words. */
export function describeError(e: unknown): string {
  if (e instanceof CliError) return e.message;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    const path = (e as NodeJS.ErrnoException).path;
    if (code && path) return `${path}: ${systemMessage(code, e.message)}`;
    return e.message.split('\n')[0]!;
  }
  return String(e);
}

export function systemMessage(code: string, fallback: string): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a component of the path is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EEXIST':
      return 'already exists';
    default:
      return fallback.split('\n')[0]!;
  }
}
