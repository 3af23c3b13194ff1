// Section: Node ingestion (bench/ingest.ts): the CLI end to end with 1 vs 2 workers on >= 200 MB of
// JSONL from the shared corpora, peak RSS at ~50 MB / ~200 MB / ~1 GB, and the encoding streams on
// ~50 MB / ~200 MB / ~1 GB generated texts (smaller inputs with --quick). Needs dist/ (built by `npm run bench`). Plain-text section: output reproduced as is.
import { spawnSync } from 'node:child_process';

const args = process.env.BENCH_QUICK === '1' ? ['--mb', '20', '--small-mb', '5', '--huge-mb', '40', '--runs', '1', '--stream-mb', '5,20,40'] : [];
const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/ingest.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.write(r.stdout);
process.exit(r.status ?? 1);
