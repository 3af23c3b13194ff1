// A minimal zip reader: lists entries from the central directory and inflates only the one wanted,
// straight into a buffer of the announced size, with whatever inflater the platform has (Node's
// native zlib in the Node entry, fflate elsewhere). Anything it does not handle (zip64, encryption,
// methods other than stored/deflate, inconsistent headers) makes it answer `undefined`, and the
// caller falls back to fflate's general unzipper, which also words the errors for broken archives.

/** Inflates raw DEFLATE `data` whose inflated size is announced as `size`; throws if it is corrupt. */
export type InflateRaw = (data: Uint8Array, size: number) => Uint8Array;

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflate. */
  readonly method: number;
  /** The entry's data as stored (compressed for deflate). */
  readonly data: Uint8Array;
  /** Uncompressed size from the central directory. */
  readonly size: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The entries of a zip, or undefined if the archive is unusual or inconsistent (see above). */
export function readZipDirectory(zip: Uint8Array): ZipEntry[] | undefined {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
  let end = -1;
  for (let at = zip.length - 22; at >= 0 && at >= zip.length - 22 - 0xffff; at--) {
    if (zip[at] === 0x50 && u32(at) === EOCD && at + 22 + u16(at + 20) === zip.length) {
      end = at;
      break;
    }
  }
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
    const local = u32(at + 42);
    if ((flags & 1) !== 0 || (method !== 0 && method !== 8) || packed === 0xffffffff || size === 0xffffffff || next > end) return undefined;
    const rawName = zip.subarray(at + 46, at + 46 + nameLen);
    const name = flags & 0x800 ? new TextDecoder().decode(rawName) : String.fromCharCode(...rawName);
    if (local + 30 > zip.length || u32(local) !== LOCAL) return undefined;
    const dataAt = local + 30 + u16(local + 26) + u16(local + 28);
    if (dataAt + packed > zip.length || (method === 0 && packed !== size)) return undefined;
    if (names.has(name)) return undefined; // let the general unzipper decide which one counts
    names.add(name);
    entries.push({ name, method, data: zip.subarray(dataAt, dataAt + packed), size });
    at = next;
  }
  return entries;
}

/** The uncompressed bytes of an entry; throws (the inflater's error, or a size mismatch) if corrupt. */
export function extractZipEntry(entry: ZipEntry, inflateRaw: InflateRaw): Uint8Array {
  if (entry.method === 0) return entry.data;
  const out = inflateRaw(entry.data, entry.size);
  if (out.length !== entry.size) throw new Error(`${entry.name} inflates to ${out.length} bytes, the directory says ${entry.size}`);
  return out;
}
