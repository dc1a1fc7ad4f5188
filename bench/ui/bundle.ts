// The page's first download: the entry chunk of the built site and every
// chunk it imports statically (what the browser must fetch before the page
// runs), gzipped. Chunks loaded with import() later are left out.
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleFigures {
  /** The initial chunks, relative to the site. */
  chunks: string[];
  rawBytes: number;
  gzipBytes: number;
}

// Minified ESM: `import{a as b}from"./x.js"`, `import"./x.js"`, `export{...}from"./x.js"`; never `import(`.
const STATIC_IMPORT = /(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]*?from\s*)?["']([^"']+\.js)["']/g;

/** The relative module specifiers a chunk imports statically. */
export function staticImports(code: string): string[] {
  return [...code.matchAll(STATIC_IMPORT)].map((m) => m[1]!).filter((s) => s.startsWith('.'));
}

/** The entry script named in the built index.html. */
export function entryOf(indexHtml: string): string {
  const m = /<script[^>]*type="module"[^>]*src="([^"]+)"/.exec(indexHtml);
  if (!m) throw new Error('ui bench: the built index.html has no module script');
  return m[1]!.replace(/^\.\//, '');
}

/** Sums the entry and its static imports (each once), gzipped one by one as a server sends them. */
export function initialJs(siteDir: string): BundleFigures {
  const entry = entryOf(readFileSync(join(siteDir, 'index.html'), 'utf8'));
  const seen = new Set<string>();
  const queue = [normalize(entry)];
  let rawBytes = 0;
  let gzipBytes = 0;
  while (queue.length > 0) {
    const rel = queue.pop()!;
    if (seen.has(rel)) continue;
    seen.add(rel);
    const bytes = readFileSync(join(siteDir, rel));
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
    for (const spec of staticImports(bytes.toString('utf8'))) queue.push(normalize(join(dirname(rel), spec)));
  }
  return { chunks: [...seen], rawBytes, gzipBytes };
}
