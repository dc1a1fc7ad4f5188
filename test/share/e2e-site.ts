// For the browser tests of sharing and offline use: builds the site into a
// temporary folder, serves it (unknown paths get index.html; `files` can
// override a file's bytes, to play a new deployment) and drives Debian's
// headless Chromium through playwright-core.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';

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

export async function buildAndServe(prefix: string): Promise<Site> {
  if (!existsSync(CHROMIUM)) throw new Error(`the browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium)`);
  const dir = mkdtempSync(join(tmpdir(), `etcd-playground-${prefix}-`));
  const build = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: root,
    // Vitest sets NODE_ENV=test, which would make a development build (no service worker).
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
  const override = new Map<string, string>();
  const base = '/sub/path/';
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
  return {
    dir,
    url,
    override,
    close: async () => {
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
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
  await page.locator('.xterm-helper-textarea >> visible=true').first().focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = await screenText(page);
    const at = text.lastIndexOf(line);
    const after = at >= 0 ? text.slice(at + line.length) : '';
    if (want.test(after)) return after;
    if (Date.now() > deadline) throw new Error(`'${line}': no ${String(want)} on screen within ${timeout} ms; screen:\n${text}`);
    await page.waitForTimeout(100);
  }
}
