// The built site in headless Chromium for the UI benchmarks: one build, one
// server, one browser; each figure gets a fresh context (empty storage).
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildAndServe, CHROMIUM, launch, type Site } from '../../test/share/e2e-site.ts';
import type { PlaygroundTestHook } from '../../src/ui/persist/index.ts';

declare global {
  interface Window {
    __etcdPlayground?: PlaygroundTestHook;
  }
}

export interface UiBench {
  site: Site;
  browser: Browser;
  /** A page in a new context (no saved playground). */
  page(): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}`;
}

export async function openUiBench(): Promise<UiBench> {
  const site = await buildAndServe();
  const browser = await launch();
  return {
    site,
    browser,
    page: async () => {
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      // tsx keeps function names with a __name() helper, which the functions sent to page.evaluate carry along.
      await context.addInitScript('globalThis.__name = (f) => f;');
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error(`ui bench page error: ${e.message}`));
      return { context, page };
    },
    close: async () => {
      await browser.close();
      await site.close();
    },
  };
}

/** Waits for the page's world to have a leader (and, with n, n members). */
export async function waitForLeader(page: Page, n?: number): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const h = window.__etcdPlayground;
      if (!h) return false;
      const c = h.world().etcd.cluster;
      return c.leader() !== undefined && (want === null || c.nodes.size === want);
    },
    n ?? null,
    { timeout: 60_000 },
  );
}

/** Percentile (0..100) of a list of numbers, nearest rank. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
