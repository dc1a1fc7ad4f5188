// Lint is deliberately minimal: every .ts file is parsed (so syntax errors fail),
// and only the engine gets rules — the purity rules that keep src/engine free of
// wall-clock time, randomness, timers, DOM, Node built-ins and UI code.
// .svelte files are checked by svelte-check, not eslint.
import tseslint from 'typescript-eslint';

const engineGlobals = [
  'Date',
  'setTimeout',
  'setInterval',
  'clearTimeout',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'queueMicrotask',
  'requestAnimationFrame',
  'performance',
  'window',
  'self',
  'document',
  'process',
  'require',
  'module',
  'global',
  'globalThis',
  'crypto',
  'navigator',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'Buffer',
].map((name) => ({
  name,
  message: `src/engine must be pure and deterministic: no '${name}'. Take time, randomness and I/O from the injected environment.`,
}));

export default [
  {
    ignores: ['node_modules/**', 'dist/**', 'coverage/**', '.vite/**'],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'off',
    },
  },
  ...[0, 1, 2, 3, 4].map((depth) => ({
    // One block per directory depth below src/engine, so a relative import that
    // climbs out of src/engine (into src/ui, src/terminal, src/server) is caught
    // while src/engine/server, the etcd server layer, stays importable.
    files: [`src/engine/${'*/'.repeat(depth)}*.ts`],
    rules: {
      'no-restricted-globals': ['error', ...engineGlobals],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'src/engine must be deterministic: use the seeded PRNG.' },
        { object: 'Date', property: 'now', message: 'src/engine must be deterministic: use the simulated clock.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          // `paths` match a module name exactly; `patterns` use gitignore syntax, where a
          // slash-free pattern would match any path segment (e.g. 'util' in '../util/x.ts').
          paths: [
            ...[
              'fs',
              'path',
              'os',
              'crypto',
              'child_process',
              'worker_threads',
              'net',
              'http',
              'https',
              'url',
              'util',
              'events',
              'stream',
              'buffer',
              'timers',
              'perf_hooks',
            ].map((name) => ({ name, message: 'src/engine must not import Node built-ins.' })),
            ...['svelte', 'idb-keyval'].map((name) => ({
              name,
              message: 'src/engine must not depend on UI or browser-storage packages.',
            })),
          ],
          patterns: [
            {
              group: ['node:*', 'fs/*', 'path/*', 'timers/*'],
              message: 'src/engine must not import Node built-ins.',
            },
            {
              group: ['svelte/*', '@xterm/*', 'idb-keyval/*'],
              message: 'src/engine must not depend on UI or browser-storage packages.',
            },
            {
              regex: `^(\\.\\./){${depth + 1}}`,
              message: 'src/engine must not import from outside src/engine (src/ui, src/terminal, src/server).',
            },
          ],
        },
      ],
    },
  })),
];
