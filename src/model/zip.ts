// A minimal zip reader: lists entries from the central directory and inflates only the one wanted,
// straight into a buffer of the announced size, with whatever inflater the platform has (Node's
// native zlib in the Node entry, fflate elsewhere). Anything it does not handle (zip64, encryption,
// methods other than stored/deflate, inconsistent headers) makes it answer `undefined`, and the
// caller falls back to fflate's general unzipper, which also words the errors for broken archives.

/** Inflates raw DEFLATE `data` whose inflated size is announced as `size`; throws if it is corrupt. */
export type InflateRaw = (data: Uint8Array, size: number) => Uint8Array;

/** CRC-32 (IEEE, as zip stores it) of `data`. */
export type Crc32 = (data: Uint8Array) => number;

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflate. */
  readonly method: number;
  /** The entry's data as stored (compressed for deflate). */
  readonly data: Uint8Array;
  /** Uncompressed size from the central directory. */
  readonly size: number;
  /** CRC-32 of the uncompressed data, from the central directory. */
  readonly crc: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Where the end record is (the last 22 bytes plus a comment of at most 65535 bytes), or -1. */
function endRecord(zip: Uint8Array, view: DataView): number {
  for (let at = zip.length - 22; at >= 0 && at >= zip.length - 22 - 0xffff; at--) {
    if (zip[at] === 0x50 && view.getUint32(at, true) === EOCD && at + 22 + view.getUint16(at + 20, true) === zip.length) return at;
  }
  return -1;
}

/**
 * The CRC-32 the central directory gives for entry `name`, read with none of readZipDirectory's
 * checks (for zips it declines, which the general unzipper reads without checking CRCs); undefined
 * if it cannot be found.
 */
export function directoryCrc(zip: Uint8Array, name: string): number | undefined {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = endRecord(zip, view);
  if (end < 0) return undefined;
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  let found: number | undefined;
  for (let i = 0; i < count && at + 46 <= end && view.getUint32(at, true) === CENTRAL; i++) {
    const nameLen = view.getUint16(at + 28, true);
    const raw = zip.subarray(at + 46, at + 46 + nameLen);
    const entryName = view.getUint16(at + 8, true) & 0x800 ? new TextDecoder().decode(raw) : String.fromCharCode(...raw);
    if (entryName === name) found = view.getUint32(at + 16, true); // the last one, as the unzipper keeps
    at += 46 + nameLen + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return found;
}

/** The entries of a zip, or undefined if the archive is unusual or inconsistent (see above). */
export function readZipDirectory(zip: Uint8Array): ZipEntry[] | undefined {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const end = endRecord(zip, view);
  if (end < 0) return undefined;
  const count = u16(end + 10);
  const dirSize = u32(end + 12);
  const dirAt = u32(end + 16);
  if (u16(end + 4) !== 0 || u16(end + 6) !== 0 || u16(end + 8) !== count) return undefined; // multi-disk
  if (count === 0xffff || dirAt === 0xffffffff || dirAt + dirSize > end) return undefined; // zip64 or bad
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let at = dirAt;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || u32(at) !== CENTRAL) return undefined;
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const packed = u32(at + 20);
    const size = u32(at + 24);
    const nameLen = u16(at + 28);
    const next = at + 46 + nameLen + u16(at + 30) + u16(at + 32);
    const crc = u32(at + 16);
    const local = u32(at + 42);
    if ((flags & 1) !== 0 || (method !== 0 && method !== 8) || packed === 0xffffffff || size === 0xffffffff || next > end) return undefined;
    const rawName = zip.subarray(at + 46, at + 46 + nameLen);
    const name = flags & 0x800 ? new TextDecoder().decode(rawName) : String.fromCharCode(...rawName);
    if (local + 30 > zip.length || u32(local) !== LOCAL) return undefined;
    const dataAt = local + 30 + u16(local + 26) + u16(local + 28);
    if (dataAt + packed > zip.length || (method === 0 && packed !== size)) return undefined;
    // Two entries of one name are listed both (the caller rejects two models as ambiguous).
    names.add(name);
    entries.push({ name, method, data: zip.subarray(dataAt, dataAt + packed), size, crc });
    at = next;
  }
  return entries;
}

/**
 * The uncompressed bytes of an entry; throws (the inflater's error, a size or a CRC-32 mismatch)
 * if corrupt.
 */
export function extractZipEntry(entry: ZipEntry, inflateRaw: InflateRaw, crc32: Crc32 = crc32Js): Uint8Array {
  let out = entry.data;
  if (entry.method !== 0) {
    out = inflateRaw(entry.data, entry.size);
    if (out.length !== entry.size) throw new Error(`${entry.name} inflates to ${out.length} bytes, the directory says ${entry.size}`);
  }
  checkCrc(entry, out, crc32);
  return out;
}

/** Throws if `data` (an entry's uncompressed bytes) does not have the CRC-32 the directory states. */
export function checkCrc(entry: ZipEntry, data: Uint8Array, crc32: Crc32 = crc32Js): void {
  const crc = crc32(data) >>> 0;
  if (crc !== entry.crc) {
    throw new Error(`${entry.name}: CRC-32 mismatch (the directory says ${hex32(entry.crc)}, the data has ${hex32(crc)})`);
  }
}

const hex32 = (x: number) => `0x${x.toString(16).padStart(8, '0')}`;

// Slicing by 4: four table lookups per 4 bytes (~4x the byte-at-a-time loop). The Node entry
// passes zlib's native crc32 where it has one.
const CRC_TABLES = (() => {
  const t = new Int32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 4; k++) t[256 * k + n] = (t[256 * (k - 1) + n]! >>> 8) ^ t[t[256 * (k - 1) + n]! & 0xff]!;
  }
  return t;
})();

/** CRC-32 in plain JS. */
export function crc32Js(data: Uint8Array): number {
  const t = CRC_TABLES;
  let c = -1;
  const n = data.length;
  let i = 0;
  for (const end = n - (n & 3); i < end; i += 4) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c = t[768 + (c & 0xff)]! ^ t[512 + ((c >>> 8) & 0xff)]! ^ t[256 + ((c >>> 16) & 0xff)]! ^ t[c >>> 24]!;
  }
  for (; i < n; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
