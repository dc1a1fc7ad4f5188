// The page in a real browser: Debian's headless Chromium driven by
// playwright-core against the production build (vite build), served from
// this process. Types into the xterm terminal, reads what it shows, reloads
// the page and finds the cluster's data again (IndexedDB), kills the leader
// and sees another one elected, and recovers from a damaged store.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundTestHook } from '../../src/ui/persist/index.ts';
import { screenshotViews } from './screenshots.ts';

const CHROMIUM = '/usr/bin/chromium';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** A static file server for the built site (unknown paths get index.html). */
function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    let file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) file = join(dir, 'index.html');
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })));
}

declare global {
  interface Window {
    __etcdPlayground?: PlaygroundTestHook;
  }
}

let outDir = '';
let server: Server | undefined;
let base = '';
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium)`);
  }
  outDir = mkdtempSync(join(tmpdir(), 'etcd-playground-e2e-'));
  const build = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
  ({ server, url: base } = await serve(outDir));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** What the visible terminal shows, one line per row (trailing blanks trimmed). */
function screenText(): Promise<string> {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll<HTMLElement>('.xterm-rows')].find((r) => r.offsetParent !== null);
    if (!rows) return '';
    return [...rows.children].map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n');
  });
}

/** Types a command line into the visible terminal and waits until the screen matches want. */
async function run(line: string, want: RegExp, timeout = 15_000): Promise<string> {
  await page.locator('.screen:not(.hidden) .xterm-helper-textarea, .xterm-helper-textarea >> visible=true').first().focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = await screenText();
    const at = text.lastIndexOf(line);
    const after = at >= 0 ? text.slice(at + line.length) : '';
    if (want.test(after)) return after;
    if (Date.now() > deadline) throw new Error(`'${line}': no ${String(want)} on screen within ${timeout} ms; screen:\n${text}`);
    await page.waitForTimeout(100);
  }
}

/** Loads url (or waits for the page being loaded) until the world has a leader; the page's origin ('fresh', 'restored', ...). */
async function load(url?: string): Promise<string> {
  if (url !== undefined) await page.goto(url);
  await page.waitForFunction(() => window.__etcdPlayground !== undefined && document.querySelector('.xterm-rows') !== null, null, { timeout: 20_000 });
  await page.waitForFunction(() => window.__etcdPlayground!.world().etcd.cluster.leader() !== undefined, null, { timeout: 20_000 });
  return page.evaluate(() => window.__etcdPlayground!.origin);
}

const leader = () => page.evaluate(() => window.__etcdPlayground!.world().etcd.cluster.leader()?.name);

describe('the playground in Chromium', () => {
  it('keeps its keys across a reload (IndexedDB)', async () => {
    expect(await load(`${base}?seed=42`)).toBe('fresh');
    await run('etcdctl put foo bar', /^\s*OK\n\$/);
    await run('etcdctl get foo', /^\s*foo\nbar\n\$/);
    await page.evaluate(() => window.__etcdPlayground!.flush());
    const stats = await page.evaluate(() => window.__etcdPlayground!.stats());
    expect(stats?.saves).toBeGreaterThan(0);
    expect(stats?.failures).toBe(0);

    await page.reload();
    expect(await load()).toBe('restored');
    await expect.poll(() => page.locator('.persist-notice').textContent()).toContain('Restored your playground');
    await run('etcdctl get foo', /^\s*foo\nbar\n\$/);
    expect(pageErrors).toEqual([]);
  });

  it('elects a new leader when the shell kills the leader', async () => {
    const old = await leader();
    expect(old).toMatch(/^etcd\d$/);
    await run(`kill ${old}`, new RegExp(`killed ${old}\\n`));
    await page.waitForFunction((o) => {
      const l = window.__etcdPlayground!.world().etcd.cluster.leader();
      return l !== undefined && l.name !== o;
    }, old, { timeout: 20_000 });
    const now = await leader();
    expect(now).not.toBe(old);
    const url = await page.evaluate((name) => {
      const c = window.__etcdPlayground!.world().etcd.cluster;
      return [...c.members.values()].find((m) => m.name === name)!.clientURLs[0]!;
    }, now);
    // endpoint status (simple): ENDPOINT, ID, VERSION, DB SIZE, IS LEADER, ...
    await run('etcdctl endpoint status --cluster', new RegExp(`${url.replace(/[.]/g, '\\.')}, [0-9a-f]+, 3\\.4\\.23, [^,]+, true,`));
    await run('etcdctl put after-kill yes', /^\s*OK\n\$/);
    // Pictures of every view after a failover, for people to look at (test-artifacts/).
    await screenshotViews(page, 'playground');
    expect(pageErrors).toEqual([]);
  });

  it('reports a damaged store and starts a fresh playground', async () => {
    await page.evaluate(async () => {
      await window.__etcdPlayground!.stopSaving();
      // Tear the store by hand: a header that is not one.
      await new Promise<void>((ok, fail) => {
        const open = indexedDB.open('etcd-playground');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('state', 'readwrite');
          tx.objectStore('state').put({ app: 'etcd-playground', format: 1, parts: {}, state: { version: 1 } }, 'meta');
          tx.oncomplete = () => {
            open.result.close();
            ok();
          };
          tx.onerror = () => fail(tx.error);
        };
      });
    });
    await page.reload();
    const origin = await load();
    expect(origin).toMatch(/^failed: the saved playground is damaged \(cluster image: /);
    await expect.poll(() => page.locator('.persist-notice').textContent()).toContain('could not be restored');
    await run('etcdctl get foo', /^\s*\$/);
    expect(await screenText()).not.toMatch(/etcdctl get foo\nfoo\nbar/);
    await run('etcdctl put fresh 1', /^\s*OK\n\$/);
    expect(pageErrors).toEqual([]);
  });

  it('a second tab leaves the saving to the first', async () => {
    const second = await page.context().newPage();
    try {
      await second.goto(`${base}?seed=42`);
      await second.waitForFunction(() => window.__etcdPlayground !== undefined, null, { timeout: 20_000 });
      expect(await second.evaluate(() => window.__etcdPlayground!.origin)).toBe('restored');
      await expect.poll(() => second.locator('.persist-notice[data-tone="warn"]').textContent(), { timeout: 5000 }).toContain('open in another tab');
      expect(await second.evaluate(() => window.__etcdPlayground!.stats()?.saves)).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('"reset playground" forgets the saved one', async () => {
    await page.evaluate(() => window.__etcdPlayground!.flush());
    await page.reload();
    expect(await load()).toBe('restored');
    await run('etcdctl get fresh --print-value-only', /^\s*1\n\$/);
    await Promise.all([page.waitForEvent('load'), page.locator('.persist-notice button', { hasText: 'reset playground' }).click()]);
    expect(await load()).toBe('fresh');
    await run('etcdctl get fresh --print-value-only', /^\s*\$/);
    expect(await screenText()).not.toMatch(/print-value-only\n1\n/);
    expect(pageErrors).toEqual([]);
  });
});
