// Section: download sizes of the browser build against their targets (bench/sizes.ts; needs dist/,
// which `npm run bench` builds first). Plain-text section: its output is reproduced as is.
import { spawnSync } from 'node:child_process';

const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/sizes.ts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.write(r.stdout);
process.exit(r.status ?? 1);
