// options.wasm: every documented way of handing in the kernel gives the same ids, and every wrong
// one fails with a message that says what is wrong. Uses a small model made here (no ../shared).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/index.js';
import { Tokenizer as NodeTokenizer } from '../../src/node.js';
import { defaultWasmUrl } from '../../src/engine/wasm-module.js';
import { SMALL_TEXT, smallModel } from '../helpers/small-model.js';

const KERNEL = readFileSync(new URL('../../build/bytepiece.wasm', import.meta.url));

const MODEL = smallModel();
const TEXT = SMALL_TEXT;

describe('options.wasm', () => {
  let want: number[];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    want = Array.from((await Tokenizer.load(MODEL, { engine: 'js' })).encode(TEXT));
    server = createServer((req, res) => {
      if (req.url === '/kernel.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(KERNEL);
      else if (req.url === '/octet.wasm') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(KERNEL);
      else if (req.url === '/spa.wasm') res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>');
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  const ids = async (wasm: unknown) => Array.from((await Tokenizer.load(MODEL, { wasm: wasm as never })).encode(TEXT));

  it('takes a compiled WebAssembly.Module (the edge-runtime way)', async () => {
    const tok = await Tokenizer.load(MODEL, { wasm: new WebAssembly.Module(KERNEL) });
    expect(tok.engine).toBe('wasm');
    expect(Array.from(tok.encode(TEXT))).toEqual(want);
  });

  it('takes bytes: ArrayBuffer, Uint8Array (also a view into a larger buffer), DataView', async () => {
    const buffer = KERNEL.buffer.slice(KERNEL.byteOffset, KERNEL.byteOffset + KERNEL.byteLength);
    expect(await ids(buffer)).toEqual(want);
    expect(await ids(new Uint8Array(KERNEL))).toEqual(want);
    const padded = new Uint8Array(KERNEL.length + 16);
    padded.set(KERNEL, 7);
    expect(await ids(padded.subarray(7, 7 + KERNEL.length))).toEqual(want);
    expect(await ids(new DataView(padded.buffer, 7, KERNEL.length))).toEqual(want);
  });

  it('takes a Response, streamed or not, and a URL or URL string', async () => {
    expect(await ids(new Response(KERNEL, { headers: { 'content-type': 'application/wasm' } }))).toEqual(want);
    expect(await ids(new Response(KERNEL))).toEqual(want);
    expect(await ids(new URL('/kernel.wasm', base))).toEqual(want);
    expect(await ids(`${base}/octet.wasm`)).toEqual(want);
  });

  it('loadSync takes a Module or bytes, and refuses what needs waiting', () => {
    expect(Array.from(Tokenizer.loadSync(MODEL, { wasm: new WebAssembly.Module(KERNEL) }).encode(TEXT))).toEqual(want);
    expect(Array.from(Tokenizer.loadSync(MODEL, { wasm: new Uint8Array(KERNEL) }).encode(TEXT))).toEqual(want);
    expect(() => Tokenizer.loadSync(MODEL, { wasm: new URL('/kernel.wasm', base) })).toThrow(/Module or bytes/);
    expect(() => Tokenizer.loadSync(MODEL)).toThrow(/needs options.wasm/);
  });

  it('names the problem: HTTP errors, HTML instead of wasm, not a kernel, wrong types', async () => {
    await expect(ids(`${base}/missing.wasm`)).rejects.toThrow(/HTTP 404/);
    await expect(ids(`${base}/spa.wasm`)).rejects.toThrow(/not a WebAssembly binary .*content-type text\/html/);
    await expect(ids(new Uint8Array([1, 2, 3]))).rejects.toThrow(/not a WebAssembly binary \(3 bytes starting 01 02 03\)/);
    const empty = new WebAssembly.Module(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
    await expect(ids(empty)).rejects.toThrow(
      /not this version's kernel: it lacks the export\(s\) memory, NODES, liveListBytes, setModel, encode, encodeTwo, secondCount, count, forwardWindow, traceback, setSampler/,
    );
    await expect(ids(42)).rejects.toThrow(/options.wasm must be .* got number/);
    await expect(ids({})).rejects.toThrow(/got Object/);
    const corrupt = new Uint8Array(KERNEL);
    corrupt[KERNEL.length - 3]! ^= 0xff;
    await expect(ids(corrupt)).rejects.toThrow(/could not compile the kernel/);
  });

  it('without options.wasm, the universal entry fetches the kernel beside it, and a failure is not cached', async () => {
    // Node's fetch cannot read file: URLs, so the universal entry fails here, each time with advice;
    // the Node entry reads the file.
    expect(defaultWasmUrl().href).toMatch(/\/build\/bytepiece\.wasm$/);
    for (let i = 0; i < 2; i++) await expect(Tokenizer.load(MODEL)).rejects.toThrow(/could not fetch the kernel .*node entry/);
    expect(Array.from((await NodeTokenizer.load(MODEL)).encode(TEXT))).toEqual(want);
  });

  it('is ignored by the pure-JS engine', async () => {
    const tok = await Tokenizer.load(MODEL, { engine: 'js', wasm: 42 as never });
    expect(Array.from(tok.encode(TEXT))).toEqual(want);
  });
});

describe('model sources for the browser', () => {
  it('loads a Blob or File (from a file picker or drag-and-drop), naming errors after the file', async () => {
    const json = JSON.stringify(MODEL);
    const tok = await Tokenizer.load(new Blob([json]), { engine: 'js' });
    expect(tok.vocabSize).toBe(Object.keys(MODEL).length + 3);
    await expect(Tokenizer.load(new File(['{"bad": 1}'], 'mine.model'), { engine: 'js' })).rejects.toThrow(/^mine\.model: /);
    expect(() => Tokenizer.loadSync(new Blob([json]), { engine: 'js' })).toThrow(/read asynchronously/);
  });
});
