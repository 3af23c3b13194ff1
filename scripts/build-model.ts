// Build step (`npm run build:model`): converts the default model, models/bytepiece.eu.plus.160k.zip
// (the upstream file, committed), into this package's binary format at build/models/, with its
// LICENSE and NOTICE beside it. The package build (tsup.config.ts) copies that folder to dist/models/.
// The binary loads without JSON parsing, logarithms or trie building (see Tokenizer.toBinary); the
// conversion is checked here: both forms must give the same ids on a mixed text before it is kept.
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '../src/node.js';
import { DEFAULT_MODEL, DEFAULT_MODEL_FILE } from '../src/model/default-model.js';

const FROM = join('models', `${DEFAULT_MODEL}.zip`);
const TO = join('build', 'models');

const zip = Tokenizer.loadSync(FROM, { engine: 'js' });
const binary = zip.toBinary();
const back = Tokenizer.loadSync(binary, { engine: 'js', name: DEFAULT_MODEL_FILE });
const text = '今天天气不错，出去走走。 The quick brown fox 🦊 jumps over the lazy dog.\n\tdef f(x): return x ** 2\n';
if (back.vocabSize !== zip.vocabSize || back.encode(text).join() !== zip.encode(text).join()) {
  throw new Error(`${FROM}: its binary form encodes differently from the zip; not written`);
}

mkdirSync(TO, { recursive: true });
// Written under a temporary name and renamed: an interrupted build leaves no half-written model.
const out = join(TO, DEFAULT_MODEL_FILE);
const partial = `${out}.partial`;
try {
  writeFileSync(partial, binary);
  renameSync(partial, out);
} finally {
  rmSync(partial, { force: true });
}
for (const f of ['LICENSE', 'NOTICE']) copyFileSync(join('models', f), join(TO, f));
console.log(`${out}: ${binary.length} bytes (${zip.vocabSize} ids) from ${FROM}`);
