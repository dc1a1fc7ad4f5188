// Source-level purity check for src/engine: it must be deterministic (no wall clock,
// no Math.random, no timers) and host-independent (no DOM, no Node built-ins, no UI code).
// The eslint rules and tsconfig.engine.json enforce the same; this test is a cheap backstop
// that also runs where lint is skipped.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const engineDir = join(root, 'src', 'engine');

const FORBIDDEN_CALL =
  /\b(Date\.now|new Date\(|Math\.random|setTimeout|setInterval|performance\.now|requestAnimationFrame|window\.|document\.|process\.)/;

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/;
// Packages the engine may not import from.
const FORBIDDEN_PACKAGE = /^(node:.*|fs|fs\/.*|path|path\/.*|svelte|svelte\/.*|@xterm\/.*|idb-keyval(?:\/.*)?)$/;

/** Why an import is not allowed in src/engine/…/file, or undefined when it is fine. */
function importViolation(file: string, spec: string): string | undefined {
  if (FORBIDDEN_PACKAGE.test(spec)) return `imports '${spec}'`;
  if (!spec.startsWith('.')) return undefined;
  // A relative import must stay inside src/engine (src/engine/server is the etcd server layer).
  const target = posix.normalize(posix.join(posix.dirname(file.split('\\').join('/')), spec));
  return target.startsWith('src/engine/') ? undefined : `imports '${spec}', outside src/engine`;
}

export interface Violation {
  file: string;
  line: number;
  text: string;
  reason: string;
}

/** Scan one source text; returns every offending line (1-based line numbers). */
export function scanSource(file: string, source: string): Violation[] {
  const out: Violation[] = [];
  // Blank out /* ... */ comments (keeping their newlines, so line numbers stay right).
  const code = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  const original = source.split(/\r?\n/);
  const lines = code.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    // Drop `//` comments: whole comment lines, and trailing ones after whitespace.
    const text = lines[i].replace(/(^|\s)\/\/.*$/, '$1');
    const trimmed = original[i].trim();
    if (text.trim() === '') continue;
    const call = FORBIDDEN_CALL.exec(text);
    if (call) out.push({ file, line: i + 1, text: trimmed, reason: `uses ${call[1]}` });
    const imp = SPECIFIER.exec(text);
    const why = imp ? importViolation(file, imp[1]) : undefined;
    if (why) out.push({ file, line: i + 1, text: trimmed, reason: why });
  }
  return out;
}

function listTsFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listTsFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.ts')) files.push(full);
  }
  return files.sort();
}

function format(v: Violation): string {
  return `${v.file}:${v.line}: ${v.reason}: ${v.text}`;
}

describe('engine purity', () => {
  it('src/engine uses no clock, randomness, timers, DOM, Node built-ins or UI imports', () => {
    const files = listTsFiles(engineDir);
    // globals.d.ts always exists, so the walk itself is known to reach src/engine.
    expect(files.map((f) => relative(root, f))).toContain(join('src', 'engine', 'globals.d.ts'));
    const violations = files.flatMap((f) =>
      scanSource(relative(root, f), readFileSync(f, 'utf8')),
    );
    expect(violations.map(format), violations.map(format).join('\n')).toEqual([]);
  });

  it('the scanner reports violations (so the check above is not vacuous)', () => {
    const sample = [
      "import { Thing } from './thing.ts';",
      '// Math.random() in a comment is fine',
      'export function roll(): number {',
      '  return Math.random();',
      '}',
      "import { readFileSync } from 'node:fs';",
      "import App from '../../ui/App.svelte';",
      'const t = Date.now();',
      '/** Not Math.random: the clock is driven by',
      " *  requestAnimationFrame's timestamp in the UI. */",
      "const u = 'http://example'; // setTimeout is not used here",
      "import { heap } from '../util/heap.ts';",
    ].join('\n');
    const found = scanSource('src/engine/raft/sample.ts', sample).map(format);
    expect(found).toEqual([
      'src/engine/raft/sample.ts:4: uses Math.random: return Math.random();',
      "src/engine/raft/sample.ts:6: imports 'node:fs': import { readFileSync } from 'node:fs';",
      "src/engine/raft/sample.ts:7: imports '../../ui/App.svelte', outside src/engine: import App from '../../ui/App.svelte';",
      'src/engine/raft/sample.ts:8: uses Date.now: const t = Date.now();',
    ]);
    expect(scanSource('src/engine/sample.ts', "export { serve } from '../server';").map(format)).toEqual([
      "src/engine/sample.ts:1: imports '../server', outside src/engine: export { serve } from '../server';",
    ]);
    const clean = [
      "import { sha1 } from '@noble/hashes/legacy.js';",
      "import { EtcdServer } from './server.ts';",
      "import type { ResponseHeader } from '../server/pb.ts';",
      'export const x = 1;',
    ].join('\n');
    expect(scanSource('src/engine/lease/clean.ts', clean)).toEqual([]);
  });
});
