// The WASM kernel: the byte trie walk and the Viterbi best path over linear memory.
// No strings, no GC objects: the host (src/engine-wasm.ts) lays out the model tables and the
// per-call buffers in memory and passes their addresses. Mirrors src/engine-js.ts step for step.

// Model tables, set once by setModel.
let units: usize = 0; // i32 (base, check) pairs per trie node
let nodeIds: usize = 0; // i32 piece id per node, or -1
let scores: usize = 0; // f64 score per piece id
let lengths: usize = 0; // i32 byte length per piece id
let ring: usize = 0; // f64 window of best[] (power-of-two entries)
let mask: i32 = 0;

export function setModel(unitsPtr: usize, nodeIdsPtr: usize, scoresPtr: usize, lengthsPtr: usize, ringPtr: usize, ringMask: i32): void {
  units = unitsPtr;
  nodeIds = nodeIdsPtr;
  scores = scoresPtr;
  lengths = lengthsPtr;
  ring = ringPtr;
  mask = ringMask;
}

/**
 * Segments input[0..n). With split, each `\n`-terminated chunk is segmented on its own.
 * back: i32[n + 1] scratch; out: u32[n] receives the ids. Returns the number of ids.
 */
export function encode(input: usize, n: i32, back: usize, out: usize, split: bool): i32 {
  let count = 0;
  let a = 0;
  while (a < n) {
    let b = n;
    if (split) {
      b = a;
      while (b < n && load<u8>(input + <usize>b) != 10) b++;
      while (b < n && load<u8>(input + <usize>b) == 10) b++;
    }
    viterbi(input, a, b, back);
    count += traceback(a, b, back, out + (<usize>count << 2));
    a = b;
  }
  return count;
}

// @ts-ignore: decorator
@inline function slot(p: i32): usize {
  return ring + (<usize>(p & mask) << 3);
}

function viterbi(input: usize, a: i32, b: i32, back: usize): void {
  for (let i = 0; i <= mask; i++) store<f64>(ring + (<usize>i << 3), -Infinity);
  store<f64>(slot(a), 0);
  for (let s = a; s < b; s++) {
    const bs = load<f64>(slot(s));
    store<f64>(slot(s), -Infinity); // this slot next holds best[s + ring size]
    let node = 0;
    for (let j = s; j < b; j++) {
      const next = load<i32>(units + (<usize>node << 3)) + <i32>load<u8>(input + <usize>j);
      if (load<i32>(units + (<usize>next << 3), 4) != node) break;
      node = next;
      const id = load<i32>(nodeIds + (<usize>node << 2));
      if (id >= 0) {
        const score = bs + load<f64>(scores + (<usize>id << 3));
        const e = slot(j + 1);
        if (score > load<f64>(e)) {
          store<f64>(e, score);
          store<i32>(back + (<usize>(j + 1) << 2), id);
        }
      }
    }
  }
}

function traceback(a: i32, b: i32, back: usize, out: usize): i32 {
  let count = 0;
  for (let e = b; e > a; e -= load<i32>(lengths + (<usize>load<i32>(back + (<usize>e << 2)) << 2))) count++;
  let k = count;
  for (let e = b; e > a; ) {
    const id = load<i32>(back + (<usize>e << 2));
    store<i32>(out + (<usize>--k << 2), id);
    e -= load<i32>(lengths + (<usize>id << 2));
  }
  return count;
}

export { setSampler, setRandomState, sample } from './sampler';
