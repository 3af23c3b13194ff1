// Section: Viterbi sampling (alpha = 0.1) against deterministic encoding, both engines
// (bench/sampling.ts). Plain-text section: its output is reproduced as is.
import { spawnSync } from 'node:child_process';

const passes = process.env.BENCH_QUICK === '1' ? '3' : (process.env.BENCH_REPS ?? '5');
const models = process.env.BENCH_QUICK === '1' ? ['bytepiece.plus.80k'] : ['bytepiece.plus.80k', 'bytepiece.eu.plus.160k'];
let status = 0;
for (const model of models) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/sampling.ts', model, passes], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(r.stdout + '\n');
  status ||= r.status ?? 1;
}
process.exit(status);
