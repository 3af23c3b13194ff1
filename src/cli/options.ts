// Option checks shared by the CLI commands.

import { stat } from 'node:fs/promises';
import { supportsSampling } from '../sampling-support.js';
import { Tokenizer } from '../tokenizer.js';
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

/** Sampling flags are only accepted when this build's Tokenizer can sample (see sampling-support.ts). */
export function checkSamplingFlags(alpha: number | undefined, seed: number | undefined): void {
  if (seed !== undefined && alpha === undefined) throw new CliError('--seed only applies with --alpha (sampling)');
  if (alpha !== undefined && !supportsSampling(Tokenizer.prototype)) {
    throw new CliError('--alpha / --seed: sampling is not supported by this build of bytepiece-wasm yet');
  }
}

/** u16 holds ids up to 65535. */
export function checkU16(vocabSize: number, model: string): void {
  if (vocabSize > 65536) {
    throw new CliError(`--format u16 cannot hold the ids of ${model}: its vocab size is ${vocabSize} (ids up to ${vocabSize - 1} > 65535); use --format u32`);
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

export function uint32(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > 0xffffffff) throw new CliError(`${name} must be an integer in [0, 4294967295], got ${JSON.stringify(value)}`);
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
