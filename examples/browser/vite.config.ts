// Builds the demo against the package's own build (dist/, made by `npm run build`): the page
// imports 'bytepiece-wasm/worker' exactly as an application would.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const dist = (file: string) => fileURLToPath(new URL(`../../dist/${file}`, import.meta.url));

export default defineConfig(({ command }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './', // relative URLs: the built page works from any folder of any static server
  resolve: {
    alias: [
      { find: /^bytepiece-wasm$/, replacement: dist('browser.js') },
      { find: /^bytepiece-wasm\/worker$/, replacement: dist('worker.js') },
      { find: /^bytepiece-wasm\/trainer-worker$/, replacement: dist('trainer-worker.js') },
    ],
  },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  // The offline service worker is for built pages only: under `vite dev` it would cache dev files.
  define: { __SERVICE_WORKER__: JSON.stringify(command === 'build') },
}));
