// The built site as an offline app, in Chromium: after the first visit the
// service worker has every file cached, so with the network gone a reload
// still loads the page, the playground runs and its saved data (IndexedDB)
// is there. A new deployment is picked up by the next visit with a notice,
// and the saved playground survives the update.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundTestHook } from '../../src/ui/persist/index.ts';
import type { SwTestHook } from '../../src/sw/register.ts';
import { buildAndServe, openPage, run, type Site } from '../share/e2e-site.ts';

declare global {
  interface Window {
    __etcdPlayground?: PlaygroundTestHook;
    __etcdSw?: SwTestHook;
  }
}

let site: Site;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  site = await buildAndServe();
  ({ browser, context, page } = await openPage(pageErrors, { viewport: { width: 1400, height: 900 } }));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function ready(): Promise<string> {
  await page.waitForFunction(() => window.__etcdPlayground !== undefined && document.querySelector('.xterm-rows') !== null, null, { timeout: 20_000 });
  await page.waitForFunction(() => window.__etcdPlayground!.world().etcd.cluster.leader() !== undefined, null, { timeout: 20_000 });
  return page.evaluate(() => window.__etcdPlayground!.origin);
}

describe('the playground offline', () => {
  it('has a manifest with icons and a theme colour', async () => {
    const res = await page.request.get(`${site.url}manifest.webmanifest`);
    const m = (await res.json()) as { name: string; theme_color: string; icons: { src: string }[]; start_url: string };
    expect(m.name).toBe('etcd playground');
    expect(m.theme_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(m.start_url).toBe('./');
    for (const i of m.icons) expect((await page.request.get(`${site.url}${i.src}`)).ok()).toBe(true);
  });

  it('loads and runs offline after the first visit, with its saved data', async () => {
    await page.goto(`${site.url}?seed=21`);
    expect(await ready()).toBe('fresh');
    // The worker installs, caches every file and takes control of this page.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
    await page.waitForFunction(() => window.__etcdSw?.version !== undefined, null, { timeout: 10_000 });
    await run(page, 'etcdctl put a 1', /^\s*OK\n\$/);
    await page.evaluate(() => window.__etcdPlayground!.flush());

    await context.setOffline(true);
    await page.reload();
    expect(await ready()).toBe('restored');
    await run(page, 'etcdctl get a', /^\s*a\n1\n\$/);
    await run(page, 'etcdctl put b 2', /^\s*OK\n\$/);
    await page.evaluate(() => window.__etcdPlayground!.flush());
    // Another page of the site, offline too: any query runs the cached page.
    await page.goto(`${site.url}?embed=1`);
    await page.waitForFunction(() => document.querySelector('.embed .xterm-rows') !== null, null, { timeout: 20_000 });
    expect(pageErrors).toEqual([]);
  });

  it('picks up a new version on the next visit and keeps the saved playground', async () => {
    await context.setOffline(false);
    await page.goto(site.url);
    expect(await ready()).toBe('restored');
    const old = await page.evaluate(() => window.__etcdSw?.version);
    // A new deployment: a different sw.js (its version stamp changed).
    const sw = (await page.request.get(`${site.url}sw.js`)).text();
    site.override.set('sw.js', (await sw).replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1-next"'));
    await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      await reg?.update();
    });
    await page.waitForFunction(() => window.__etcdSw?.replaced === true, null, { timeout: 20_000 });
    await expect.poll(() => page.locator('.persist-notice', { hasText: 'new version' }).count()).toBeGreaterThan(0);

    await page.reload();
    expect(await ready()).toBe('restored');
    await page.waitForFunction((o) => window.__etcdSw?.version !== undefined && window.__etcdSw.version !== o, old, { timeout: 10_000 });
    await expect.poll(() => page.locator('.persist-notice', { hasText: 'updated to a new version' }).count()).toBeGreaterThan(0);
    await run(page, 'etcdctl get b --print-value-only', /^\s*2\n\$/);
    expect(pageErrors).toEqual([]);
    // A new worker re-downloads every asset before it takes over: slow on a loaded CI machine.
  }, 150_000);
});
