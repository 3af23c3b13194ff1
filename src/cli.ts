#!/usr/bin/env node
// The `bytepiece` command line: encode, concat, decode, info, convert, train. Errors are one line on stderr with a non-zero
// exit; Ctrl-C (or SIGTERM) stops at once, removes unfinished output and says so.

import { Command, Option } from 'commander';
import { encodeCommand, type EncodeOptions } from './cli/encode.js';
import { decodeCommand, type DecodeOptions } from './cli/decode.js';
import { infoCommand, type InfoOptions } from './cli/info.js';
import { convertCommand, type ConvertOptions } from './cli/convert.js';
import { concatCommand, type ConcatOptions } from './cli/concat.js';
import { trainCommand, vocabSizes, type TrainCliOptions } from './cli/train.js';
import { countNgramsCommand, countPiecesCommand, finishTrainingCommand, mergeCountsCommand } from './cli/train-stages.js';
import { cleanUp, describeError, interruptedOutputNote } from './cli/errors.js';
import { createRequire } from 'node:module';
import { finiteNumber, positiveInt, positiveNumber, seedInt } from './cli/options.js';
import { DEFAULT_MODEL } from './model/default-model.js';

const program = new Command('bytepiece')
  .description('Exact BytePiece tokenization (WebAssembly): encode corpora on all cores, decode ids, inspect models.')
  .version((createRequire(import.meta.url)('../package.json') as { version: string }).version)
  .showSuggestionAfterError()
  .configureOutput({ outputError: (message, write) => write(`bytepiece: ${message.replace(/^error: /, '').trimEnd()}\n`) })
  .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2));

const MODEL_HELP = `model file (.zip, .model or binary); default: the built-in ${DEFAULT_MODEL}`;
const engineOption = () => new Option('--engine <engine>', 'tokenizer engine').choices(['wasm', 'js']).default('wasm');
const progressOption = () =>
  new Option('--progress-interval <seconds>', 'seconds between progress lines when stderr is not a terminal')
    .default(10)
    .argParser(positiveNumber('--progress-interval'));

program
  .command('encode')
  .description(
    'Tokenize text files (one document per file), lines (--lines) or JSONL records (--jsonl) into ids. ' +
      'Output: JSONL {"ids":[…]} per document in input order, or little-endian u16/u32 ids with one <eos> (2) ' +
      'after each document plus OUT.idx (uint64 offset of each document start, then the total).',
  )
  .argument('[inputs...]', 'input files; - or nothing for stdin')
  .option('-m, --model <path>', MODEL_HELP)
  .option('-o, --output <path>', 'output file (default stdout; required for u16/u32); written to a temporary file renamed on success')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['jsonl', 'u16', 'u32']).default('jsonl'))
  .option('--lines', 'one document per line (a trailing \\r of CRLF lines is dropped)')
  .option('--jsonl', 'inputs are JSONL: one document per record, blank lines skipped')
  .option('--field <name>', 'JSONL field holding the text (default "text")')
  .option('-w, --workers <n>', 'worker threads (default: available cores)', positiveInt('--workers'))
  .option('--alpha <a>', 'sample segmentations (Viterbi sampling, alpha >= 0); default deterministic', finiteNumber('--alpha'))
  .option(
    '--seed <s>',
    'seed for --alpha (an integer, negative allowed, magnitude below 2^53): same input, seed and --block-size give the same ids for any --workers',
    seedInt('--seed'),
  )
  .option('--add-bos', 'put <bos> (1) before each document')
  .option('--add-eos', 'put <eos> (2) after each document (u16/u32 always end a document with one <eos>)')
  .option('--lossy', 'replace invalid UTF-8 and lone surrogates by U+FFFD instead of failing')
  .addOption(
    new Option('--block-size <bytes>', 'input bytes per worker task (a line longer than 16 blocks is read and encoded in parts, in order)')
      .default(1 << 20)
      .argParser(positiveInt('--block-size')),
  )
  .option(
    '--shard <K/N>',
    'encode only the K-th of N shares of the inputs, by document (files, or lines with --lines/--jsonl); `bytepiece concat` of shares 1..N in order is the whole',
  )
  .addOption(engineOption())
  .addOption(progressOption())
  .option('-q, --quiet', 'no progress and no summary on stderr')
  .action((inputs: string[], options: EncodeOptions) => encodeCommand(inputs, options));

