// cli/: the `bytepiece` command (entry src/cli.ts): commands, inputs, outputs, progress, errors.
// Option checks shared by the CLI commands.

import { stat } from 'node:fs/promises';
import { SEED_RANGE } from '../engine/prng.js';
import { CliError, systemMessage } from './errors.js';

export interface CommonOptions {
  model: string;
  engine?: 'wasm' | 'js';
  lossy?: boolean;
  quiet?: boolean;
  progressInterval: number;
}

/** The model file exists and is a file (the loader then checks its content). */
export async function checkModelPath(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new CliError(`model ${path}: ${systemMessage((e as NodeJS.ErrnoException).code ?? '', (e as Error).message)}`);
  }
  if (info.isDirectory()) throw new CliError(`model ${path}: is a directory (give the .zip or .model file)`);
}

/** A seed without sampling would be silently ignored: refuse it. */
export function checkSamplingFlags(alpha: number | undefined, seed: number | undefined): void {
  if (seed !== undefined && alpha === undefined) throw new CliError('--seed only applies with --alpha (sampling)');
}

/** The largest vocab size `--format u16` takes (the rule: refused when vocabSize > 65535). */
export const U16_MAX_VOCAB = 65535;

/** u16 output is refused for vocabularies over {@link U16_MAX_VOCAB} ids. */
export function checkU16(vocabSize: number, model: string): void {
  if (vocabSize > U16_MAX_VOCAB) {
    throw new CliError(`--format u16 cannot hold the ids of ${model}: its vocab size is ${vocabSize}, over the ${U16_MAX_VOCAB} u16 allows; use --format u32`);
  }
}

/** Commander argument parsers: each names the option and the bad value. */
export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new CliError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** A seed, as `Tokenizer.load(…, {seed})` / `setSeed` take it (any safe integer), with their wording. */
export function seedInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) throw new CliError(`${name} must be ${SEED_RANGE}, got ${JSON.stringify(value)}`);
    return n;
  };
}

export function finiteNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new CliError(`${name} must be a number, got ${JSON.stringify(value)}`);
    return n;
  };
}

export function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new CliError(`${name} must be a positive number, got ${JSON.stringify(value)}`);
    return n;
  };
}
