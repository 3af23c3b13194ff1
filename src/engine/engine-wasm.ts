import type { Engine } from './engine.js';
import type { CompiledModel } from '../model/compile.js';
import { EXP2_TABLE } from './exp-neg.js';
import { fillWeights, planEpoch, linearPlan, type LinearPlan } from './sampling-weights.js';
import { AlphaTables } from './alpha-tables.js';
import { meetPoint, type WindowPass } from './line-windows.js';

/** The kernel's exports (assembly/index.ts). */
interface Kernel {
  memory: WebAssembly.Memory;
  /** Where the node table must be placed. */
  NODES: WebAssembly.Global;
  /** Bytes of one list of live walks for pieces of up to maxPieceLength bytes. */
  liveListBytes(maxPieceLength: number): number;
  setModel(nodeIds: number, lengths: number, live: number, rootBase: number, live2: number): void;
  encode(input: number, n: number, trace: number, split: number): number;
  encodeTwo(input: number, n: number, trace: number, p: number): number;
  secondCount(): number;
  count(input: number, n: number, trace: number, split: number): number;
  forwardWindow(input: number, n: number, trace: number, bestStart: number): void;
  traceback(n: number, trace: number): number;
  /** Returns the bytes of scratch it will use from `scratch`. */
  setSampler(nodeIds: number, exp2Table: number, scratch: number, maxPieceLength: number): number;
  setRandomState(a: number, b: number, c: number, d: number): void;
  sample(input: number, n: number, back: number, out: number, split: number, alpha: number): number;
  sampleLinear(input: number, n: number, trace: number, split: number, weights: number, low: number, high: number): number;
}

/** What this host needs from the kernel; checked so a wrong or stale .wasm fails with a clear message. */
const KERNEL_EXPORTS = [
  'memory',
  'NODES',
  'liveListBytes',
  'setModel',
  'encode',
  'encodeTwo',
  'secondCount',
  'count',
  'forwardWindow',
  'traceback',
  'setSampler',
  'setRandomState',
  'sample',
  'sampleLinear',
] as const;

function checkKernel(module: WebAssembly.Module): void {
  const have = WebAssembly.Module.exports(module).map((e) => e.name);
  const missing = KERNEL_EXPORTS.filter((name) => !have.includes(name));
  if (missing.length > 0) {
    throw new TypeError(
      `bytepiece-wasm: the WebAssembly module given is not this version's kernel: it lacks the export(s) ${missing.join(', ')} (it exports ${have.join(', ') || 'nothing'})`,
    );
  }
}

const PAGE = 65536;
/**
 * The memory this engine lets the kernel use: all of WebAssembly's 4 GiB (65536 pages). Addresses
 * past 2^31 are tested by test/unit/wasm-high-memory.test.ts (every buffer moved above 2 GiB and
 * 3 GiB) and a one-pass 252 MB line in test:stress.
 */
const MAX_PAGES = 65536;
// Addresses go up to 4 GiB, so no int32 arithmetic on them: `(p + a - 1) & -a` or `p >> 2` turn
// negative past 2 GiB (which gave garbage ids for single lines over ~238 MB). `-p & (a - 1)` is
// exact for any p below 2^53: ToInt32 keeps the low bits.
const align = (p: number, a: number) => p + (-p & (a - 1));
/** The u32 index of a 4-byte-aligned address. */
const u32At = (address: number) => address / 4;
/** The first chunk start after `from` (input[q - 1] is `\n`, input[q] is not), or input.length. */
function chunkEnd(input: Uint8Array, from: number): number {
  const n = input.length;
  for (let q = from + 1; q < n; q++) {
    const nl = input.indexOf(10, q - 1);
    if (nl < 0 || nl >= n - 1) return n;
    q = nl + 1;
    if (input[q] !== 10) return q;
  }
  return n;
}

/** One kernel pass over input[0..len) with its work area from `work` (see WasmEngine.blocks). */
type Block = (input: number, len: number, work: number) => number;
/** Texts of more than 2 * BLOCK UTF-8 bytes are segmented in blocks of about BLOCK bytes (see WasmEngine.blocks). */
const BLOCK = 1 << 15;
/** Texts up to this many UTF-16 units get room for their worst-case UTF-8 (3 bytes per unit) at once. */
const ONE_SHOT = 1 << 20;
/**
 * Chunks of more than `long` bytes are segmented in windows of `window` bytes (WasmEngine.windowed):
 * the trace of a whole chunk takes 8 bytes per byte. Settable for tests (small values make many
 * windows on small texts).
 */
