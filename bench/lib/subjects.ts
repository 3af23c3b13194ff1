// The tokenizers under test, behind one shape: load, then `count(text)` = number of ids of a full
// encode (JS string in → ids out; the ids are materialized by every subject, then counted).
// Used by the probes; nothing here downloads anything (tiktoken ranks ship inside the packages).
import { readFileSync } from 'node:fs';
import type { Tokenizer as TokenizerClass } from '../../src/node.js';
export { pairKey } from './contract.js';

/** Our package, as built by bench/lib/bundle.ts (path passed to the probe). */
export type Pkg = typeof import('../../src/node.js');
export type Tokenizer = TokenizerClass;

export async function importPkg(path: string): Promise<Pkg> {
  return (await import(path)) as Pkg;
}

export interface Subject {
  /** e.g. '@dqbd/tiktoken' */
  subject: string;
  /** e.g. 'encode_ordinary' */
  api: string;
  model: string;
  vocabOf?: string;
  /** Ids of `text`, counted. */
  count(text: string): number;
  /** Called (untimed) before every timed pass, e.g. to empty a cache. */
  beforePass?(): void;
  close?(): void;
}

/** What a probe is asked to open: a peer by package name and its vocabulary. */
export interface PeerSpec {
  peer: 'tiktoken' | 'gpt-tokenizer' | 'sentencepiece-js' | 'kitoken';
  /** 'cl100k_base' / 'o200k_base', or the BytePiece model an sp model was converted from. */
  model: string;
  /** The SentencePiece .model file, for sentencepiece-js and kitoken. */
  path?: string;
  /** gpt-tokenizer: empty its merge cache before each timed pass (a first pass, warm JIT). */
  coldCache?: boolean;
}

export const PEER_NAMES: Record<PeerSpec['peer'], string> = {
  tiktoken: '@dqbd/tiktoken',
  'gpt-tokenizer': 'gpt-tokenizer',
  'sentencepiece-js': '@sctg/sentencepiece-js',
  kitoken: 'kitoken',
};

export async function openPeer(spec: PeerSpec): Promise<Subject> {
  const subject = PEER_NAMES[spec.peer];
  switch (spec.peer) {
    case 'tiktoken': {
      const { get_encoding } = await import('@dqbd/tiktoken');
      const enc = get_encoding(spec.model as 'cl100k_base' | 'o200k_base');
      return { subject, api: 'encode_ordinary', model: spec.model, count: (t) => enc.encode_ordinary(t).length, close: () => enc.free() };
    }
    case 'gpt-tokenizer': {
      const m =
        spec.model === 'cl100k_base'
          ? await import('gpt-tokenizer/encoding/cl100k_base')
          : spec.model === 'o200k_base'
            ? await import('gpt-tokenizer/encoding/o200k_base')
            : undefined;
      if (!m) throw new Error(`gpt-tokenizer: no encoding ${spec.model} in this benchmark`);
      // Special-token strings in the text are plain text here, as with tiktoken's encode_ordinary.
      const options = { disallowedSpecial: new Set<string>() };
      return {
        subject,
        model: spec.model,
        api: spec.coldCache ? 'encode (merge cache emptied before each pass)' : 'encode (warm merge cache)',
        count: (t) => m.encode(t, options).length,
        beforePass: spec.coldCache ? () => m.clearMergeCache() : undefined,
      };
    }
    case 'sentencepiece-js': {
      const { SentencePieceProcessor } = await import('@sctg/sentencepiece-js');
      const spp = new SentencePieceProcessor();
      await spp.load(needPath(spec));
      return { subject, api: 'encodeIds', model: `sp:${spec.model}`, vocabOf: spec.model, count: (t) => spp.encodeIds(t).length };
    }
    case 'kitoken': {
      const { Kitoken } = await import('kitoken/node');
      const k = Kitoken.from_sentencepiece(new Uint8Array(readFileSync(needPath(spec))));
      return { subject, api: 'encode', model: `sp:${spec.model}`, vocabOf: spec.model, count: (t) => k.encode(t, false).length, close: () => k.free() };
    }
  }
}

function needPath(spec: PeerSpec): string {
  if (!spec.path) throw new Error(`${spec.peer}: no SentencePiece model path given`);
  return spec.path;
}

/** What our package offers beyond the core API, found at run time (other branches add them). */
export interface Features {
  sampling: { ok: boolean; why: string };
  countTokens: boolean;
  encodeInto: boolean;
  encodeBatch: boolean;
  toBinary: boolean;
}

type Extended = Tokenizer & {
  countTokens?: (text: string) => number;
  encodeInto?: (text: string, out: Uint32Array) => unknown;
  encodeBatch?: (texts: string[]) => Uint32Array[];
  toBinary?: () => Uint8Array;
  encode(text: string, options?: { alpha?: number }): Uint32Array;
};

export const extended = (tok: Tokenizer): Extended => tok as Extended;

/**
 * Sampling is taken as merged when `encode(text, {alpha: 0.1})` returns a different segmentation
 * than `encode(text)` at least once in a few tries on a text with many possible cuts (an
 * implementation that ignores the option always returns the deterministic ids).
 */
export function detectFeatures(tok: Tokenizer, sample: string): Features {
  const t = extended(tok);
  let sampling = { ok: false, why: 'n/a (sampling not merged)' };
  try {
    const det = t.encode(sample);
    for (let i = 0; i < 8 && !sampling.ok; i++) {
      const s = t.encode(sample, { alpha: 0.1 });
      if (s.length !== det.length || s.some((id, k) => id !== det[k])) sampling = { ok: true, why: '' };
    }
  } catch (e) {
    sampling = { ok: false, why: `n/a (sampling not merged: encode with alpha threw ${(e as Error).message})` };
  }
  return {
    sampling,
    countTokens: typeof t.countTokens === 'function',
    encodeInto: typeof t.encodeInto === 'function',
    encodeBatch: typeof t.encodeBatch === 'function',
    toBinary: typeof t.toBinary === 'function',
  };
}

/** encodeInto's result as a count: a number, or something with a length / count / written. */
export function writtenCount(result: unknown): number {
  if (typeof result === 'number') return result;
  if (result && typeof result === 'object') {
    const r = result as { written?: number; count?: number; length?: number };
    if (typeof r.written === 'number') return r.written;
    if (typeof r.count === 'number') return r.count;
    if (typeof r.length === 'number') return r.length;
  }
  throw new Error(`encodeInto returned ${String(result)}: expected the number of ids written`);
}

/** Our WASM engine on one model, as a Subject (run side by side with a peer). */
export async function openOurs(pkgUrl: string, model: string, modelPath: string): Promise<Subject> {
  const { Tokenizer } = await importPkg(pkgUrl);
  const tok = Tokenizer.loadSync(modelPath, { engine: 'wasm' });
  return { subject: 'bytepiece WASM', api: 'encode', model, count: (t) => tok.encode(t).length };
}