program
  .command('concat')
  .description(
    'Join encode outputs (e.g. the --shard shares) in the order given, as one encode of all their inputs would write them: u16/u32 with their .idx offsets rebased, or JSONL.',
  )
  .argument('<inputs...>', 'encode outputs: u16/u32 files (each with its .idx) or JSONL files, all one format')
  .option('-o, --output <path>', 'output file (default stdout, JSONL only; u16/u32 also write OUTPUT.idx); written to a temporary file renamed on success')
  .addOption(new Option('-f, --format <format>', 'format of the inputs (default: from their extensions .u16/.u32/.jsonl)').choices(['jsonl', 'u16', 'u32']))
  .addOption(progressOption())
  .option('-q, --quiet', 'no progress and no summary on stderr')
  .action((inputs: string[], options: ConcatOptions) => concatCommand(inputs, options));

program
  .command('decode')
  .description('Turn ids back into text: one JSONL line {"text": …} per document.')
  .argument('<input>', 'ids: JSONL {"ids":[…]} lines (- for stdin), or a u16/u32 file (documents from INPUT.idx if present, else split after each <eos>)')
  .option('-m, --model <path>', MODEL_HELP)
  .option('-o, --output <path>', 'output file (default stdout); written to a temporary file renamed on success')
  .addOption(new Option('-f, --format <format>', 'input format (default: from the extension .u16/.u32, else jsonl)').choices(['jsonl', 'u16', 'u32']))
  .addOption(engineOption())
  .addOption(progressOption())
  .option('-q, --quiet', 'no progress and no summary on stderr')
  .action((input: string, options: DecodeOptions) => decodeCommand(input, options));

program
  .command('info')
  .description('Show a model: pieces, vocab size, longest piece, special ids, load time; with FILE, bytes/token on it.')
  .argument('[model]', `${MODEL_HELP}; give it to measure bytes/token on FILE`)
  .argument('[file]', 'a text file to measure bytes/token on (- for stdin)')
  .option('--lines', 'FILE has one document per line')
  .option('--jsonl', 'FILE is JSONL')
  .option('--field <name>', 'JSONL field holding the text (default "text")')
  .option('--lossy', 'replace invalid UTF-8 by U+FFFD instead of failing')
  .option('--json', 'print one JSON object')
  .addOption(engineOption())
  .action((model: string, file: string | undefined, options: InfoOptions) => infoCommand(model, file, options));

program
  .command('convert')
  .description(
    'Write a model in another tokenizer\'s format: SentencePiece Unigram (.model), as the reference\'s convert_to_sentencepiece does; only models whose pieces are whole characters ("eu" models).',
  )
  .argument('<model>', 'model file (.zip or .model)')
  .addOption(new Option('--to <format>', 'target format').choices(['sentencepiece']).makeOptionMandatory())
  .requiredOption('-o, --output <path>', 'output file; written to a temporary file renamed on success')
  .option('-q, --quiet', 'no summary on stderr')
  .action((model: string, options: ConvertOptions) => convertCommand(model, options));

program
  .command('train')
  .description(
    'Train a BytePiece model (as the reference trainer, byte for byte) on text files (one document per file), ' +
      'lines (--lines) or JSONL records (--jsonl). One size writes PREFIX; several write PREFIX.<size> each.',
  )
  .argument('[inputs...]', 'input files; - or nothing for stdin')
  .requiredOption('--vocab <sizes>', 'vocabulary size(s), counting the 3 special ids, e.g. 8000 or 8000,4000 (each >= 259)', vocabSizes)
  .requiredOption('-o, --output <prefix>', 'output PREFIX (several sizes: PREFIX.<size>); written to temporary files renamed on success')
  .option('--order <n>', 'order of the byte n-gram model (default 6)', positiveInt('--order'))
  .option('--min-count <n>', 'least count of an n-gram and of a multi-byte piece (default 2)', positiveInt('--min-count'))
  .option('--max-piece-length <bytes>', 'longest piece in bytes (default 36)', positiveInt('--max-piece-length'))
  .option('--isolate-digits', 'every decimal digit is a training chunk of its own')
  .option('--no-ensure-unicode', 'allow pieces that start inside a UTF-8 character')
  .option('--lines', 'one document per line (split at \\n only)')
  .option('--jsonl', 'inputs are JSONL: one document per record')
  .option('--field <name>', 'JSONL field holding the text (default "text")')
  .option('-w, --workers <n>', 'worker threads (default: available cores); the model is the same for any number', positiveInt('--workers'))
  .option(
    '--memory <MiB>',
    'peak memory of the n-gram counting (default 1024): past it, counts are spilled to disk as sorted runs; the model is the same',
    positiveInt('--memory'),
  )
  .addOption(
    new Option('-f, --format <format>', "model format: json (the reference's .model file) or binary (this package's, fastest to load)")
      .choices(['json', 'binary'])
      .default('json'),
  )
  .addOption(engineOption())
  .addOption(progressOption())
  .option('-q, --quiet', 'no progress and no summary on stderr')
  .action((inputs: string[], options: TrainCliOptions) => trainCommand(inputs, options));