export const windowing = { long: 4 << 20, window: 1 << 20 };

/**
 * The WebAssembly engine: one instance per Tokenizer. The model's tables are copied into linear
 * memory once; above them a scratch area holds, per call, the input bytes (written there directly
 * by `TextEncoder.encodeInto`) followed by the back pointers (node and start of the best last piece
 * per end), which the kernel overwrites in place with the ids. Memory only grows; the views over
 * it are re-created only when it does, so a call allocates nothing but its result.
 */
export class WasmEngine implements Engine {
  readonly name = 'wasm' as const;
  private readonly kernel: Kernel;
  private readonly memory: WebAssembly.Memory;
  /** Start of the per-call scratch (moves up when a weight table is added below it). */
  private scratch: number;
  private readonly model: CompiledModel;
  /** Linear-domain weight tables in memory (weighted node tables, 16 bytes per trie node): their addresses by alpha. */
  private readonly tables = new AlphaTables<number>((alpha, reuse) => this.buildWeights(alpha, reuse));
  private readonly encoder = new TextEncoder();
  /** Current memory size in bytes (only this engine grows it). */
  private size = 0;
  private u8!: Uint8Array;
  private u32!: Uint32Array;
  /** u8 from `scratch` to the end of memory: where encodeInto writes the input. */
  private input!: Uint8Array;
  private f64!: Float64Array;
  /** Where the last call's ids start in u32, and their number. */
  private idsAt = 0;
  /** Address of the node → id table (i32 per node). */
  private nodeIdsPtr = 0;
  /** Scratch of windowed: one mark per position of a window. */
  private marks = new Uint8Array(0);

