/**
 * Ways to hand in the kernel: compiled, as bytes, as a fetch Response, or as a URL (or URL string)
 * to fetch. A `WebAssembly.Module` is the one form that works where compiling from bytes is
 * forbidden (Cloudflare Workers and similar edge runtimes import `.wasm` files as modules).
 */
export type WasmSource = WebAssembly.Module | BufferSource | Response | URL | string;

/**
 * Where the kernel sits next to this module. The literal is written for src/engine/ (asc writes
 * build/bytepiece.wasm); the package build rewrites it to './bytepiece.wasm', which it ships beside
 * the bundles in dist/. Keep it a literal inside `new URL(…, import.meta.url)`: that is the pattern
 * Vite and webpack 5 recognise to emit the file as an asset.
 */
export function defaultWasmUrl(): URL {
  try {
    return new URL('../../build/bytepiece.wasm', import.meta.url);
  } catch (e) {
    throw new Error(`bytepiece-wasm: cannot locate the kernel next to this module (import.meta.url is ${String(import.meta.url)}): pass options.wasm`, {
      cause: e,
    });
  }
}

let defaultKernel: Promise<WebAssembly.Module> | undefined;

/** The kernel at {@link defaultWasmUrl}, compiled once per realm; a failure is not cached. */
export function compileDefaultWasm(): Promise<WebAssembly.Module> {
  return (defaultKernel ??= compileWasm(defaultWasmUrl()).catch((e: unknown) => {
    defaultKernel = undefined;
    throw e;
  }));
}

/** Compiles (or passes through) the kernel, streaming when the server labels it application/wasm. */
export async function compileWasm(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) {
    const url = String(source);
    try {
      source = await fetch(source);
    } catch (e) {
      const hint = url.startsWith('file:') ? " (in Node, use the package's node entry or pass the bytes)" : '';
      throw new Error(`bytepiece-wasm: could not fetch the kernel from ${url}: ${(e as Error).message}${hint}; options.wasm can hand it in directly`, {
        cause: e,
      });
    }
  }
  if (typeof Response !== 'undefined' && source instanceof Response) {
    const where = source.url || 'the Response given as options.wasm';
    if (!source.ok) throw new Error(`bytepiece-wasm: could not fetch the kernel: HTTP ${source.status} from ${where}`);
    const type = source.headers.get('content-type') ?? '';
    if (typeof WebAssembly.compileStreaming === 'function' && /^application\/wasm\s*(;|$)/i.test(type)) {
      return compile(() => WebAssembly.compileStreaming(source as Response), where);
    }
    return compileBytes(new Uint8Array(await source.arrayBuffer()), where, type);
  }
  if (source instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer)) {
    return compileBytes(new Uint8Array(source), 'options.wasm');
  }
  if (ArrayBuffer.isView(source)) {
    return compileBytes(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), 'options.wasm');
  }
  throw new TypeError(`options.wasm must be a WebAssembly.Module, bytes (ArrayBuffer or a view), a Response or a URL; got ${describe(source)}`);
}

/** Synchronous variant: only a Module or bytes can be turned into a Module without waiting. */
export function compileWasmSync(source: WasmSource): WebAssembly.Module {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    checkMagic(bytes, 'options.wasm');
    try {
      return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    } catch (e) {
      throw compileError(e, 'options.wasm');
    }
  }
  throw new TypeError(`loadSync needs options.wasm as a WebAssembly.Module or bytes (use Tokenizer.load for a URL or Response); got ${describe(source)}`);
}

function compileBytes(bytes: Uint8Array, where: string, contentType?: string): Promise<WebAssembly.Module> {
  checkMagic(bytes, where, contentType);
  return compile(() => WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>), where);
}

async function compile(run: () => Promise<WebAssembly.Module>, where: string): Promise<WebAssembly.Module> {
  try {
    return await run();
  } catch (e) {
    throw compileError(e, where);
  }
}

// Edge runtimes that forbid code generation from bytes say so in different words; point to the fix.
function compileError(e: unknown, where: string): Error {
  const message = (e as Error)?.message ?? String(e);
  const forbidden = /disallow|not allowed|code generation|CSP|Content Security Policy/i.test(message);
  const hint = forbidden
    ? ': this runtime forbids compiling WebAssembly from bytes; import bytepiece-wasm/bytepiece.wasm as a module and pass the WebAssembly.Module as options.wasm'
    : '';
  return new Error(`bytepiece-wasm: could not compile the kernel from ${where}: ${message}${hint}`, { cause: e });
}

// A missing file behind a single-page-app server usually comes back as HTML with status 200.
function checkMagic(bytes: Uint8Array, where: string, contentType?: string): void {
  if (bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) return;
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const type = contentType ? `, content-type ${contentType}` : '';
  throw new Error(
    `bytepiece-wasm: ${where} is not a WebAssembly binary (${bytes.length} bytes starting ${head || '(empty)'}${type}); is the .wasm file served at that URL?`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}