// The trainer's stages, for running them as tasks of a cluster (examples/dask/train.py).
const corpusOptions = (c: Command) =>
  c
    .option('--lines', 'one document per line (split at \\n only)')
    .option('--jsonl', 'inputs are JSONL: one document per record')
    .option('--field <name>', 'JSONL field holding the text (default "text")')
    .option('-w, --workers <n>', 'worker threads (default: available cores); the counts are the same for any number', positiveInt('--workers'))
    .option(
      '--shard <K/N>',
      'count only the K-th of N shares of the inputs, by document (files, or lines with --lines/--jsonl), as `encode --shard` cuts them; shares 1..N merged are the whole',
    )
    .addOption(engineOption())
    .addOption(progressOption())
    .option('-q, --quiet', 'no progress and no summary on stderr');

corpusOptions(
  program
    .command('count-ngrams')
    .description('Training stage 1: count the byte n-grams of a shard of the corpus into a count file (sorted, checksummed; merge them with merge-counts).')
    .argument('[inputs...]', 'input files of this shard; - or nothing for stdin')
    .requiredOption('-o, --output <file>', 'count file; written to a temporary file renamed on success')
    .option('--order <n>', 'order of the byte n-gram model (default 6)', positiveInt('--order'))
    .option('--isolate-digits', 'every decimal digit is a training chunk of its own')
    .option('--memory <MiB>', 'peak memory of the counting (default 1024): past it, counts are spilled to disk as sorted runs', positiveInt('--memory')),
).action((inputs: string[], options) => countNgramsCommand(inputs, options));

program
  .command('merge-counts')
  .description(
    'Training stages 2 and 4: sum count files of one kind and parameters (any grouping and order gives the same bytes). With --min-count, prune n-gram counts into the final model count-pieces reads.',
  )
  .argument('<inputs...>', 'count files (from count-ngrams, count-pieces or merge-counts)')
  .requiredOption('-o, --output <file>', 'merged file; written to a temporary file renamed on success')
  .option('--min-count <n>', 'prune: keep n-grams of order >= 2 seen at least n times (the last merge of n-gram counts)', positiveInt('--min-count'))
  .option('-q, --quiet', 'no summary on stderr')
  .action((inputs: string[], options) => mergeCountsCommand(inputs, { ...options, progressInterval: 0 }));

corpusOptions(
  program
    .command('count-pieces')
    .description('Training stage 3: segment a shard with the pruned n-gram model (merge-counts --min-count) and count its pieces.')
    .argument('[inputs...]', 'input files of this shard; - or nothing for stdin')
    .requiredOption('--model <file>', 'the pruned n-gram counts')
    .requiredOption('-o, --output <file>', 'piece count file; written to a temporary file renamed on success')
    .option('--no-ensure-unicode', 'allow pieces that start inside a UTF-8 character'),
).action((inputs: string[], options) => countPiecesCommand(inputs, options));

program
  .command('finish-training')
  .description('Training stage 5: prune the merged piece counts and write the models (as bytepiece train names them).')
  .argument('<pieces>', "merged piece counts (merge-counts of every shard's count-pieces)")
  .requiredOption('--vocab <sizes>', 'vocabulary size(s), counting the 3 special ids, e.g. 8000 or 8000,4000 (each >= 259)', vocabSizes)
  .requiredOption('-o, --output <prefix>', 'output PREFIX (several sizes: PREFIX.<size>); written to temporary files renamed on success')
  .option('--min-count <n>', "least count of a multi-byte piece: the n-gram model's (checked if given)", positiveInt('--min-count'))
  .option('--max-piece-length <bytes>', 'longest piece in bytes (default 36)', positiveInt('--max-piece-length'))
  .addOption(
    new Option('-f, --format <format>', "model format: json (the reference's .model file) or binary (this package's)")
      .choices(['json', 'binary'])
      .default('json'),
  )
  .addOption(engineOption())
  .option('-q, --quiet', 'no summary on stderr')
  .action((pieces: string, options) => finishTrainingCommand(pieces, { ...options, progressInterval: 0 }));

let stopping = false;
// The reader of our stdout went away (`bytepiece … | head`): stop quietly, as a SIGPIPE would.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (stopping) return;
  stopping = true;
  cleanUp();
  if (e.code !== 'EPIPE') process.stderr.write(`bytepiece: cannot write to stdout: ${e.message}\n`);
  process.exit(e.code === 'EPIPE' ? 141 : 1);
});

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    cleanUp();
    process.stderr.write(`\nbytepiece: interrupted (${signal}); ${interruptedOutputNote()}\n`);
    process.exit(code);
  });
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (!stopping) {
    stopping = true;
    cleanUp();
    process.stderr.write(`bytepiece: ${describeError(e)}\n`);
    process.exit(1);
  }
}
