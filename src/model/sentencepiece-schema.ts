// The subset of SentencePiece's published schema (sentencepiece_model.proto, proto2, package
// sentencepiece) that the export writes, as a protobufjs JSON descriptor: names, field numbers,
// types and enum values exactly as published; proto2, so a field set to its default (a score of 0,
// false, empty bytes) is still written, as the reference writes it. Fields not listed are never set.
import type { INamespace } from 'protobufjs/light.js';

export const SENTENCEPIECE_SCHEMA: INamespace = {
  nested: {
    sentencepiece: {
      nested: {
        TrainerSpec: {
          edition: 'proto2',
          fields: {
            modelType: { type: 'ModelType', id: 3 },
            vocabSize: { type: 'int32', id: 4 },
            splitByUnicodeScript: { type: 'bool', id: 21 },
            byteFallback: { type: 'bool', id: 35 },
          },
          nested: { ModelType: { values: { UNIGRAM: 1, BPE: 2, WORD: 3, CHAR: 4 } } },
        },
        NormalizerSpec: {
          edition: 'proto2',
          fields: {
            name: { type: 'string', id: 1 },
            precompiledCharsmap: { type: 'bytes', id: 2 },
            addDummyPrefix: { type: 'bool', id: 3 },
            removeExtraWhitespaces: { type: 'bool', id: 4 },
          },
        },
        ModelProto: {
          edition: 'proto2',
          fields: {
            pieces: { rule: 'repeated', type: 'SentencePiece', id: 1 },
            trainerSpec: { type: 'TrainerSpec', id: 2 },
            normalizerSpec: { type: 'NormalizerSpec', id: 3 },
          },
          nested: {
            SentencePiece: {
              fields: {
                piece: { type: 'string', id: 1 },
                score: { type: 'float', id: 2 },
                type: { type: 'Type', id: 3 },
              },
              nested: { Type: { values: { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, BYTE: 6, UNUSED: 5 } } },
            },
          },
        },
      },
    },
  },
};
