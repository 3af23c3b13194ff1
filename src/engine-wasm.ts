import type { Engine } from './engine.js';
import type { CompiledModel } from './model.js';
import { ringSize } from './engine-js.js';
import { EXP2_TABLE } from './exp-neg.js';

/** The kernel's exports (assembly/index.ts). */
interface Kernel {
  memory: WebAssembly.Memory;
  setModel(units: number, nodeIds: number, scores: number, lengths: number, ring: number, mask: number): void;
  encode(input: number, n: number, back: number, out: number, split: number): number;
  setSampler(units: number, nodeIds: number, scores: number, lengths: number, window: number, mask: number, exp2Table: number): void;
  setRandomState(a: number, b: number, c: number, d: number): void;
  sample(input: number, n: number, back: number, out: number, split: number, alpha: number): number;
}

const PAGE = 65536;
const STATIC_BASE = 1024; // below this: nothing, the kernel has no data segments
const align = (p: number, a: number) => (p + a - 1) & -a;

/**
 * The WebAssembly engine: one instance per Tokenizer. The model's tables are copied into linear
 * memory once; above them a scratch area holds, per call, the input bytes (written there directly
 * by `TextEncoder.encodeInto`), back pointers and ids. Memory only grows, and views over it are
 * re-created whenever it does.
 */
export class WasmEngine implements Engine {
  readonly name = 'wasm' as const;
  private readonly kernel: Kernel;
  private readonly memory: WebAssembly.Memory;
  private readonly scratch: number;
  private readonly encoder = new TextEncoder();
  private bytes: Uint8Array;

  constructor(model: CompiledModel, module: WebAssembly.Module) {
    const instance = new WebAssembly.Instance(module, {
      env: { abort: () => { throw new Error('bytepiece-wasm: kernel abort'); } },
    });
    this.kernel = instance.exports as unknown as Kernel;
    this.memory = this.kernel.memory;
    const { trie, scores, lengths } = model;
    let at = STATIC_BASE;
    const place = (src: ArrayBufferView, alignment: number) => {
      at = align(at, alignment);
      const ptr = at;
      at += src.byteLength;
      this.reserve(at);
      this.bytes.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), ptr);
      return ptr;
    };
    this.bytes = new Uint8Array(this.memory.buffer);
    const unitsPtr = place(trie.units, 8);
    const nodeIdsPtr = place(trie.nodeIds, 8);
    const scoresPtr = place(scores, 8);
    const lengthsPtr = place(lengths, 8);
    const ring = ringSize(model.maxPieceLength);
    const ringPtr = align(at, 8);
    at = ringPtr + 8 * ring;
    const exp2TablePtr = place(EXP2_TABLE, 8);
    const windowPtr = align(at, 16); // the sampler's window: (L, m) per position
    at = windowPtr + 16 * ring;
    this.scratch = align(at, 16);
    this.reserve(this.scratch + 4096);
    this.kernel.setModel(unitsPtr, nodeIdsPtr, scoresPtr, lengthsPtr, ringPtr, ring - 1);
    this.kernel.setSampler(unitsPtr, nodeIdsPtr, scoresPtr, lengthsPtr, windowPtr, ring - 1, exp2TablePtr);
  }

  setRandomState(state: Uint32Array): void {
    this.kernel.setRandomState(state[0]!, state[1]!, state[2]!, state[3]!);
  }

  /** Makes memory at least `end` bytes long and refreshes the byte view. */
  private reserve(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    if (this.bytes === undefined || this.bytes.buffer !== this.memory.buffer) this.bytes = new Uint8Array(this.memory.buffer);
  }

  encodeText(text: string, split: boolean, front: number, backSlots: number, alpha = -1): Uint32Array {
    const input = this.scratch;
    const len = text.length;
    // UTF-8 takes at most 3 bytes per UTF-16 unit. Reserve that for short texts; for long ones
    // start from one byte per unit and grow as encodeInto reports what it could not fit.
    let cap = len <= 1 << 20 ? 3 * len : len + 64;
    this.reserve(input + cap);
    let read = 0;
    let written = 0;
    for (;;) {
      const r = this.encoder.encodeInto(read === 0 ? text : text.slice(read), this.bytes.subarray(input + written, input + cap));
      read += r.read;
      written += r.written;
      if (read >= len) break;
      cap = written + 3 * (len - read);
      this.reserve(input + cap);
    }
    return this.run(written, split, front, backSlots, alpha);
  }

  encodeBytes(bytes: Uint8Array, split: boolean, front: number, backSlots: number, alpha = -1): Uint32Array {
    this.reserve(this.scratch + bytes.length);
    this.bytes.set(bytes, this.scratch);
    return this.run(bytes.length, split, front, backSlots, alpha);
  }

  private run(n: number, split: boolean, front: number, backSlots: number, alpha: number): Uint32Array {
    const back = align(this.scratch + n, 8);
    const out = back + 4 * (n + 1);
    this.reserve(out + 4 * n);
    const count = alpha < 0
      ? this.kernel.encode(this.scratch, n, back, out, split ? 1 : 0)
      : this.kernel.sample(this.scratch, n, back, out, split ? 1 : 0, alpha);
    const ids = new Uint32Array(front + count + backSlots);
    ids.set(new Uint32Array(this.memory.buffer, out, count), front);
    return ids;
  }
}
