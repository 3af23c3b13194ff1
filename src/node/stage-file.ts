// The staged trainer's files (docs/design.md, "Training in stages"): sorted runs of (byte string,
// count) records. Layout: magic (8 bytes) | version u32 | header length u32 | header JSON |
// sections | footer length u32 | footer JSON (figures known only at the end) | CRC-32 u32 of
// everything before it | end marker (8 bytes; checked first, so a cut file is named as such). A section is a run of records sorted by key
// bytes, each `varint(shared + 1)` (bytes shared with the previous key), the key's length when
// the section's keys are of varying length, the rest of the key, `varint(count)`; a 0 ends the
// section. Sorted, front-coded runs are compact, merge streaming in bounded memory, and any
// tree of merges gives the same bytes (the sums are exact integers).
//
// Files are written under a temporary name beside the target and renamed when complete, so a
// failed task leaves nothing that looks complete; a rerun overwrites. Reads are checked: bad
// magic, another version, truncation, a wrong checksum or disordered keys are errors naming the
// file.
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const STAGE_VERSION = 1;

/** `ngrams`: n-gram counts of orders 1..order, then chunk endings of 1..order−1 bytes. `pieces`: piece counts. */
export type StageKind = 'ngrams' | 'pieces';

const MAGIC: Record<StageKind, string> = { ngrams: 'BPNGRAMS', pieces: 'BPPIECES' };
const END = new TextEncoder().encode('BPSTAGE\n');

/** What a stage file says about itself. Merging needs equal `params`. */
export interface StageHeader {
  kind: StageKind;
  /** The parameters that made the counts; files merge only when these are equal. */
  params: Record<string, string | number | boolean | null>;
  /** Key length of each section (0: of varying length). */
  sections: number[];
  /** Documents, UTF-8 bytes and training chunks counted. */
  documents: number;
  bytes: number;
  chunks: number;
  /** Extra figures of a final file (never merged): see train-stages.ts. */
  final?: Record<string, number[] | number | string>;
}

const BLOCK = 1 << 20;

