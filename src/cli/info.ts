// `bytepiece info`: what a model holds, how long it takes to load, and bytes/token on a file.

import { Tokenizer } from '../node/tokenizer.js';
import { processBlock, type BlockResult, type InputMode } from './block.js';
import { LongLine, longLineBytes, recordTooLong } from './long-line.js';
import { CliError, describeError } from './errors.js';
import { checkInputs, readBlocks } from './input.js';
import { checkModelPath, type CommonOptions } from './options.js';
import { count } from './units.js';
import { DEFAULT_MODEL } from '../model/default-model.js';

export interface InfoOptions extends Omit<CommonOptions, 'model' | 'progressInterval'> {
  lines?: boolean;
  jsonl?: boolean;
  field?: string;
  json?: boolean;
}

export interface ModelInfo {
  model: string;
  pieces: number;
  vocabSize: number;
  /** `text` is null when the piece is not valid UTF-8 on its own (non-eu models). */
  longestPiece: { id: number; bytes: number; text: string | null; hex: string };
  specialIds: Record<string, number>;
  loadMs: number;
  engine: string;
  sample?: { file: string; documents: number; bytes: number; tokens: number; bytesPerToken: number };
}

export async function infoCommand(model: string | undefined, file: string | undefined, options: InfoOptions): Promise<void> {
  if (options.jsonl && options.lines) throw new CliError('--lines and --jsonl exclude each other');
  if (options.field !== undefined && !options.jsonl) throw new CliError('--field only applies with --jsonl');
  await checkModelPath(model);
  model ??= DEFAULT_MODEL;
  const inputs = file === undefined ? [] : await checkInputs([file]);
  const started = performance.now();
  const tokenizer = await Tokenizer.load(model, { engine: options.engine, loneSurrogates: options.lossy ? 'replace' : 'error' });
  const loadMs = performance.now() - started;

  let longest = { id: 3, bytes: 0 };
  for (let id = 3; id < tokenizer.vocabSize; id++) {
    const piece = tokenizer.idToPiece(id) as Uint8Array;
    if (piece.length > longest.bytes) longest = { id, bytes: piece.length };
  }
  const info: ModelInfo = {
    model,
    pieces: tokenizer.vocabSize - 3,
    vocabSize: tokenizer.vocabSize,
    longestPiece: { ...longest, ...pieceText(tokenizer.idToPiece(longest.id) as Uint8Array) },
    specialIds: { '<pad>': 0, '<bos>': 1, '<eos>': 2 },
    loadMs: Math.round(loadMs),
    engine: tokenizer.engine,
  };

  const input = inputs[0];
  if (input) {
    const mode: InputMode = options.jsonl ? 'jsonl' : options.lines ? 'lines' : 'doc';
    let documents = mode === 'doc' ? 1 : 0;
    let bytes = 0;
    let tokens = 0;
    let lines = 0;
    const blockSize = 1 << 20;
    let longLine: LongLine | undefined; // a line too long for a block comes in parts (as for encode)
    for await (const block of readBlocks(input, mode, blockSize, undefined, longLineBytes(mode, blockSize))) {
      try {
        let result: BlockResult;
        if (block.part) {
          if (mode === 'jsonl') throw recordTooLong(block.offset);
          if (block.part.first)
            longLine = new LongLine(tokenizer, { mode, format: 'jsonl', addBos: false, addEos: false, lossy: options.lossy === true, offset: block.offset });
          result = longLine!.part(block.bytes, block.part.last);
        } else
          result = processBlock(tokenizer, {
            bytes: block.bytes,
            mode,
            field: options.field ?? 'text',
            format: 'jsonl',
            addBos: false,
            addEos: false,
            lossy: options.lossy === true,
            fileOffset: block.offset,
            stripBom: mode === 'jsonl' && block.index === 0,
          });
        if (mode !== 'doc') documents += result.docTokens.length;
        bytes += result.textBytes;
        tokens += result.tokens;
        lines += result.lines;
      } catch (e) {
        const line = (e as { line?: number }).line;
        throw new CliError(`${input.name}${line ? `:${lines + line}` : ''}: ${describeError(e)}`);
      }
    }
    info.sample = { file: input.name, documents, bytes, tokens, bytesPerToken: tokens > 0 ? bytes / tokens : 0 };
  }

  if (options.json) {
    process.stdout.write(`${JSON.stringify(info)}\n`);
    return;
  }
  const rows: [string, string][] = [
    ['model', info.model],
    ['pieces', info.pieces.toLocaleString('en-US')],
    ['vocab size', `${info.vocabSize.toLocaleString('en-US')} (ids 0-${info.vocabSize - 1})`],
    [
      'longest piece',
      `${info.longestPiece.bytes} bytes, id ${info.longestPiece.id}: ${info.longestPiece.text !== null ? JSON.stringify(info.longestPiece.text) : `bytes ${info.longestPiece.hex}`}`,
    ],
    [
      'special ids',
      Object.entries(info.specialIds)
        .map(([name, id]) => `${name}=${id}`)
        .join(' '),
    ],
    ['load time', `${info.loadMs} ms (${info.engine} engine)`],
  ];
  if (info.sample) {
    const s = info.sample;
    rows.push([
      'bytes/token',
      `${s.bytesPerToken.toFixed(3)} on ${s.file} (${count(s.documents, 'document')}, ${count(s.bytes, 'byte')}, ${count(s.tokens, 'token')})`,
    ]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}\n`).join(''));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function pieceText(bytes: Uint8Array): { text: string | null; hex: string } {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
  try {
    return { text: strictUtf8.decode(bytes), hex };
  } catch {
    return { text: null, hex };
  }
}
