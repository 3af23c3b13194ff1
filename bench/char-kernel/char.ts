// Experiment (not shipped): a character-level kernel for models whose multi-byte pieces are all
// whole UTF-8 characters ("eu" models). Walks start only at character starts and step one whole
// character per lookup, in a double array over dense character indices; a byte inside a character
// can only end a single-byte piece. Single stream, deterministic. Host: bench/char-kernel-dev.ts.
//
// Memory (host-laid): nodes 16 bytes each (base i32, check i32, score f64), node 0 the root;
// nodeIds i32 per node; cpIndex i32 per code point (-1: in no piece); byteScore f64[256] and
// byteId i32[256], the single-byte pieces; live: walks of 32 bytes (best[start] f64, node i32,
// start i32, base(node) i32).

const NEG_INF_BITS: i64 = 0xfff0000000000000;

/** Segments input[0..n) (valid UTF-8), `\n`-chunks on their own; trace: 8 * (n + 1) bytes of
 * (piece id, start) records; returns the number of ids, written in text order at the end of the
 * trace (as assembly/index.ts encode). */
export function encodeChars(input: usize, n: i32, trace: usize, nodes: usize, nodeIds: usize, cpIndex: usize,
  byteScore: usize, byteId: usize, live: usize): i32 {
  const rootBase = load<i32>(nodes);
  let count = 0;
  let bestPrev: f64 = 0; // best[i], i a character start
  let prev: u32 = 0;
  let i = 0;
  while (i < n) {
    const b0 = <u32>load<u8>(input + <usize>i);
    if ((prev == 10) & (b0 != 10)) {
      count = 0;
      bestPrev = 0;
    }
    let len = 1;
    let cp = b0;
    if (b0 >= 0xf0) {
      len = 4;
      cp = ((b0 & 7) << 18) | ((<u32>load<u8>(input + <usize>i + 1) & 63) << 12) | ((<u32>load<u8>(input + <usize>i + 2) & 63) << 6) | (<u32>load<u8>(input + <usize>i + 3) & 63);
    } else if (b0 >= 0xe0) {
      len = 3;
      cp = ((b0 & 15) << 12) | ((<u32>load<u8>(input + <usize>i + 1) & 63) << 6) | (<u32>load<u8>(input + <usize>i + 2) & 63);
    } else if (b0 >= 0xc0) {
      len = 2;
      cp = ((b0 & 31) << 6) | (<u32>load<u8>(input + <usize>i + 1) & 63);
    }
    const idx = load<i32>(cpIndex + (<usize>cp << 2));
    // Ends inside the character: only single-byte pieces end there.
    let bp = bestPrev;
    for (let k = 0; k < len - 1; k++) {
      const b = <usize>load<u8>(input + <usize>(i + k));
      bp += load<f64>(byteScore + (b << 3));
      store<i64>(trace + (<usize>(i + k + 1) << 3), (<i64>(i + k) << 32) | <i64>load<i32>(byteId + (b << 2)));
    }
    const e = i + len;
    let best = NEG_INF_BITS;
    let bestRec: i64 = 0;
    let w = live;
    if (idx >= 0) {
      const end = live + (<usize>count << 5);
      for (let r = live; r < end; r += 32) {
        const bs = load<f64>(r);
        const node = load<i32>(r, 8);
        const start = load<i32>(r, 12);
        const child = load<i32>(r, 16) + idx;
        const q = nodes + (<usize>child << 4);
        const alive = load<i32>(q, 4) == node;
        const score = reinterpret<i64>(bs + load<f64>(q, 8));
        const better = alive & (score < best);
        best = select<i64>(score, best, better);
        bestRec = select<i64>((<i64>start << 32) | <i64>child, bestRec, better);
        store<f64>(w, bs);
        store<i32>(w, child, 8);
        store<i32>(w, start, 12);
        store<i32>(w, load<i32>(q), 16);
        w += <usize>alive << 5;
      }
      // The walk starting at this character (a root child, when some piece starts with it).
      const child = rootBase + idx;
      const q = nodes + (<usize>child << 4);
      const alive = load<i32>(q, 4) == 0;
      const score = reinterpret<i64>(bestPrev + load<f64>(q, 8));
      const better = alive & (score < best);
      best = select<i64>(score, best, better);
      bestRec = select<i64>((<i64>i << 32) | <i64>child, bestRec, better);
      store<f64>(w, bestPrev);
      store<i32>(w, child, 8);
      store<i32>(w, i, 12);
      store<i32>(w, load<i32>(q), 16);
      w += <usize>alive << 5;
    }
    count = <i32>((w - live) >> 5);
    // Node records hold node indices; make them ids here (a record with the top bit of the low
    // half set is already an id: the single-byte records below).
    if (best != NEG_INF_BITS) bestRec = (bestRec & 0xffffffff00000000) | <i64>load<i32>(nodeIds + (<usize>(<i32>bestRec) << 2));
    if (len > 1) {
      const b = <usize>load<u8>(input + <usize>(e - 1));
      const score = reinterpret<i64>(bp + load<f64>(byteScore + (b << 3)));
      const better = score < best;
      best = select<i64>(score, best, better);
      bestRec = select<i64>((<i64>(e - 1) << 32) | <i64>load<i32>(byteId + (b << 2)), bestRec, better);
    }
    store<i64>(trace + (<usize>e << 3), bestRec);
    bestPrev = reinterpret<f64>(best);
    prev = <u32>load<u8>(input + <usize>(e - 1));
    i = e;
  }
  // Trace back: ids from the end, written downwards at the top of the trace.
  let out = trace + (<usize>(n + 1) << 3);
  let c = 0;
  for (let e = n; e > 0; c++) {
    const rec = load<i64>(trace + (<usize>e << 3));
    out -= 4;
    store<i32>(out, <i32>rec);
    e = <i32>(rec >> 32);
  }
  return c;
}

