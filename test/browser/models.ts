// The model the bundle tests load in the browser: a published one from ../shared when it is there,
// else the small model made by test/small-model.ts (written to test-output/), so that bundling,
// loading and worker plumbing are still checked without ../shared. The demo test needs the real ones.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SHARED, modelPath } from '../helpers/shared.js';
import { smallModel } from '../helpers/small-model.js';

export interface TestModel {
  /** Folder to serve at /models. */
  dir: string;
  /** File name inside it. */
  file: string;
  /** Path on disk, for Node's Tokenizer. */
  path: string;
}

export function testModel(preferred: string, suite: string): TestModel {
  if (existsSync(modelPath(preferred))) return { dir: join(SHARED, 'models'), file: `${preferred}.zip`, path: modelPath(preferred) };
  const dir = resolve(import.meta.dirname, '../../test-output/models');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'small.model');
  writeFileSync(path, JSON.stringify(smallModel()));
  console.warn(`[bytepiece-wasm browser tests] ${preferred}.zip not found in ${SHARED}models: using a small model made by the tests for ${suite}`);
  return { dir, file: 'small.model', path };
}
