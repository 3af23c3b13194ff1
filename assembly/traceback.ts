// The traceback shared by the deterministic kernel and the linear-domain sampler.

/**
 * Follows the starts from n to 0, writing ids downwards from the top of the trace: the k-th id
 * goes to an i32 slot at or above the entry being read (8-byte entries (node, start), 4-byte ids),
 * so the scratch is reused in place. The chain e → start stays in the scratch; the node → id loads
 * (random, in a large table) hang off it and overlap. Returns the number of ids; they end where
 * the trace ends (trace + 8 * (n + 1)).
 */
export function tracebackRecords(n: i32, trace: usize, nodeIds: usize): i32 {
  const top = trace + (<usize>(n + 1) << 3);
  let w = top;
  for (let e = n; e > 0; ) {
    const rec = load<i64>(trace + (<usize>e << 3));
    w -= 4;
    store<i32>(w, load<i32>(nodeIds + (<usize><i32>rec << 2)));
    e = <i32>(rec >>> 32);
  }
  return <i32>((top - w) >> 2);
}
