/** Ways to hand in the kernel: compiled, as bytes, as a fetch Response, or as a URL to fetch. */
export type WasmSource = WebAssembly.Module | BufferSource | Response | URL | string;

/** Where the kernel sits relative to this module, both in src/ and in dist/. */
export const defaultWasmUrl = (): URL => new URL('../build/bytepiece.wasm', import.meta.url);

/** Compiles (or passes through) the kernel, streaming when given a Response or URL. */
export async function compileWasm(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) source = await fetch(source);
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (!source.ok) throw new Error(`bytepiece-wasm: could not fetch the kernel: HTTP ${source.status} (${source.url})`);
    if (typeof WebAssembly.compileStreaming === 'function' && source.headers.get('content-type') === 'application/wasm') {
      return WebAssembly.compileStreaming(source);
    }
    return WebAssembly.compile(await source.arrayBuffer());
  }
  return WebAssembly.compile(source as BufferSource);
}

/** Synchronous variant: only a Module or bytes can be turned into a Module without waiting. */
export function compileWasmSync(source: WasmSource): WebAssembly.Module {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return new WebAssembly.Module(source);
  throw new TypeError('loadSync needs options.wasm as a WebAssembly.Module or bytes; use Tokenizer.load for a URL or Response');
}
