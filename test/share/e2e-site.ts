// For the browser tests: builds the site once per set of inputs (shared by
// every test file), serves it (unknown paths get index.html; `override` can
// replace a file's bytes, to play a new deployment) and drives Debian's
// headless Chromium through playwright-core.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type BrowserContextOptions, type Page, chromium } from 'playwright-core';
// Brings in the page's declaration of window.__etcdPlayground, which the tests read.
export type { PlaygroundTestHook } from '../../src/ui/persist/index.ts';

export const CHROMIUM = '/usr/bin/chromium';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

export interface Site {
  dir: string;
  /** The site's address, under a sub-path (the build must work from any). */
  url: string;
  /** Replaces a served file's content (relative path → text). */
  override: Map<string, string>;
  close(): Promise<void>;
}

/** Everything a build reads, hashed: equal inputs, equal site. */
function inputsHash(): string {
  const h = createHash('sha256');
  const walk = (rel: string): void => {
    const abs = join(root, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) walk(join(rel, name));
      return;
    }
    h.update(rel).update(readFileSync(abs));
  };
  for (const rel of ['src', 'public', 'index.html', 'vite.config.ts', 'svelte.config.js', 'package-lock.json']) walk(rel);
  return h.digest('hex').slice(0, 16);
}

/**
 * The built site, built once per set of inputs and mode and shared by every
 * test file (they run in parallel workers: the first builds, the others wait).
 * production: the real build with its service worker; otherwise the build a
 * test environment makes (no service worker).
 */
export function builtSite(production: boolean): string {
  if (!existsSync(CHROMIUM)) throw new Error(`the browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium)`);
  const dir = join(tmpdir(), `etcd-playground-site-${inputsHash()}-${production ? 'prod' : 'test'}`);
  const done = join(dir, '.built');
  const lock = `${dir}.lock`;
  if (existsSync(done)) return dir;
  try {
    mkdirSync(lock);
  } catch {
    // Another worker builds it.
    const deadline = Date.now() + 240_000;
    while (!existsSync(done)) {
      if (Date.now() > deadline) throw new Error(`waited too long for the site build in ${dir}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
    return dir;
  }
  try {
    const build = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'error'], {
      cwd: root,
      // Vitest sets NODE_ENV=test, which makes a development build (no service worker).
      env: { ...process.env, NODE_ENV: production ? 'production' : 'test' },
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
    writeFileSync(done, '');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return dir;
}

/** Serves a built site under base (unknown paths get index.html; `override` replaces a file's bytes). */
export async function serveSite(dir: string, base = '/sub/path/'): Promise<Site> {
  const override = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(base)) {
      res.writeHead(404).end();
      return;
    }
    const rel = normalize(path.slice(base.length)).replace(/^\/+/, '');
    let file = join(dir, rel);
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) file = join(dir, 'index.html');
    const key = file.slice(dir.length + 1);
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(override.get(key) ?? readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${base}`;
  return { dir, url, override, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

/** The production site, served under a sub-path. */
export function buildAndServe(): Promise<Site> {
  return serveSite(builtSite(true));
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A launched browser with one page in a new context (a 1600x1000 window unless options say), its errors pushed to pageErrors. */
export async function openPage(pageErrors: string[], options: BrowserContextOptions = {}): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, ...options });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { browser, context, page };
}

/** What the visible terminal shows, one line per row (trailing blanks trimmed). */
export function screenText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll<HTMLElement>('.xterm-rows')].find((r) => r.offsetParent !== null);
    if (!rows) return '';
    return [...rows.children].map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n');
  });
}

/** Types a command line into the visible terminal and waits until the screen after it matches want. */
export async function run(page: Page, line: string, want: RegExp, timeout = 15_000): Promise<string> {
  await page.locator('.screen:not(.hidden) .xterm-helper-textarea, .xterm-helper-textarea >> visible=true').first().focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = await screenText(page);
    // The prompt and the line as typed (the output may repeat the line's words), else the line anywhere.
    const prompted = text.lastIndexOf(`$ ${line}\n`);
    const at = prompted >= 0 ? prompted + 2 : text.lastIndexOf(line);
    const after = at >= 0 ? text.slice(at + line.length) : '';
    if (want.test(after)) return after;
    if (Date.now() > deadline) throw new Error(`'${line}': no ${String(want)} on screen within ${timeout} ms; screen:\n${text}`);
    await page.waitForTimeout(100);
  }
}
