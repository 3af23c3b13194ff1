// The default model shipped in the package: bytepiece.eu.plus.160k, in this package's binary format.
// models/bytepiece.eu.plus.160k.zip (the upstream file) is converted by scripts/build-model.ts into
// build/models/ during `npm run build`; the package build copies it to dist/models/.

/** The name `Tokenizer.load` takes for the default model (no source at all means it too). */
export const DEFAULT_MODEL = 'bytepiece.eu.plus.160k';

/** The default model's file name, in build/models/ (from src/) and dist/models/ (in the package). */
export const DEFAULT_MODEL_FILE = 'bytepiece.eu.plus.160k.bin';

/**
 * Where the default model sits next to this module. The literal is written for src/model/; the
 * package build rewrites it to './models/bytepiece.eu.plus.160k.bin' (beside the bundles in dist/).
 * Keep it a literal inside `new URL(…, import.meta.url)`: bundlers (Vite, webpack 5) recognise that
 * pattern and emit the file as an asset, fetched only when the default model is loaded.
 */
export function defaultModelUrl(): URL {
  try {
    return new URL('../../build/models/bytepiece.eu.plus.160k.bin', import.meta.url);
  } catch (e) {
    // workerd (Cloudflare Workers) gives modules no URL: the bare runtime error is "Invalid URL string."
    throw new Error(
      `bytepiece-wasm: cannot locate the default model next to this module (import.meta.url is ${String(import.meta.url)}): pass its bytes as options.defaultModel`,
      { cause: e },
    );
  }
}

/** Whether a load source asks for the default model: nothing, or its name. */
export const isDefaultModel = (source: unknown): source is undefined | typeof DEFAULT_MODEL => source === undefined || source === DEFAULT_MODEL;
