// The import graph of src/ (docs/design.md, "Layers"): no cycles, type-only imports included, and
// no import from a layer above. `npm test` runs it (`npm run check:imports`).
const LAYERS = ['text', 'model', 'engine', 'api', 'train', ['node', 'web-worker'], 'cli'];

const rank = new Map();
LAYERS.forEach((entry, i) => [entry].flat().forEach((folder) => rank.set(folder, i)));
const folders = [...rank.keys()];
const dir = (names) => `^src/(${names.join('|')})/`;

const upward = folders.flatMap((folder) => {
  const above = folders.filter((other) => other !== folder && rank.get(other) >= rank.get(folder));
  return above.length === 0
    ? []
    : [
        {
          name: `no-upward-from-${folder}`,
          comment: `src/${folder}/ may import only from its own folder and the layers below it`,
          severity: 'error',
          from: { path: dir([folder]) },
          to: { path: dir(above) },
        },
      ];
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only imports included',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-entry-imports',
      comment: 'the entry points (src/*.ts) re-export the layers; no layer imports an entry point',
      severity: 'error',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
    ...upward,
    {
      name: 'no-browser-worker-in-cli',
      comment: 'the CLI runs in Node: it uses src/node/, never the Web Worker layer',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/web-worker/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