/** Writes `value` (a safe non-negative integer) as a LEB128 varint at `buf[at]`; returns the new offset. */
function putVarint(buf: Uint8Array, at: number, value: number): number {
  if (value < 0x80) {
    buf[at] = value;
    return at + 1;
  }
  if (value < 0x80000000) {
    while (value >= 0x80) {
      buf[at++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[at++] = value;
    return at;
  }
  while (value >= 0x80) {
    buf[at++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  buf[at++] = value;
  return at;
}

/** A stage file being written under a temporary name; {@link commit} renames it into place. */
export class StageWriter {
  readonly temporary: string;
  private fd: number;
  private buf = new Uint8Array(BLOCK);
  private used = 0;
  private crc = 0;
  private section = -1;
  private keyLength = 0;
  private prev = new Uint8Array(64);
  private prevLength = -1;
  private open = true;

  constructor(
    readonly path: string,
    readonly header: StageHeader,
  ) {
    this.temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      this.fd = openSync(this.temporary, 'wx');
    } catch (e) {
      throw new Error(`cannot write ${path}: ${(e as Error).message}`);
    }
    const json = new TextEncoder().encode(JSON.stringify(header));
    const head = new Uint8Array(16);
    head.set(new TextEncoder().encode(MAGIC[header.kind]));
    const view = new DataView(head.buffer);
    view.setUint32(8, STAGE_VERSION, true);
    view.setUint32(12, json.length, true);
    this.put(head);
    this.put(json);
  }

  private put(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buf.length) this.flush();
    if (bytes.length > this.buf.length) {
      this.raw(bytes);
      return;
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }

  private raw(bytes: Uint8Array): void {
    this.crc = crc32(bytes, this.crc);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
  }

  private flush(): void {
    if (this.used === 0) return;
    this.raw(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** Starts the next section (sections are written in order, each once). */
  beginSection(): void {
    if (this.section >= 0) this.endSection();
    this.section++;
    if (this.section >= this.header.sections.length) throw new Error(`internal: ${this.path} has ${this.header.sections.length} sections`);
    this.keyLength = this.header.sections[this.section]!;
    this.prevLength = -1;
  }

  private endSection(): void {
    if (this.used + 1 > this.buf.length) this.flush();
    this.buf[this.used++] = 0;
  }

  /** Adds the record `key[0..length)` → `count`; keys must come in strictly ascending byte order. */
  add(key: Uint8Array, length: number, count: number): void {
    if (this.keyLength !== 0 && length !== this.keyLength) throw new Error(`internal: a key of ${length} bytes in a section of ${this.keyLength}-byte keys`);
    let shared = 0;
    const prev = this.prev;
    if (this.prevLength >= 0) {
      const most = Math.min(length, this.prevLength);
      while (shared < most && prev[shared] === key[shared]) shared++;
      if (shared === length || (shared < this.prevLength && prev[shared]! > key[shared]!)) throw new Error(`internal: keys out of order in ${this.path}`);
    }
    if (this.used + length + 30 > this.buf.length) this.flush();
    if (length + 30 > this.buf.length) this.buf = new Uint8Array(length + 30);
    if (prev.length < length) {
      this.prev = new Uint8Array(Math.max(length, prev.length * 2));
      this.prev.set(prev.subarray(0, shared));
    }
    const buf = this.buf;
    const p = this.prev;
    let at = putVarint(buf, this.used, shared + 1);
    if (this.keyLength === 0) at = putVarint(buf, at, length - shared);
    for (let i = shared; i < length; i++) {
      const b = key[i]!;
      buf[at++] = b;
      p[i] = b;
    }
    this.used = putVarint(buf, at, count);
    this.prevLength = length;
  }

  /** Figures known only once the records are written (see StageReader.footer). */
  footer: Record<string, unknown> = {};

  /** Ends the last section, writes the footer and the checksum and renames the file into place. */
  commit(): void {
    while (this.section < this.header.sections.length - 1) this.beginSection();
    if (this.section >= 0) this.endSection();
    const json = new TextEncoder().encode(JSON.stringify(this.footer));
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, json.length, true);
    this.put(length);
    this.put(json);
    this.flush();
    const tail = new Uint8Array(4 + END.length);
    new DataView(tail.buffer).setUint32(0, this.crc >>> 0, true);
    tail.set(END, 4);
    let done = 0;
    while (done < tail.length) done += writeSync(this.fd, tail, done, tail.length - done);
    closeSync(this.fd);
    this.open = false;
    renameSync(this.temporary, this.path);
  }

  /** Removes the temporary file (after a failure). */
  abort(): void {
    if (this.open) {
      this.open = false;
      closeSync(this.fd);
    }
    rmSync(this.temporary, { force: true });
  }
}

/** Writes a stage file: `fill` adds the records, section by section (beginSection first); removes it if `fill` throws. */
export async function writeStage(path: string, header: StageHeader, fill: (w: StageWriter) => void | Promise<void>): Promise<void> {
  const w = new StageWriter(path, header);
  try {
    await fill(w);
    w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/** A stage file read record by record, section by section, its checksum checked at the end. */
export class StageReader {
  readonly header: StageHeader;
  /** The current record: key[0..keyLength) → count. */
  key = new Uint8Array(64);
  keyLength = 0;
  count = 0;
  /** The file's CRC-32, and its footer (known once every section has been read). */
  checksum = 0;
  footer: Record<string, unknown> = {};
  private fd: number;
  private buf = new Uint8Array(BLOCK);
  private pos = 0;
  private end = 0;
  private crc = 0;
  private crcFrom = 0;
  private eof = false;
  private section = -1;
  private sectionKeyLength = 0;
  private first = true;
  private inSection = false;
  private closed = false;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      throw new Error(`cannot read ${path}: ${(e as Error).message}`);
    }
    try {
      this.header = this.readHeader();
      // A task killed mid-write leaves a temporary file; a file cut later lacks its end marker.
      const size = fstatSync(this.fd).size;
      const end = new Uint8Array(END.length);
      if (size < 16 + END.length || readSync(this.fd, end, 0, END.length, size - END.length) !== END.length || !end.every((b, i) => b === END[i])) {
        this.fail('truncated (no end marker); the task that wrote it may have failed: rerun it');
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private fail(what: string): never {
    this.close();
    throw new Error(`${this.path}: ${what}`);
  }

  /** Makes `n` bytes available at `pos` if the file has them; returns whether it does. */
  private fill(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    if (this.eof) return false;
    this.crc = crc32(this.buf.subarray(this.crcFrom, this.pos), this.crc);
    const left = this.end - this.pos;
    if (n > this.buf.length) {
      const bigger = new Uint8Array(Math.max(n, this.buf.length * 2));
      bigger.set(this.buf.subarray(this.pos, this.end));
      this.buf = bigger;
    } else {
      this.buf.copyWithin(0, this.pos, this.end);
    }
    this.pos = 0;
    this.crcFrom = 0;
    this.end = left;
    while (this.end < n && !this.eof) {
      const got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      if (got === 0) this.eof = true;
      this.end += got;
    }
    return this.end - this.pos >= n;
  }

  private byte(): number {
    if (this.pos >= this.end && !this.fill(1))
      this.fail(`truncated (ends inside section ${this.section + 1} of ${this.header?.sections.length ?? '?'}); the task that wrote it may have failed`);
    return this.buf[this.pos++]!;
  }

  private varint(): number {
    let b = this.pos < this.end ? this.buf[this.pos++]! : this.byte();
    if (b < 0x80) return b;
    let value = b & 0x7f;
    let scale = 0x80;
    for (let i = 1; ; i++) {
      b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
      if (i >= 8) this.fail('corrupt (a number longer than 8 bytes)');
    }
    if (!Number.isSafeInteger(value)) this.fail('corrupt (a count beyond 2^53)');
    return value;
  }

  private readHeader(): StageHeader {
    if (!this.fill(16)) this.fail('not a bytepiece stage file (shorter than its header); the task that wrote it may have failed');
    const magic = new TextDecoder().decode(this.buf.subarray(0, 8));
    const kind = (Object.keys(MAGIC) as StageKind[]).find((k) => MAGIC[k] === magic);
    if (!kind) this.fail(`not a bytepiece stage file (magic ${JSON.stringify(magic)})`);
    const view = new DataView(this.buf.buffer, 0, 16);
    const version = view.getUint32(8, true);
    if (version !== STAGE_VERSION)
      this.fail(`stage file version ${version}; this bytepiece reads version ${STAGE_VERSION} (rerun the stage that wrote it with this version)`);
    const length = view.getUint32(12, true);
    this.pos = 16;
    if (length > 1 << 24 || !this.fill(length)) this.fail('truncated (inside its header)');
    let header: StageHeader;
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(this.buf.subarray(this.pos, this.pos + length))) as StageHeader;
    } catch {
      this.fail('corrupt (its header is not JSON)');
    }
    this.pos += length;
    if (
      header.kind !== kind ||
      !Array.isArray(header.sections) ||
      !header.params ||
      typeof header.params !== 'object' ||
      ![header.documents, header.bytes, header.chunks].every((n) => Number.isSafeInteger(n) && n >= 0)
    ) {
      this.fail('corrupt (its header lacks fields)');
    }
    return header;
  }

  /** Moves to the next section; false after the last one (the checksum is then checked). */
  nextSection(): boolean {
    if (this.section >= 0) while (this.next());
    this.section++;
    if (this.section >= this.header.sections.length) {
      this.checkEnd();
      return false;
    }
    this.sectionKeyLength = this.header.sections[this.section]!;
    this.first = true;
    this.inSection = true;
    this.keyLength = 0;
    return true;
  }

  /** Reads the next record of the current section into key/keyLength/count; false at its end. */
  next(): boolean {
    if (!this.inSection) return false;
    const head = this.varint();
    if (head === 0) {
      this.inSection = false;
      return false;
    }
    const shared = head - 1;
    const length = this.sectionKeyLength !== 0 ? this.sectionKeyLength : shared + this.varint();
    if (shared > length || (!this.first && shared > this.keyLength) || (this.first && shared !== 0))
      this.fail(`corrupt (a bad key in section ${this.section + 1})`);
    if (this.key.length < length) {
      const k = new Uint8Array(Math.max(length, this.key.length * 2));
      k.set(this.key.subarray(0, this.keyLength));
      this.key = k;
    }
    const suffix = length - shared;
    if (suffix > 0) {
      if (!this.fill(suffix)) this.fail('truncated');
      const prevByte = shared < this.keyLength ? this.key[shared]! : -1;
      const { key, buf } = this;
      for (let i = 0, at = this.pos; i < suffix; i++) key[shared + i] = buf[at + i]!;
      this.pos += suffix;
      if (!this.first && this.key[shared]! <= prevByte) this.fail(`corrupt (keys out of order in section ${this.section + 1})`);
    } else if (!this.first) {
      this.fail(`corrupt (keys out of order in section ${this.section + 1})`);
    }
    this.keyLength = length;
    this.count = this.varint();
    this.first = false;
    return true;
  }

  private checkEnd(): void {
    if (!this.fill(4)) this.fail('truncated (no footer at its end); the task that wrote it may have failed');
    const length = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getUint32(0, true);
    this.pos += 4;
    if (length > 1 << 24 || !this.fill(length)) this.fail('truncated (inside its footer); the task that wrote it may have failed');
    const text = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    const computed = crc32(this.buf.subarray(this.crcFrom, this.pos), this.crc) >>> 0;
    this.crcFrom = this.pos;
    if (!this.fill(4)) this.fail('truncated (no checksum at its end); the task that wrote it may have failed');
    const stored = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getUint32(0, true);
    this.pos += 4;
    if (stored !== computed) this.fail('corrupt (checksum mismatch)');
    if (!this.fill(END.length)) this.fail('truncated');
    this.pos += END.length;
    this.checksum = stored;
    try {
      this.footer = JSON.parse(new TextDecoder().decode(text)) as Record<string, unknown>;
    } catch {
      this.fail('corrupt (its footer is not JSON)');
    }
    if (this.fill(1)) this.fail('corrupt (bytes after its checksum)');
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Orders byte strings: bytewise, a prefix first. */
export function compareKeys(a: Uint8Array, aLength: number, b: Uint8Array, bLength: number): number {
  const most = Math.min(aLength, bLength);
  for (let i = 0; i < most; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return aLength - bLength;
}
