// `bytepiece convert --to sentencepiece MODEL -o OUT`: the reference's convert_to_sentencepiece.

import { Tokenizer } from '../node/tokenizer.js';
import { CliError } from './errors.js';
import { checkModelPath } from './options.js';
import { TempFileOutput, commitOutputs, discardOutputs } from './output.js';

export interface ConvertOptions {
  to: 'sentencepiece';
  output: string;
  quiet?: boolean;
}

export async function convertCommand(model: string, options: ConvertOptions): Promise<void> {
  await checkModelPath(model);
  const tokenizer = await Tokenizer.load(model, { engine: 'js' });
  let bytes: Uint8Array;
  try {
    bytes = tokenizer.toSentencePiece();
  } catch (e) {
    throw new CliError(`${model}: ${(e as Error).message}`);
  }
  const out = await TempFileOutput.create(options.output);
  try {
    await out.write(bytes);
    await out.close();
    await commitOutputs([out]);
  } catch (e) {
    await discardOutputs([out]);
    throw e;
  }
  if (!options.quiet) process.stderr.write(`bytepiece: wrote ${options.output} (SentencePiece Unigram, ${bytes.length} bytes)\n`);
}
