// README.md's fenced code blocks, with their info string (how each is checked: see
// test/golden/readme.test.ts) and line; shared by that test and test/runtimes/run.ts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ReadmeBlock {
  info: string;
  code: string;
  line: number;
}

export function readmeBlocks(markdown = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8')): ReadmeBlock[] {
  const out: ReadmeBlock[] = [];
  const re = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    out.push({ info: m[1]!.trim(), code: m[2]!, line: markdown.slice(0, m.index).split('\n').length });
  }
  return out;
}
