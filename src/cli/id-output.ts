// How the CLI writes ids: packed little-endian u16/u32, or comma-separated decimals for JSONL,
// into a recycled output buffer while they fit (blocks, and the parts of a line too long for one).

const EOS = 2;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Concatenates the documents' ids as little-endian u16/u32, each followed by `<eos>` if asked; in `into` if it fits. */
export function pack(docs: Uint32Array[], total: number, width: 2 | 4, eos: boolean, into: Uint8Array | undefined): Uint8Array {
  const fits = into !== undefined && into.byteOffset % width === 0 && into.byteLength >= total * width;
  const out =
    width === 2
      ? fits
        ? new Uint16Array(into.buffer, into.byteOffset, total)
        : new Uint16Array(total)
      : fits
        ? new Uint32Array(into.buffer, into.byteOffset, total)
        : new Uint32Array(total);
  let at = 0;
  for (const ids of docs) {
    out.set(ids, at); // u16: ids < 65536 (checked against the vocabulary before starting)
    at += ids.length;
    if (eos) out[at++] = EOS;
  }
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  if (!LITTLE_ENDIAN) swapBytes(bytes, width);
  return bytes;
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

/** A growable byte buffer for ASCII output: `into` while it fits, else a buffer of its own. */
export class ByteSink {
  buf: Uint8Array;
  at = 0;
  private readonly into?: Uint8Array;
  constructor(capacity: number, into?: Uint8Array) {
    this.into = into;
    this.buf = into && into.byteLength >= capacity ? into : new Uint8Array(Math.max(64, capacity));
  }
  ensure(extra: number): void {
    if (this.at + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.at + extra));
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
  }
  ascii(s: string): void {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.at++] = s.charCodeAt(i);
  }
  bytes(): Uint8Array {
    // A view of the caller's buffer, or an exact copy of ours (the one transferred back).
    return this.buf === this.into ? this.buf.subarray(0, this.at) : this.buf.slice(0, this.at);
  }
}

/** Writes ids as comma-separated decimals. */
export function writeIds(sink: ByteSink, ids: Uint32Array): ByteSink {
  // Room for the worst case (10 digits and a comma) a slice at a time, not for the whole array.
  for (let from = 0; from < ids.length; from += 4096) writeIdsFrom(sink, ids, from, Math.min(ids.length, from + 4096));
  return sink;
}

/** The ASCII digits of 0..99, two bytes each ("00", "01", ... "99"). */
const DIGIT_PAIRS = /* @__PURE__ */ (() => {
  const pairs = new Uint8Array(200);
  for (let i = 0; i < 100; i++) {
    pairs[2 * i] = 48 + Math.floor(i / 10);
    pairs[2 * i + 1] = 48 + (i % 10);
  }
  return pairs;
})();

// Two digits per division, and the divisions in integer arithmetic: (v / 100) >>> 0 is the exact
// quotient for any uint32 (the fraction, a multiple of 1/100, cannot round up to the next integer
// in a double), which V8 can keep in integer arithmetic. On 14.7M ids 2.7x faster than one digit
// per float division; whole JSONL-output blocks 1.04-1.31x (bench/cli-block-ab.ts at tag lab-notebook-2026-12).
function writeIdsFrom(sink: ByteSink, ids: Uint32Array, from: number, to: number): void {
  sink.ensure((to - from) * 11);
  const buf = sink.buf;
  const pairs = DIGIT_PAIRS;
  let at = sink.at;
  for (let i = from; i < to; i++) {
    if (i > 0) buf[at++] = 44; // ','
    let v = ids[i]!;
    const digits =
      v < 100000
        ? v < 100
          ? v < 10
            ? 1
            : 2
          : v < 1000
            ? 3
            : v < 10000
              ? 4
              : 5
        : v < 10000000
          ? v < 1000000
            ? 6
            : 7
          : v < 100000000
            ? 8
            : v < 1000000000
              ? 9
              : 10;
    at += digits;
    let k = at;
    while (v >= 100) {
      const q = (v / 100) >>> 0;
      const r = 2 * (v - 100 * q);
      buf[--k] = pairs[r + 1]!;
      buf[--k] = pairs[r]!;
      v = q;
    }
    if (v >= 10) {
      buf[--k] = pairs[2 * v + 1]!;
      buf[--k] = pairs[2 * v]!;
    } else {
      buf[--k] = 48 + v;
    }
  }
  sink.at = at;
}
