// The page in a real browser: Debian's headless Chromium driven by
// playwright-core against the production build (vite build), served from
// this process. Types into the xterm terminal, reads what it shows, reloads
// the page and finds the cluster's data again (IndexedDB), kills the leader
// and sees another one elected, and recovers from a damaged store.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, builtSite, openPage, run as runLine, screenText as shownText, serveSite } from '../share/e2e-site.ts';
import { screenshotViews } from './screenshots.ts';

let site: Site | undefined;
let base = '';
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  // The test-environment build: no service worker between the page and its reloads.
  site = await serveSite(builtSite(false), '/');
  base = site.url;
  ({ browser, page } = await openPage(pageErrors));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const screenText = (): Promise<string> => shownText(page);

const run = (line: string, want: RegExp, timeout?: number): Promise<string> => runLine(page, line, want, timeout);

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
