// Where the CLI writes: a file written under a temporary name in the same directory and renamed
// into place only when the whole run succeeded (so an interrupted run never leaves a file that
// looks complete), or stdout. Small writes are batched.

import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError, markStdoutOutput, systemMessage, trackTemporary, untrackTemporary } from './errors.js';

const BATCH = 1 << 20;

export interface Output {
  write(bytes: Uint8Array): Promise<void>;
  /** Flushes and closes; for a file, keeps it under its temporary name until {@link commitOutputs}. */
  close(): Promise<void>;
  readonly name: string;
}

/** Batches small writes; callers await each write before the next (the batch buffer is reused). */
abstract class BatchedOutput implements Output {
  abstract readonly name: string;
  private readonly buffer = new Uint8Array(BATCH);
  private used = 0;

  async write(bytes: Uint8Array): Promise<void> {
    if (this.used + bytes.length > BATCH || bytes.length >= BATCH / 2) await this.flush();
    if (bytes.length >= BATCH / 2) {
      await this.writeRaw(bytes); // big: no copy, after what was buffered
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Writes what is batched. The batch buffer is reused: writeRaw resolves once its bytes are written. */
  protected async flush(): Promise<void> {
    if (this.used === 0) return;
    const chunk = this.buffer.subarray(0, this.used);
    this.used = 0;
    await this.writeRaw(chunk);
  }

  protected abstract writeRaw(bytes: Uint8Array): Promise<void>;
  abstract close(): Promise<void>;
}

/** A file written as `.NAME.PID.RANDOM.tmp` next to NAME. */
export class TempFileOutput extends BatchedOutput {
  readonly name: string;
  readonly temporary: string;
  private closed = false;
  private constructor(
    readonly path: string,
    temporary: string,
    private readonly handle: FileHandle,
  ) {
    super();
    this.name = path;
    this.temporary = temporary;
  }

  static async create(path: string): Promise<TempFileOutput> {
    const dir = dirname(resolve(path));
    let info;
    try {
      info = await stat(path);
    } catch {
      info = undefined;
    }
    if (info?.isDirectory()) throw new CliError(`cannot write ${path}: it is a directory`);
    try {
      if (!(await stat(dir)).isDirectory()) throw new CliError(`cannot write ${path}: ${dir} is not a directory`);
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`cannot write ${path}: ${systemMessage((e as NodeJS.ErrnoException).code ?? '', (e as Error).message)} (${dir})`);
    }
    const temporary = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    let handle: FileHandle;
    try {
      handle = await open(temporary, 'wx');
    } catch (e) {
      throw new CliError(`cannot write ${path}: ${systemMessage((e as NodeJS.ErrnoException).code ?? '', (e as Error).message)}`);
    }
    trackTemporary(temporary);
    return new TempFileOutput(path, temporary, handle);
  }

  protected async writeRaw(bytes: Uint8Array): Promise<void> {
    let done = 0;
    try {
      while (done < bytes.length) done += (await this.handle.write(bytes, done, bytes.length - done)).bytesWritten;
    } catch (e) {
      throw new CliError(`cannot write ${this.path}: ${systemMessage((e as NodeJS.ErrnoException).code ?? '', (e as Error).message)}`);
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.handle.close();
  }

  /** Closes the file without writing what is batched (the run failed). */
  async abandon(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close().catch(() => {});
  }
}

/**
 * Moves finished temporaries into place. The first file is renamed last, so a run stopped between
 * renames leaves no main output; an old main output is removed first so it never pairs with a
 * new index.
 */
export async function commitOutputs(outputs: TempFileOutput[]): Promise<void> {
  const [main, ...rest] = outputs;
  if (!main) return;
  await rm(main.path, { force: true });
  for (const out of [...rest, main]) {
    await rename(out.temporary, out.path);
    untrackTemporary(out.temporary);
  }
}

/** Removes unfinished temporaries (the caller is failing). */
export async function discardOutputs(outputs: TempFileOutput[]): Promise<void> {
  for (const out of outputs) {
    await out.abandon();
    await rm(out.temporary, { force: true });
    untrackTemporary(out.temporary);
  }
}

/** stdout, honouring back-pressure. */
export class StdoutOutput extends BatchedOutput {
  readonly name = 'stdout';

  constructor() {
    super();
    markStdoutOutput();
  }

  protected writeRaw(bytes: Uint8Array): Promise<void> {
    // A write error (EPIPE: the reader left) is also emitted on process.stdout; src/cli.ts handles it.
    return new Promise((resolve, reject) => {
      const ok = process.stdout.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (e) => {
        if (e) reject(new CliError(`cannot write to stdout: ${e.message}`));
        else if (ok) resolve();
      });
      if (!ok) process.stdout.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
