// CLI inputs: checked up front (so a missing file fails before any work), then read in blocks cut
// where the input mode allows (after a line; inside a document only right after a `\n` run), so
// each block can be processed on its own and the results concatenated.

import { open, stat, type FileHandle } from 'node:fs/promises';
import { CliError, systemMessage } from './errors.js';
import type { InputMode } from './block.js';

export interface InputFile {
  /** The path as given, or `-` for stdin. */
  path: string;
  /** Name in messages. */
  name: string;
  /** Size in bytes, when known (not for stdin or pipes). */
  size?: number;
  /** Only bytes [start, end) of the file are read (a `--shard` share, cut on record boundaries). */
  range?: { start: number; end: number };
}

/** Checks that every input exists and is a readable file; returns them with their sizes. */
export async function checkInputs(paths: string[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  let stdin = 0;
  for (const path of paths) {
    if (path === '-') {
      if (++stdin > 1) throw new CliError('stdin (-) is given more than once');
      out.push({ path, name: 'stdin' });
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch (e) {
      throw new CliError(`${path}: ${systemMessage((e as NodeJS.ErrnoException).code ?? '', (e as Error).message)}`);
    }
    if (info.isDirectory()) throw new CliError(`${path}: is a directory (give the files in it, e.g. ${path.replace(/\/$/, '')}/*)`);
    try {
      const handle = await open(path, 'r');
      await handle.close();
    } catch (e) {
      throw new CliError(`${path}: cannot read: ${systemMessage((e as NodeJS.ErrnoException).code ?? '', (e as Error).message)}`);
    }
    out.push({ path, name: path, size: info.isFile() ? info.size : undefined });
  }
  return out;
}

/** Something to pull bytes from. */
interface ByteSource {
  read(into: Uint8Array, at: number, max: number): Promise<number>;
  close(): Promise<void>;
}

async function openSource(input: InputFile): Promise<ByteSource> {
  if (input.path === '-') return stdinSource();
  let handle: FileHandle;
  try {
    handle = await open(input.path, 'r');
  } catch (e) {
    throw new CliError(`${input.name}: cannot read: ${systemMessage((e as NodeJS.ErrnoException).code ?? '', (e as Error).message)}`);
  }
  // A range is read at explicit positions, stopping at its end.
  let position = input.range?.start ?? null;
  const end = input.range?.end ?? Infinity;
  return {
    async read(into, at, max) {
      try {
        if (position === null) return (await handle.read(into, at, max, null)).bytesRead;
        const n = (await handle.read(into, at, Math.min(max, end - position), position)).bytesRead;
        position += n;
        return n;
      } catch (e) {
        throw new CliError(`${input.name}: cannot read: ${systemMessage((e as NodeJS.ErrnoException).code ?? '', (e as Error).message)}`);
      }
    },
    close: () => handle.close(),
  };
}

function stdinSource(): ByteSource {
  const chunks = process.stdin[Symbol.asyncIterator]();
  let left: Uint8Array | undefined;
  return {
    async read(into, at, max) {
      if (!left || left.length === 0) {
        const next = await chunks.next();
        if (next.done) return 0;
        left = next.value as Uint8Array;
      }
      const n = Math.min(max, left.length);
      into.set(left.subarray(0, n), at);
      left = left.subarray(n);
      return n;
    },
    close: async () => {},
  };
}

/** A block of input, copied onto a SharedArrayBuffer (workers read it; a retry can reuse it). */
export interface Block {
  bytes: Uint8Array;
  /** Offset of bytes[0] in its file (a range starts at its start). */
  offset: number;
  /** Index of the block in its file. */
  index: number;
  /**
   * Set when the block is a part of one line (in doc mode, one chunk: a line and its `\n` run)
   * longer than `longLines` bytes: whether it is the line's first part and its last. The parts of a
   * line are consecutive blocks, cut anywhere (inside a character too), to be encoded in order.
   */
  part?: { first: boolean; last: boolean };
}

const READ = 1 << 20;

/**
 * Cuts an input into blocks of about `blockSize` bytes: at the last allowed cut within the first
 * `blockSize` bytes of what is left, else at the first one after. The cuts depend only on the
 * content and `blockSize`, never on how reads happen to return, so seeded sampling is reproducible.
 * A block is as long as it must be to reach a cut, up to `longLines` bytes: a line (doc mode: a
 * chunk) longer than that comes in parts of `blockSize` bytes (see {@link Block.part}), so memory
 * is bounded by about `longLines` whatever the input. `allocate(n)` gives each block's memory (n
 * bytes on a SharedArrayBuffer; the caller may recycle them).
 */
export async function* readBlocks(
  input: InputFile,
  mode: InputMode,
  blockSize: number,
  allocate: (n: number) => Uint8Array = (n) => new Uint8Array(new SharedArrayBuffer(n)),
  longLines = Infinity,
): AsyncGenerator<Block> {
  const source = await openSource(input);
  try {
    let buf = new Uint8Array(2 * Math.max(blockSize, READ));
    let start = 0;
    let end = 0;
    let offset = input.range?.start ?? 0;
    let eof = false;
    let index = 0;
    /** Inside a line given in parts (the next block is one of them); `lineStarted`: its first part is out. */
    let inLine = false;
    let lineStarted = false;
    /** Reads until at least `need` bytes are buffered past `start`, or the input ends. */
    const fill = async (need: number) => {
      while (!eof && end - start < need) {
        if (buf.length - end < READ) {
          const live = end - start;
          if (buf.length - live >= READ) buf.copyWithin(0, start, end);
          else {
            const next = new Uint8Array(Math.max(2 * buf.length, live + READ));
            next.set(buf.subarray(start, end));
            buf = next;
          }
          start = 0;
          end = live;
        }
        const n = await source.read(buf, end, buf.length - end);
        if (n === 0) eof = true;
        end += n;
      }
    };
    for (;;) {
      await fill(blockSize + 1);
      if (end === start) return;
      let cut: number;
      let part: Block['part'];
      if (inLine) {
        cut = -1;
      } else {
        cut = lastCut(buf, start, Math.min(start + blockSize, end), end, mode);
        if (cut < 0) {
          // The line at `start` is longer than blockSize: its end, unless it is longer than longLines.
          cut = firstCut(buf, start, Math.min(start + blockSize, end) - 1, end, mode);
          while (cut < 0 && !eof && end - start <= longLines) {
            const checked = end - start; // a \n at the last byte could not be judged yet (doc mode)
            await fill(end - start + READ);
            cut = firstCut(buf, start, start + checked - 1, end, mode);
          }
          if (cut < 0 && eof) cut = end;
          // Parts or not depends on the line's length only, not on how far the reads went.
          if (cut < 0 || cut - start > longLines) inLine = true;
        }
      }
      if (inLine) {
        // The next part of the long line: up to its end if that is within blockSize bytes (the
        // search stops there: the buffer can hold much more of the line).
        cut = firstCut(buf, start, start, Math.min(end, start + blockSize + 1), mode);
        if (cut >= 0 && cut - start <= blockSize) inLine = false;
        else if (eof && end - start <= blockSize) {
          cut = end;
          inLine = false;
        } else cut = start + blockSize;
        part = { first: !lineStarted, last: !inLine };
        lineStarted = inLine;
      }
      const bytes = allocate(cut - start);
      bytes.set(buf.subarray(start, cut));
      const block: Block = { bytes, offset, index: index++ };
      if (part) block.part = part;
      yield block;
      offset += cut - start;
      start = cut;
    }
  } finally {
    await source.close();
  }
}

/** The last allowed cut p in (start, limit], or -1. */
function lastCut(buf: Uint8Array, start: number, limit: number, end: number, mode: InputMode): number {
  for (let i = limit - 1; i >= start; i--) {
    i = buf.lastIndexOf(10, i);
    if (i < start) break;
    if (allowedAfter(buf, i, end, mode)) return i + 1;
  }
  return -1;
}

/** The first allowed cut p with p - 1 >= from, or -1. */
function firstCut(buf: Uint8Array, start: number, from: number, end: number, mode: InputMode): number {
  const view = buf.subarray(0, end); // indexOf stops at end, not at the end of the buffer
  for (let i = Math.max(from, start); i < end; i++) {
    i = view.indexOf(10, i);
    if (i < 0 || i >= end) return -1;
    if (allowedAfter(buf, i, end, mode)) return i + 1;
  }
  return -1;
}

/**
 * Whether a block may end right after the `\n` at i: any line end for lines/jsonl; inside a
 * document only when the next byte is known and is not `\n` (a chunk ends there, SPEC §2, and NFC
 * never crosses a `\n`).
 */
function allowedAfter(buf: Uint8Array, i: number, end: number, mode: InputMode): boolean {
  if (mode !== 'doc') return true;
  return i + 1 < end && buf[i + 1] !== 10;
}

/** Reads a whole input in plain chunks of `size` bytes (the last may be shorter). */
export async function* readChunks(input: InputFile, size: number): AsyncGenerator<Uint8Array> {
  const source = await openSource(input);
  try {
    for (;;) {
      const buf = new Uint8Array(size);
      let n = 0;
      while (n < size) {
        const got = await source.read(buf, n, size - n);
        if (got === 0) break;
        n += got;
      }
      if (n > 0) yield buf.subarray(0, n);
      if (n < size) return;
    }
  } finally {
    await source.close();
  }
}
