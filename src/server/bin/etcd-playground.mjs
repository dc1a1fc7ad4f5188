#!/usr/bin/env node
// `etcd-playground serve [flags]`, `etcdctl [args]`, `export` and `migrate`:
// run src/server/cli/*.ts in this same process (so a signal sent to this PID
// reaches the command itself, with no wrapper process in between). Each
// command runs from one bundle of its modules and packages
// (node_modules/.cache: one file to read and compile instead of hundreds,
// which matters to etcdctl, started once per command; and plain JavaScript
// without a loader's per-function bookkeeping, which matters to serve's
// request path), rebuilt with esbuild whenever a source file is newer;
// without esbuild it falls back to tsx's loader.
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const COMMANDS = { serve: '../cli/serve.ts', etcdctl: '../cli/etcdctl.ts', export: '../cli/export.ts', migrate: '../cli/migrate.ts' };
const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = join(HERE, '..', '..');
const CACHE = join(SRC, '..', 'node_modules', '.cache', 'etcd-playground');

const [command, ...args] = process.argv.slice(2);
if (!Object.hasOwn(COMMANDS, command ?? '')) {
  process.stderr.write(
    'usage: etcd-playground serve [etcd flags] [--nodes N] [--seed N]\n       etcd-playground etcdctl [etcdctl flags] COMMAND [args]\n' +
      '       etcd-playground export --data-dir DIR [-o FILE]\n       etcd-playground migrate --to URL [--data-dir DIR | --import FILE | --from URL]\n',
  );
  process.exit(2);
}
process.argv = [process.argv[0], process.argv[1], ...args];

/** The newest modification time of any file under dir. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** A bundle of entry and everything it imports, rebuilt when a source is newer. */
async function bundle(entry, name) {
  const out = join(CACHE, `${name}-bundle.mjs`);
  let built = 0;
  try {
    built = statSync(out).mtimeMs;
  } catch {
    // not built yet
  }
  const sources = ['engine', 'terminal', 'server'].map((d) => newest(join(SRC, d)));
  // An npm install changes the bundled packages.
  const lock = statSync(join(SRC, '..', 'package-lock.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built > Math.max(lock, ...sources)) return out;
  const esbuild = await import('esbuild');
  const { readFile } = await import('node:fs/promises');
  // Each module keeps its own import.meta.url (load.ts finds the .proto files by it).
  const ownUrl = {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\/src\/.*\.ts$/ }, async (a) => ({
        contents: (await readFile(a.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href)),
        loader: 'ts',
      }));
    },
  };
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: tmp,
    logLevel: 'error',
    plugins: [ownUrl],
    // The packages are CommonJS: their require() calls need one in an ES module.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  renameSync(tmp, out);
  return out;
}

const entry = join(HERE, COMMANDS[command]);
const bundled = await bundle(entry, command).catch(() => undefined);
if (bundled) {
  await import(pathToFileURL(bundled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(entry).href);
}
