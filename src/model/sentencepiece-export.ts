// SPEC §8: a BytePiece model as a SentencePiece Unigram `.model` (the reference's
// convert_to_sentencepiece), serialized by protobufjs from SentencePiece's schema.
// protobufjs is CommonJS without an exports map: its default export, by file name, works from ESM and CJS.
import protobuf from 'protobufjs/light.js';
import type { CompiledModel } from './compile.js';
import { SENTENCEPIECE_SCHEMA } from './sentencepiece-schema.js';

const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;
const UNIGRAM = 1;
/** The score of the byte-fallback pieces added for the printable bytes. */
const FALLBACK_SCORE = -100;

interface SpPiece {
  piece: string;
  score: number;
  type?: number;
}

let modelProto: protobuf.Type | undefined;

/** Printable ASCII other than backslash: the single bytes SentencePiece names by themselves. */
const isNamedByte = (b: number) => b >= 0x20 && b <= 0x7e && b !== 0x5c;

const byteName = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

/**
 * The bytes of a SentencePiece `ModelProto` for `model`, equal to the reference's conversion.
 * Throws a RangeError naming the first multi-byte piece that is not valid UTF-8 (SentencePiece
 * pieces are strings; the reference fails on those too).
 */
export function toSentencePiece(model: CompiledModel): Uint8Array {
  const { vocab, scores } = model;
  const { bytes, offsets, vocabSize } = vocab;
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const pieces: SpPiece[] = [
    { piece: '<unk>', score: 0, type: UNKNOWN },
    { piece: '<s>', score: 0, type: CONTROL },
    { piece: '</s>', score: 0, type: CONTROL },
  ];
  const named: number[] = [];
  for (let id = 3; id < vocabSize; id++) {
    const piece = bytes.subarray(offsets[id]!, offsets[id + 1]!);
    const score = scores[id]!;
    if (piece.length === 1 && !isNamedByte(piece[0]!)) {
      pieces.push({ piece: byteName(piece[0]!), score, type: BYTE });
      continue;
    }
    if (piece.length === 1) named.push(piece[0]!);
    let text: string;
    try {
      text = strict.decode(piece);
    } catch {
      const hex = Array.from(piece, (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new RangeError(
        `piece ${id} (bytes ${hex}) is not valid UTF-8: SentencePiece pieces are strings, so only models whose pieces are all whole characters (trained with ensure_unicode, names with "eu") can be exported`,
      );
    }
    pieces.push({ piece: text.replaceAll(' ', '\u2581'), score });
  }
  for (const b of named) pieces.push({ piece: byteName(b), score: FALLBACK_SCORE, type: BYTE });
  const message = {
    pieces,
    trainerSpec: { modelType: UNIGRAM, vocabSize: pieces.length, splitByUnicodeScript: false, byteFallback: true },
    normalizerSpec: { name: 'identity', precompiledCharsmap: new Uint8Array(0), addDummyPrefix: false, removeExtraWhitespaces: false },
  };
  modelProto ??= protobuf.Root.fromJSON(SENTENCEPIECE_SCHEMA).lookupType('sentencepiece.ModelProto');
  return modelProto.encode(message).finish();
}
