// Peak RSS and wall time of `bytepiece encode` (the built CLI) on one line of N MiB with no `\n`
// at all, made here and piped into its stdin (the stress test's text, test/helpers/long-line-text.ts).
// The CLI runs under /usr/bin/time -v; its output (JSONL on stdout unless -o is given) is counted
// and dropped.
//   npm run build && npx tsx bench/cli-long-line.ts [MiB=1024] [CLI encode options, e.g. --lines -w 2]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { longLine } from '../test/helpers/long-line-text.js';

const mib = Number(process.argv[2] ?? 1024);
const extra = process.argv.slice(3);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const args = ['-v', process.execPath, cli, 'encode', '-q', ...extra, '-'];
const child = spawn('/usr/bin/time', args, { stdio: ['pipe', 'pipe', 'pipe'] });
let out = 0;
child.stdout.on('data', (chunk: Buffer) => (out += chunk.length));
let stderr = '';
child.stderr.setEncoding('utf8');
child.stderr.on('data', (s: string) => (stderr += s));
const closed = once(child, 'close');
for (const piece of longLine(mib * 2 ** 20)) if (!child.stdin.write(piece)) await once(child.stdin, 'drain');
child.stdin.end();
const [code] = (await closed) as [number | null];
const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(stderr)?.[1];
const cpu = ['User time \\(seconds\\)', 'System time \\(seconds\\)'].map((k) => Number(new RegExp(`${k}: (\\S+)`).exec(stderr)?.[1] ?? NaN));
if (code !== 0 || rss === undefined) {
  console.error(stderr);
  process.exit(1);
}
console.log(
  `${mib} MiB single line, bytepiece encode ${extra.join(' ') || '(defaults)'}: peak RSS ${Math.round(Number(rss) / 1024)} MiB (${rss} KB), ` +
    `wall ${wall}, CPU ${(cpu[0]! + cpu[1]!).toFixed(1)} s, ${out.toLocaleString('en-US')} bytes of output`,
);
