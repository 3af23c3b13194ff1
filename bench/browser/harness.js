// Runs in headless Chromium (bench/sections/browser.ts): the package as a page would use it,
// imported by URL from the browser build. Times both engines in the page and returns the raw pass
// times; the section turns them into tables.
import { Tokenizer } from '/pkg/browser.js';

/** FNV-1a over every id of every document: compared with Node's ids without shipping them back. */
function fold(h, ids) {
  for (let i = 0; i < ids.length; i++) h = Math.imul(h ^ ids[i], 0x01000193) >>> 0;
  return h;
}

/**
 * Corpus throughput: `encode` once per document, both engines, `reps` timed passes interleaved
 * (the order alternates round by round) after one untimed pass that also checksums the ids.
 */
export async function throughput({ model, corpora, reps }) {
  const engines = ['wasm', 'js'];
  const toks = {};
  const loadMs = {};
  for (const engine of engines) {
    const t0 = performance.now();
    toks[engine] = await Tokenizer.load(model, { engine });
    loadMs[engine] = performance.now() - t0;
  }
  const results = [];
  for (const { name, docs } of corpora) {
    const check = {};
    for (const engine of engines) {
      let h = 0x811c9dc5;
      let n = 0;
      for (const d of docs) {
        const ids = toks[engine].encode(d);
        h = fold(h, ids);
        n += ids.length;
      }
      check[engine] = { checksum: h, tokens: n };
    }
    const ms = { wasm: [], js: [] };
    for (let r = 0; r < reps; r++) {
      for (const engine of r % 2 ? [...engines].reverse() : engines) {
        const tok = toks[engine];
        let n = 0;
        const t0 = performance.now();
        for (const d of docs) n += tok.encode(d).length;
        ms[engine].push(performance.now() - t0);
        if (n !== check[engine].tokens) throw new Error(`${engine} ${name}: pass ${r} gave ${n} ids, the first pass ${check[engine].tokens}`);
      }
    }
    results.push({ corpus: name, check, ms });
  }
  return { loadMs, results, userAgent: navigator.userAgent };
}

/**
 * Short documents, WASM engine: `encode` (a new Uint32Array per call) and `encodeInto` (one reused
 * buffer), each pass `loops` times over the documents (a pass must outlast the page's coarse
 * timer), `reps` passes interleaved. Returns ms per pass.
 */
export async function short({ model, sets, reps, loops }) {
  const tok = await Tokenizer.load(model, { engine: 'wasm' });
  const out = new Uint32Array(1 << 16);
  const calls = {
    encode: (d) => tok.encode(d).length,
    encodeInto: (d) => tok.encodeInto(d, out),
  };
  const results = [];
  for (const { name, docs } of sets) {
    const ms = { encode: [], encodeInto: [] };
    for (const f of Object.values(calls)) for (const d of docs) f(d); // warm-up
    for (let r = 0; r < reps; r++) {
      for (const [call, f] of r % 2 ? Object.entries(calls).reverse() : Object.entries(calls)) {
        let sink = 0;
        const t0 = performance.now();
        for (let k = 0; k < loops; k++) for (const d of docs) sink += f(d);
        ms[call].push(performance.now() - t0);
        if (sink < 0) throw new Error('unreachable');
      }
    }
    results.push({ corpus: name, calls: loops * docs.length, ms });
  }
  return results;
}
