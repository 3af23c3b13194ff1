// A tiny static file server for the browser tests (and bench/sections/browser.ts): 127.0.0.1
// only, a random port, no dependencies. `mounts` maps URL prefixes to folders; nothing outside
// them is served.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.zip': 'application/zip',
  '.model': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
  /** Request URLs (path and query) so far, to check what a page fetched. */
  requests: string[];
}

export async function serve(mounts: Record<string, string>): Promise<StaticServer> {
  const roots = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : `${prefix}/`, resolve(dir)] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(req.url ?? '/');
    const mount = roots.find(([prefix]) => path.startsWith(prefix) || `${path}/` === prefix);
    let file = mount ? resolve(join(mount[1], path.slice(mount[0].length))) : undefined;
    if (file && mount && file !== mount[1] && !file.startsWith(mount[1] + sep)) file = undefined; // no escaping a mount
    try {
      if (file && statSync(file).isDirectory()) file = join(file, 'index.html');
      const stat = file ? statSync(file) : undefined;
      if (!file || !stat?.isFile()) throw new Error('not found');
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': stat.size,
        'cache-control': 'no-cache',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
