// The smoke program every runtime runs (Node 20/22/24, Deno, Bun, workerd): plain JavaScript, no
// imports, so each runtime runs this very file. It is handed a `Tokenizer` class (from whichever
// entry the runtime's harness imported) and a way to load each model, and returns every result as
// JSON-able data; test/runtimes/run.ts compares it, case by case, to Node 20's.

/** Mixed Chinese, English and emoji (ZWJ sequence, skin tone, flag), NFC-sensitive, two lines. */
export const SMOKE_TEXT = '今天天气不错, and the sun is out ☀️! 你好 world 👋🏽👩‍💻🇨🇳\nCafe\u0301 中英 mixed: “引号” code `x += 1;` 🎉';

/**
 * Runs the cases for one model and one engine. `load(options)` returns a Promise of a Tokenizer
 * loaded with those options merged into the harness's own (kernel, model source).
 */
export async function smokeModel(load, engine) {
  const tok = await load({ engine, seed: 42 });
  if (tok.engine !== engine) throw new Error(`asked for engine ${engine}, got ${tok.engine}`);
  const ids = tok.encode(SMOKE_TEXT, { addBos: true, addEos: true });
  const decoded = tok.decode(ids);
  const expected = SMOKE_TEXT.normalize('NFC');
  if (decoded !== expected) throw new Error(`decode(encode(text)) is not the NFC text: ${JSON.stringify(decoded)}`);
  const sampled = [tok.encode(SMOKE_TEXT, { alpha: 0.1 }), tok.encode(SMOKE_TEXT, { alpha: 0.1 }), tok.encode(SMOKE_TEXT, { alpha: 0 })];
  tok.setSeed(42);
  const again = tok.encode(SMOKE_TEXT, { alpha: 0.1 });
  const same = again.length === sampled[0].length && again.every((v, i) => v === sampled[0][i]);
  if (!same) throw new Error('setSeed(42) did not restart the same stream of samples');
  for (const s of sampled) {
    if (tok.decode(s) !== expected) throw new Error('a sampled segmentation does not decode to the text');
  }
  return {
    ids: Array.from(ids),
    decoded,
    sampled: sampled.map((s) => Array.from(s)),
    vocabSize: tok.vocabSize,
  };
}

/** Both engines for one model: { wasm: …, js: … }. */
export async function smokeBothEngines(load) {
  return { wasm: await smokeModel(load, 'wasm'), js: await smokeModel(load, 'js') };
}
