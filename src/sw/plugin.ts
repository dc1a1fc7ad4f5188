// The Vite plugin that builds the service worker: after the bundle is made
// it lists every file of the site (chunks, assets, index.html and the public
// folder), hashes their contents into a version, compiles worker.ts and
// emits sw.js with both baked in. A build that changes any file therefore
// changes sw.js, which is how browsers notice a new version.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Plugin, type ResolvedConfig, transformWithOxc } from 'vite';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

function walk(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    out = statSync(p).isDirectory() ? out.concat(walk(p)) : out.concat(p);
  }
  return out;
}

export function serviceWorker(opts: { fileName?: string } = {}): Plugin {
  const fileName = opts.fileName ?? 'sw.js';
  let config: ResolvedConfig;
  return {
    name: 'etcd-playground:service-worker',
    apply: 'build',
    enforce: 'post',
    configResolved(c) {
      config = c;
    },
    async generateBundle(_out, bundle) {
      const files = new Map<string, string | Uint8Array>();
      for (const [name, item] of Object.entries(bundle)) {
        if (name.endsWith('.map') || name === fileName) continue;
        files.set(name, item.type === 'chunk' ? item.code : item.source);
      }
      const pub = config.publicDir;
      if (pub && config.build.copyPublicDir) {
        try {
          for (const p of walk(pub)) files.set(relative(pub, p).split(sep).join('/'), readFileSync(p));
        } catch {
          // no public folder
        }
      }
      const names = [...files.keys()].sort();
      const h = createHash('sha256');
      for (const n of names) h.update(n).update('\0').update(files.get(n)!).update('\0');
      const version = h.digest('hex').slice(0, 16);
      const { code } = await transformWithOxc(readFileSync(WORKER, 'utf8'), WORKER, { lang: 'ts' });
      const header = `// etcd playground service worker, generated at build time.\nconst VERSION = ${JSON.stringify(version)};\nconst PRECACHE = ${JSON.stringify(names, null, 1)};\n`;
      this.emitFile({ type: 'asset', fileName, source: header + code });
    },
  };
}
