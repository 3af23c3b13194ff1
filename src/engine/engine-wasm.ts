import type { Engine } from './engine.js';
import type { CompiledModel } from '../model/compile.js';
import { EXP2_TABLE } from './exp-neg.js';
import { fillWeights, planEpoch, linearPlan, type LinearPlan } from './sampling-weights.js';
import { WEIGHT_TABLES } from './sampler-js.js';

/** The kernel's exports (assembly/index.ts). */
interface Kernel {
  memory: WebAssembly.Memory;
  /** Where the node table must be placed. */
  NODES: WebAssembly.Global;
  setModel(nodeIds: number, lengths: number, live: number, rootBase: number, live2: number): void;
  encode(input: number, n: number, trace: number, split: number): number;
  encodeTwo(input: number, n: number, trace: number, p: number): number;
  secondCount(): number;
  count(input: number, n: number, trace: number, split: number): number;
  /** Returns the bytes of scratch it will use from `scratch`. */
  setSampler(nodeIds: number, exp2Table: number, scratch: number, maxPieceLength: number): number;
  setRandomState(a: number, b: number, c: number, d: number): void;
  sample(input: number, n: number, back: number, out: number, split: number, alpha: number): number;
  sampleLinear(input: number, n: number, trace: number, split: number, weights: number, low: number, high: number): number;
}

/** What this host needs from the kernel; checked so a wrong or stale .wasm fails with a clear message. */
const KERNEL_EXPORTS = ['memory', 'NODES', 'setModel', 'encode', 'encodeTwo', 'secondCount', 'count', 'setSampler', 'setRandomState', 'sample', 'sampleLinear'] as const;

function checkKernel(module: WebAssembly.Module): void {
  const have = WebAssembly.Module.exports(module).map((e) => e.name);
  const missing = KERNEL_EXPORTS.filter((name) => !have.includes(name));
  if (missing.length > 0) {
    throw new TypeError(`bytepiece-wasm: the WebAssembly module given is not this version's kernel: it lacks the export(s) ${missing.join(', ')} (it exports ${have.join(', ') || 'nothing'})`);
  }
}

const PAGE = 65536;
const align = (p: number, a: number) => (p + a - 1) & -a;
/** One kernel pass over input[0..len) with its work area from `work` (see WasmEngine.blocks). */
type Block = (input: number, len: number, work: number) => number;
/** Texts of more than 2 * BLOCK UTF-8 bytes are segmented in blocks of about BLOCK bytes (see WasmEngine.blocks). */
const BLOCK = 1 << 15;
/** Texts up to this many UTF-16 units get room for their worst-case UTF-8 (3 bytes per unit) at once. */
const ONE_SHOT = 1 << 20;

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
  /** Linear-domain weight tables in memory (weighted node tables, 16 bytes per trie node), most recently used first. */
  private readonly tables: { alpha: number; ptr: number }[] = [];
  private readonly encoder = new TextEncoder();
  /** Current memory size in bytes (only this engine grows it). */
  private size = 0;
  private u8!: Uint8Array;
  private u32!: Uint32Array;
  /** u8 from `scratch` to the end of memory: where encodeInto writes the input. */
  private input!: Uint8Array;
  /** Where the last call's ids start in u32, and their number. */
  private idsAt = 0;

  constructor(model: CompiledModel, module: WebAssembly.Module) {
    checkKernel(module);
    this.model = model;
    // A binary model's tables may already sit in an instance of this module: take it over, uncopied.
    const placed = model.placed?.take(module);
    const instance = placed?.instance ?? new WebAssembly.Instance(module, {
      env: { abort: () => { throw new Error('bytepiece-wasm: kernel abort'); } },
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
    const liveBytes = 32 * (model.maxPieceLength + 2);
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
  }

  /** Makes memory at least `end` bytes long. */
  private reserve(end: number): void {
    if (end <= this.size) return;
    const have = this.memory.buffer.byteLength;
    // Grow by at least a quarter so a run of growing inputs does not grow page by page.
    if (end > have) this.memory.grow(Math.ceil(Math.max(end - have, have >> 2) / PAGE));
    this.refresh();
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.size = buffer.byteLength;
    this.u8 = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer);
    if (this.scratch !== undefined) this.input = new Uint8Array(buffer, this.scratch);
  }

  /** Writes the UTF-8 of `text` at `scratch + at`; returns its length in bytes. */
  private write(text: string, at = 0): number {
    const len = text.length;
    // UTF-8 takes at most 3 bytes per UTF-16 unit. Reserve that for texts up to ONE_SHOT units; for
    // longer ones start from one byte per unit and grow as encodeInto reports what it could not fit.
    this.reserve(this.scratch + at + (len <= ONE_SHOT ? 3 * len : len + 64));
    let r = this.encoder.encodeInto(text, at === 0 ? this.input : this.input.subarray(at));
    if (r.read === len) return r.written;
    let read = r.read;
    let written = r.written;
    while (read < len) {
      this.reserve(this.scratch + at + written + 3 * (len - read));
      r = this.encoder.encodeInto(text.slice(read), this.input.subarray(at + written));
      read += r.read;
      written += r.written;
    }
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
    const from = (top >> 2) - count;
    this.copyIds(out, atA, from, countA);
    this.copyIds(out, atA + countA + gap, from + countA, countB);
    this.pairCount = countB;
    return countA;
  }

  /** The second text's number of ids in the last encodeTwoInto. */
  pairCount = 0;

  /** Runs the kernel over the n input bytes; the ids are then u32[idsAt .. idsAt + count). */
  private run(n: number, split: boolean): number {
    if (split && n > 2 * BLOCK) return this.blocks(n, false, (input, len, work) => this.encodePass(input, len, work, 1));
    return this.encodePass(this.scratch, n, this.scratch + n, split ? 1 : 0);
  }

  private encodePass(input: number, len: number, work: number, split: number): number {
    const trace = align(work, 8);
    const top = trace + 8 * (len + 1);
    this.reserve(top);
    const count = this.kernel.encode(input, len, trace, split);
    this.idsAt = (top >> 2) - count;
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
    for (let a = 0; n - a > BLOCK; ) {
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
      if (!countOnly) this.u32.copyWithin((ids >> 2) + total, this.idsAt, this.idsAt + count);
      total += count;
    }
    this.idsAt = ids >> 2;
    return total;
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

  /**
   * The address of this alpha's weighted node table (src/sampling-weights.ts): cached, or built into a new
   * slot (placed where the scratch started, which moves up; at most WEIGHT_TABLES of them) or into
   * the least recently used one. Call before writing the input: the scratch may move.
   */
  private weights(alpha: number): number {
    const { tables } = this;
    if (tables.length > 0 && tables[0]!.alpha === alpha) return tables[0]!.ptr;
    const at = tables.findIndex((t) => t.alpha === alpha);
    let entry = at >= 0 ? tables.splice(at, 1)[0]! : undefined;
    if (!entry) {
      const size = this.model.trie.size;
      let ptr: number;
      if (tables.length >= WEIGHT_TABLES) {
        ptr = tables.pop()!.ptr;
      } else {
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
      entry = { alpha, ptr };
    }
    tables.unshift(entry);
    return entry.ptr;
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
    this.idsAt = (top >> 2) - count;
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
    this.idsAt = out >> 2;
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