  constructor(model: CompiledModel, module: WebAssembly.Module) {
    checkKernel(module);
    this.model = model;
    // A binary model's tables may already sit in an instance of this module: take it over, uncopied.
    const placed = model.placed?.take(module);
    const instance =
      placed?.instance ??
      new WebAssembly.Instance(module, {
        env: {
          abort: () => {
            throw new Error('bytepiece-wasm: kernel abort');
          },
        },
      });
    this.kernel = instance.exports as unknown as Kernel;
    this.memory = this.kernel.memory;
    const { trie, lengths } = model;
    let at = placed?.end ?? (this.kernel.NODES.value as number); // the kernel has no data segments below NODES
    const place = (src: ArrayBufferView, alignment: number) => {
      at = align(at, alignment);
      const ptr = at;
      at += src.byteLength;
      this.reserve(at);
      this.u8.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), ptr);
      return ptr;
    };
    this.refresh();
    if (!placed) place(trie.words, 64); // at NODES
    const nodeIdsPtr = placed?.nodeIds ?? place(trie.nodeIds, 8);
    const lengthsPtr = placed?.lengths ?? place(lengths, 8);
    // The kernel's two lists of live walks (it segments two halves of a text side by side).
    const liveBytes = this.kernel.liveListBytes(model.maxPieceLength);
    const livePtr = align(at, 64);
    const live2Ptr = align(livePtr + liveBytes, 64);
    at = live2Ptr + liveBytes;
    const exp2TablePtr = place(EXP2_TABLE, 8);
    const samplerPtr = align(at, 16); // the sampler's live walks and candidates
    at = samplerPtr + this.kernel.setSampler(nodeIdsPtr, exp2TablePtr, samplerPtr, model.maxPieceLength);
    this.scratch = align(at, 64);
    this.reserve(this.scratch + PAGE);
    this.refresh();
    this.kernel.setModel(nodeIdsPtr, lengthsPtr, livePtr, trie.rootBase, live2Ptr);
    this.nodeIdsPtr = nodeIdsPtr;
  }

  /** UTF-8 bytes of the current call's input (for the error when it does not fit). */
  private inputBytes = 0;

  /** Makes memory at least `end` bytes long, or throws a RangeError naming the input's size. */
  private reserve(end: number): void {
    if (end <= this.size) return;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const need = Math.ceil((end - have) / PAGE);
      const room = MAX_PAGES - have / PAGE;
      if (need > room) throw this.tooLarge(end, `WebAssembly memory stops at ${MAX_PAGES * PAGE} bytes (4 GiB)`);
      // Grow by at least a quarter so a run of growing inputs does not grow page by page; if the
      // system cannot give that much, by what is needed.
      const ample = Math.min(room, Math.max(need, Math.ceil(have / 4 / PAGE)));
      try {
        this.memory.grow(ample);
      } catch (e) {
        if (ample === need) throw this.tooLarge(end, `the system refused more memory (${(e as Error).message})`);
        try {
          this.memory.grow(need);
        } catch (e2) {
          throw this.tooLarge(end, `the system refused more memory (${(e2 as Error).message})`);
        }
      }
    }
    this.refresh();
  }

  private tooLarge(end: number, why: string): RangeError {
    return new RangeError(
      `bytepiece-wasm: an input of ${this.inputBytes} UTF-8 bytes is too large for the WebAssembly engine: ` +
        `it needs ${end} bytes of memory (its bytes, 4 per id, and 8 per byte of a line being sampled), and ${why}. ` +
        "Encode it in parts cut at line breaks (EncodeStream, EncodeTransform and the CLI do), or use engine: 'js'",
    );
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.size = buffer.byteLength;
    this.u8 = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.f64 = new Float64Array(buffer);
    if (this.scratch !== undefined) this.input = new Uint8Array(buffer, this.scratch);
  }

  /** Writes the UTF-8 of `text` at `scratch + at`; returns its length in bytes. */
  private write(text: string, at = 0): number {
    const len = text.length;
    this.inputBytes = at + len;
    // UTF-8 takes at most 3 bytes per UTF-16 unit. Reserve that for texts up to ONE_SHOT units; for
    // longer ones start from one byte per unit and grow as encodeInto reports what it could not fit.
    this.reserve(this.scratch + at + (len <= ONE_SHOT ? 3 * len : len + 64));
    let r = this.encoder.encodeInto(text, at === 0 ? this.input : this.input.subarray(at));
    if (r.read === len) return r.written;
    let read = r.read;
    let written = r.written;
    while (read < len) {
      this.inputBytes = at + written + (len - read);
      this.reserve(this.scratch + at + written + 3 * (len - read));
      r = this.encoder.encodeInto(text.slice(read), this.input.subarray(at + written));
      read += r.read;
      written += r.written;
    }
    this.inputBytes = at + written;
    return written;
  }

  /**
   * Two texts in one kernel call, side by side as two streams (the kernel's encodeTwo), each
   * segmented as `encodeTextInto(text, true, …)` would: a's ids to out from atA, b's right after
   * them plus `gap` slots. The caller guarantees room (at most 3 ids per UTF-16 unit). Returns the
   * number of a's ids; pairCount then holds b's.
   */
  encodeTwoInto(a: string, b: string, out: Uint32Array, atA: number, gap: number): number {
    const nA = this.write(a);
    const n = nA + this.write(b, nA);
    const trace = align(this.scratch + n, 8);
    const top = trace + 8 * (n + 1);
    this.reserve(top);
    const count = this.kernel.encodeTwo(this.scratch, n, trace, nA);
    const countB = this.kernel.secondCount();
    const countA = count - countB;
    const from = u32At(top) - count;
    this.copyIds(out, atA, from, countA);
    this.copyIds(out, atA + countA + gap, from + countA, countB);
    this.pairCount = countB;
    return countA;
  }

  /** The second text's number of ids in the last encodeTwoInto. */
  pairCount = 0;

  /** Runs the kernel over the n input bytes; the ids are then u32[idsAt .. idsAt + count). */
  private run(n: number, split: boolean): number {
    if (n > windowing.long && this.hasLongChunk(n, split)) return this.windowed(n, split, false);
    if (split && n > 2 * BLOCK) return this.blocks(n, false, (input, len, work) => this.encodePass(input, len, work, 1));
    return this.encodePass(this.scratch, n, this.scratch + n, split ? 1 : 0);
  }

  private encodePass(input: number, len: number, work: number, split: number): number {
    const trace = align(work, 8);
    const top = trace + 8 * (len + 1);
    this.reserve(top);
    const count = this.kernel.encode(input, len, trace, split);
    this.idsAt = u32At(top) - count;
    return count;
  }

  /**
   * A long text (more than 2 * BLOCK bytes at scratch, segmented with split): runs `one` once per
   * block of about BLOCK bytes, cut where a chunk starts (chunks are segmented on their own, so
   * this is exact; blocks run in text order, so a sampler draws in the same order), each with its
   * work area (at most 8 * (len + 2) bytes) from `work`, and gathers the ids of each block after
   * that area. `one` leaves its ids at u32[idsAt ..) and returns their number; so does this, and
   * with countOnly it only counts.
   *
   * Why blocks: the kernel's trace takes 8 bytes per input byte, and over a whole 2 MB text it
   * outgrows the caches; such a call ran 10-25% slower per byte than the same text in 32-128 KB
   * calls (bench/block-size.ts). In blocks, 2 MB texts ran 1.18-1.30x faster.
   */
  private blocks(n: number, countOnly: boolean, one: Block): number {
    const work = this.scratch + n;
    const input = this.u8.subarray(this.scratch, work);
    const cuts = [0];
    for (let a = 0; n - a > BLOCK;) {
      // The first chunk start at or after a + BLOCK: past the run of `\n` that ends at or after it.
      let q = input.indexOf(10, a + BLOCK - 1);
      if (q < 0) break;
      while (q < n && input[q] === 10) q++;
      if (q >= n) break;
      cuts.push(q);
      a = q;
    }
    cuts.push(n);
    let longest = 0;
    for (let k = 1; k < cuts.length; k++) longest = Math.max(longest, cuts[k]! - cuts[k - 1]!);
    const ids = align(align(work, 8) + 8 * (longest + 2), 4);
    this.reserve(countOnly ? ids : ids + 4 * n);
    let total = 0;
    for (let k = 1; k < cuts.length; k++) {
      const count = one(this.scratch + cuts[k - 1]!, cuts[k]! - cuts[k - 1]!, work);
      if (!countOnly) this.u32.copyWithin(u32At(ids) + total, this.idsAt, this.idsAt + count);
      total += count;
    }
    this.idsAt = u32At(ids);
    return total;
  }

  /** The n input bytes (a view: made again after memory grows). */
  private inputView(n: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, this.scratch, n);
  }

  /** True if the text (split into chunks, or not) has a chunk of more than windowing.long bytes. */
  private hasLongChunk(n: number, split: boolean): boolean {
    if (!split) return true;
    const input = this.inputView(n);
    for (let a = 0; a < n;) {
      const q = chunkEnd(input, a);
      if (q - a > windowing.long) return true;
      a = q;
    }
    return false;
  }

  /**
   * Segments the n input bytes with a work area of about 8 * windowing.window bytes instead of 8
   * per input byte, with exactly the ids of one pass (test/long-line.test.ts checks it).
   *
   * Short chunks go to the kernel in groups, as in blocks. A long chunk is run in windows: the
   * forward pass over [a, a + W) from a's best score gives, for every end up to a + W, the same
   * best last piece as a pass over the whole chunk would (an end's best path depends only on the
   * bytes before it). Every segmentation of the chunk has a piece boundary among the last L ends
   * of the window (L the longest piece), and the final path up to that boundary is that end's best
   * path: so where the best paths from those L ends all meet, at c, everything before c is final.
   * Its ids are emitted, c's best score is summed along them (the same additions, in the same
   * order, as the kernel made), and the next window starts at c. From that score the pass finds
   * the same best path (the candidates it lacks, pieces that start before c, are not on it, and
   * the others only score lower). If the paths do not meet in the window, it is run again twice as
   * long: exact on any input, and in bounded memory whenever best paths meet, which on real text
   * they do within a few pieces.
   */
  private windowed(n: number, split: boolean, countOnly: boolean): number {
    const L = this.model.maxPieceLength;
    const work = align(this.scratch + n, 8);
    let window = Math.max(windowing.window, 4 * L);
    let idsPtr = work + 8 * (Math.min(window, n) + 2);
    let total = 0;
    let input = this.inputView(n);
    const end = (from: number) => {
      if (input.length === 0) input = this.inputView(n); // memory grew: the old view is detached
      return split ? chunkEnd(input, from) : n;
    };
    /** Room for `more` ids after those so far. */
    const roomForIds = (more: number) => {
      if (!countOnly) this.reserve(idsPtr + 4 * (total + more));
    };
    for (let a = 0; a < n;) {
      const q = end(a);
      // Short chunks: as many as make about a block, in one kernel call (the ids after the trace).
      if (q - a <= windowing.long) {
        let b = q;
        while (b < n && b - a < BLOCK) {
          const next = end(b);
          if (next - b > windowing.long) break;
          b = next;
        }
        const len = b - a;
        this.growWindow(len, work, idsPtr, total, countOnly, (to) => {
          idsPtr = to;
        });
        roomForIds(len);
        const count = this.kernel.encode(this.scratch + a, len, work, split ? 1 : 0);
        if (!countOnly) this.u32.copyWithin(u32At(idsPtr) + total, u32At(work + 8 * (len + 1)) - count, u32At(work + 8 * (len + 1)));
        total += count;
        a = b;
        continue;
      }
      // A long chunk [a, q), window by window; `best` is the best score at a.
      let best = 0;
      while (a < q) {
        const w = Math.min(window, q - a);
        this.growWindow(w, work, idsPtr, total, countOnly, (to) => {
          idsPtr = to;
        });
        this.kernel.forwardWindow(this.scratch + a, w, work, best);
        if (a + w === q) {
          roomForIds(w);
          const count = countOnly ? this.chainLength(work, w, 0) : this.kernel.traceback(w, work);
          if (!countOnly) this.u32.copyWithin(u32At(idsPtr) + total, u32At(work + 8 * (w + 1)) - count, u32At(work + 8 * (w + 1)));
          total += count;
          a = q;
          break;
        }
        const c = w > L ? this.meet(work, w, L) : 0;
        if (c === 0) {
          window *= 2; // the best paths did not meet: run this window again, longer
          continue;
        }
        const count = this.chainLength(work, c, 0);
        roomForIds(count);
        best = this.emitChain(work, c, count, countOnly ? -1 : u32At(idsPtr) + total, best);
        total += count;
        a += c;
      }
    }
    this.idsAt = u32At(idsPtr);
    return total;
  }

  /** Makes room for a trace of w + 1 entries at work, moving the ids gathered so far up if needed. */
  private growWindow(w: number, work: number, idsPtr: number, total: number, countOnly: boolean, moved: (to: number) => void): void {
    const end = work + 8 * (w + 2);
    if (end <= idsPtr) {
      this.reserve(end);
      return;
    }
    const to = end + (-end & 63);
    this.reserve(countOnly ? to : to + 4 * total);
    if (!countOnly) this.u32.copyWithin(u32At(to), u32At(idsPtr), u32At(idsPtr) + total);
    moved(to);
  }

  /** The number of pieces on the best path from `to` back to `from` in the trace at `trace`. */
  private chainLength(trace: number, to: number, from: number): number {
    const u32 = this.u32;
    const t = u32At(trace);
    let k = 0;
    for (let e = to; e > from; k++) e = u32[t + 2 * e + 1]!;
    return k;
  }

  /** meetPoint over the trace at `trace` (a method: test/unit/window-last-stretch.test.ts replaces it). */
  private meet(trace: number, w: number, L: number): number {
    if (this.marks.length < w + 1) this.marks = new Uint8Array(Math.max(w + 1, 2 * this.marks.length));
    const u32 = this.u32;
    const t = u32At(trace);
    return meetPoint((e) => u32[t + 2 * e + 1]!, w, L, this.marks);
  }

  windowPass(): WindowPass {
    let t = 0; // the trace's u32 index
    return {
      forward: (bytes, best) => {
        const n = bytes.length;
        this.inputBytes = n;
        const trace = align(this.scratch + n, 8);
        this.reserve(trace + 8 * (n + 2));
        this.u8.set(bytes, this.scratch);
        this.kernel.forwardWindow(this.scratch, n, trace, best);
        t = u32At(trace);
      },
      start: (e) => this.u32[t + 2 * e + 1]!,
      node: (e) => this.u32[t + 2 * e]!,
    };
  }

  /**
   * Writes the ids of the best path from c back to 0 to u32[at ..) in text order (at < 0: nowhere)
   * and returns c's best score: `best` (at 0) plus the pieces' scores, added in text order as the
   * kernel added them.
   */
  private emitChain(trace: number, c: number, count: number, at: number, best: number): number {
    const u32 = this.u32;
    const f64 = this.f64;
    const t = u32At(trace);
    const nodes = (this.kernel.NODES.value as number) / 8;
    const ids = u32At(this.nodeIdsPtr);
    // The path's nodes, last piece first, into the ids' slots; then scored and mapped in text order.
    const path = at >= 0 ? at : -1;
    let k = count;
    const scratch: number[] = path >= 0 ? [] : new Array<number>(count);
    for (let e = c; e > 0; e = u32[t + 2 * e + 1]!) {
      k--;
      if (path >= 0) u32[path + k] = u32[t + 2 * e]!;
      else scratch[k] = u32[t + 2 * e]!;
    }
    for (let i = 0; i < count; i++) {
      const node = path >= 0 ? u32[path + i]! : scratch[i]!;
      best += f64[nodes + 2 * node + 1]!;
      if (path >= 0) u32[path + i] = u32[ids + node]!;
    }
    return best;
  }

  // The result's own buffer is most of the host's cost per call beyond NFC and UTF-8: V8 keeps a
  // typed array of up to 64 bytes (16 ids) on its heap (~0.05 µs) but gives a longer one an
  // ArrayBuffer of its own (~0.4-0.7 µs here; measured 43 ns for 16 ids, 439 ns for 17). Views
  // into a shared slab would cost ~0.06 µs, but then `ids.buffer` is shared between results
  // (transferring it, as the worker does, would detach the others; `new Int32Array(ids.buffer)`
  // would read other results): not done. encodeInto avoids the allocation altogether.
  private result(count: number, front: number, backSlots: number): Uint32Array {
    const from = this.idsAt;
    if (front === 0 && backSlots === 0) return this.u32.slice(from, from + count);
    const ids = new Uint32Array(front + count + backSlots);
    ids.set(this.u32.subarray(from, from + count), front);
    return ids;
  }

  /** The address of this alpha's weighted node table (src/sampling-weights.ts). Call before writing the input: the scratch may move. */
  private weights(alpha: number): number {
    return this.tables.get(alpha);
  }

  /**
   * Builds the weighted node table for `alpha` into `reuse` (the least recently used table's slot)
   * or a new slot, placed where the scratch started (the scratch moves up).
   */
  private buildWeights(alpha: number, reuse: number | undefined): number {
    const size = this.model.trie.size;
    let ptr = reuse;
    if (ptr === undefined) {
      ptr = this.scratch;
      this.scratch = align(ptr + 16 * size, 64);
      this.reserve(this.scratch + PAGE);
      this.refresh();
    }
    // The node table with W in place of each score: a sampling step reads base, check and W
    // from one 16-byte record (see assembly/sampler.ts).
    const nodes = this.kernel.NODES.value as number;
    this.u8.copyWithin(ptr, nodes, nodes + 16 * size);
    fillWeights(this.model, alpha, new Float64Array(this.memory.buffer, ptr, 2 * size), 2, 1);
    return ptr;
  }

  /** As sample, in the linear domain with the table at `weights`. */
  private sampleLinear(n: number, split: boolean, plan: LinearPlan, weights: number): number {
    if (split && n > 2 * BLOCK) return this.blocks(n, false, (input, len, work) => this.sampleLinearPass(input, len, work, 1, plan, weights));
    return this.sampleLinearPass(this.scratch, n, this.scratch + n, split ? 1 : 0, plan, weights);
  }

  private sampleLinearPass(input: number, len: number, work: number, split: number, plan: LinearPlan, weights: number): number {
    const trace = align(work, 8);
    const top = trace + 8 * (len + 1);
    this.reserve(top);
    const count = this.kernel.sampleLinear(input, len, trace, split, weights, plan.low, plan.high);
    this.idsAt = u32At(top) - count;
    return count;
  }

  /** Draws a segmentation of the n input bytes (alpha ≥ 0); the ids are then u32[idsAt .. idsAt + count). */
  private sample(n: number, split: boolean, alpha: number): number {
    if (split && n > 2 * BLOCK) return this.blocks(n, false, (input, len, work) => this.samplePass(input, len, work, 1, alpha));
    return this.samplePass(this.scratch, n, this.scratch + n, split ? 1 : 0, alpha);
  }

  private samplePass(input: number, len: number, work: number, split: number, alpha: number): number {
    const back = align(work, 4);
    const out = back + 4 * (len + 1);
    this.reserve(out + 4 * len);
    const count = this.kernel.sample(input, len, back, out, split, alpha);
    this.idsAt = u32At(out);
    return count;
  }

  /** The last alpha's plan (a call's plan costs a lookup and some arithmetic; data sets use one alpha). */
  private planAlpha = NaN;
  private planEpoch = -1;
  private plan: LinearPlan | null = null;

  private planFor(alpha: number): LinearPlan | null {
    if (alpha !== this.planAlpha || this.planEpoch !== planEpoch) {
      this.plan = linearPlan(this.model, alpha);
      this.planAlpha = alpha;
      this.planEpoch = planEpoch;
    }
    return this.plan;
  }

  encodeText(text: string, split: boolean, front: number, backSlots: number, alpha = -1): Uint32Array {
    return this.result(alpha < 0 ? this.run(this.write(text), split) : this.sampleText(text, split, alpha), front, backSlots);
  }

  /** Draws a segmentation of `text` (alpha ≥ 0); the ids are then u32[idsAt ..), their number returned. */
  private sampleText(text: string, split: boolean, alpha: number): number {
    const plan = this.planFor(alpha);
    const weights = plan ? this.weights(alpha) : 0; // before writing the input: the scratch may move
    const n = this.write(text);
    return plan ? this.sampleLinear(n, split, plan, weights) : this.sample(n, split, alpha);
  }

  encodeBytes(bytes: Uint8Array, split: boolean, front: number, backSlots: number, alpha = -1): Uint32Array {
    const plan = alpha < 0 ? null : this.planFor(alpha);
    const weights = plan ? this.weights(alpha) : 0;
    this.inputBytes = bytes.length;
    this.reserve(this.scratch + bytes.length);
    this.u8.set(bytes, this.scratch);
    const n = bytes.length;
    if (alpha < 0) return this.result(this.run(n, split), front, backSlots);
    return this.result(plan ? this.sampleLinear(n, split, plan, weights) : this.sample(n, split, alpha), front, backSlots);
  }

  setRandomState(state: Uint32Array): void {
    this.kernel.setRandomState(state[0]!, state[1]!, state[2]!, state[3]!);
  }

  countText(text: string, split: boolean): number {
    const n = this.write(text);
    if (n > windowing.long && this.hasLongChunk(n, split)) return this.windowed(n, split, true);
    if (split && n > 2 * BLOCK) return this.blocks(n, true, (input, len, work) => this.kernel.count(input, len, align(work, 8), 1));
    const trace = align(this.scratch + n, 8);
    this.reserve(trace + 8 * (n + 1));
    return this.kernel.count(this.scratch, n, trace, split ? 1 : 0);
  }

  encodeTextInto(text: string, split: boolean, out: Uint32Array, at: number, alpha = -1): number {
    const count = alpha < 0 ? this.run(this.write(text), split) : this.sampleText(text, split, alpha);
    this.lastCount = count;
    if (count > out.length - at) return -count;
    this.copyIds(out, at, this.idsAt, count);
    return count;
  }

  /** The number of ids of the last encodeTextInto (still at u32[idsAt ..) until the next call). */
  private lastCount = 0;

  copyLastInto(out: Uint32Array, at: number): void {
    this.copyIds(out, at, this.idsAt, this.lastCount);
  }

  /** u32[from .. from + count) to out[at ..): a loop for a few ids, else a view and a set. */
  private copyIds(out: Uint32Array, at: number, from: number, count: number): void {
    if (count <= 32) {
      const u32 = this.u32;
      for (let k = 0; k < count; k++) out[at + k] = u32[from + k]!;
    } else {
      out.set(this.u32.subarray(from, from + count), at);
    }
  }
}
