// The Python that runs the Dask drivers: the first of $BYTEPIECE_PYTHON, python3, /usr/bin/python3
// that imports `distributed` (Debian's python3-distributed lives in /usr/bin/python3, which a
// pyenv or venv python3 on PATH may hide). Undefined, with a loud warning, when there is none.
import { spawnSync } from 'node:child_process';

function findPython(): string | undefined {
  const candidates = [process.env.BYTEPIECE_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import distributed'], { stdio: 'ignore' });
    if (r.status === 0) return python;
  }
  console.warn(
    `[bytepiece-wasm test:dask] no Python with Dask distributed (tried ${candidates.join(', ')}): SKIPPING the Dask driver tests. ` +
      'Install it (Debian: apt-get install python3-distributed; .ci/run does) or set BYTEPIECE_PYTHON.',
  );
  return undefined;
}

export const PYTHON = findPython();
