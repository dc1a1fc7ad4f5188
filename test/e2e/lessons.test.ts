// The lessons in a real browser (headless Chromium against the production
// build): open the first lesson, type a step's command with its button, run
// it and see the step ticked off; reload and find the lesson open at the
// next step; answer a checkpoint while simulated time stands still; and
// follow a switch of the page's language.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, builtSite, openPage, serveSite } from '../share/e2e-site.ts';

let site: Site | undefined;
let base = '';
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  // The test-environment build: no service worker between the page and its reloads.
  site = await serveSite(builtSite(false), '/');
  base = site.url;
  ({ browser, page } = await openPage(pageErrors, { locale: 'en-US' }));
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function load(url?: string): Promise<string> {
  if (url !== undefined) await page.goto(url);
  else await page.reload();
  await page.waitForFunction(() => window.__etcdPlayground !== undefined && document.querySelector('.xterm-rows') !== null, null, { timeout: 30_000 });
  await page.waitForFunction(() => window.__etcdPlayground!.world().etcd.cluster.leader() !== undefined, null, { timeout: 30_000 });
  return page.evaluate(() => window.__etcdPlayground!.origin);
}

const step = (i: number) => page.locator(`.drawer li[data-step="${i}"]`);
const now = () => page.evaluate(() => window.__etcdPlayground!.world().now());

/** Clicks the current step's command button (it types the command) and presses Enter in the terminal. */
async function typeAndRun(i: number): Promise<void> {
  await step(i).locator('button.type').click();
  await page.locator('.xterm-helper-textarea >> visible=true').first().focus();
  await page.keyboard.press('Enter');
}

describe('lessons in Chromium', () => {
  it('runs a step from its button, and reopens at the next step after a reload', async () => {
    expect(await load(`${base}?seed=42`)).toBe('fresh');
    await page.locator('.drawer button.toggle').click();
    await page.locator('.drawer [data-lesson="first-keys"]').click();
    await expect.poll(() => step(0).getAttribute('class')).toMatch(/current/);
    expect(await step(0).locator('button.type code').textContent()).toBe('etcdctl put greeting hello');
    await typeAndRun(0);
    await step(0).and(page.locator('.done')).waitFor({ timeout: 15_000 });
    await expect.poll(() => step(1).getAttribute('class')).toMatch(/current/);
    expect(await page.locator('.drawer .progress').textContent()).toContain('step 2 of 10');
    await page.evaluate(() => window.__etcdPlayground!.flush());

    expect(await load()).toBe('restored');
    await step(1).and(page.locator('.current')).waitFor({ timeout: 15_000 });
    expect(await step(0).getAttribute('class')).toMatch(/done/);
    expect(await page.locator('.drawer .progress').textContent()).toContain('First steps with keys: step 2 of 10');
    // Presenter mode shows the current step's speaker notes.
    await page.locator('button.present').click();
    await expect.poll(() => page.locator('.presenter .notes .text').textContent()).toBe('The Request path tab shows the ReadIndex round behind a plain get.');
    await page.locator('button.present').click();
    // The restored world still has the key the first step wrote, so the lesson goes on from here.
    await typeAndRun(1);
    await step(1).and(page.locator('.done')).waitFor({ timeout: 15_000 });
  }, 120_000);

  it('pauses time at a checkpoint until answered, then reveals the answer', async () => {
    for (let i = 2; i < 7; i++) await step(i).locator('button.small', { hasText: 'skip' }).click();
    await step(7).and(page.locator('.current')).waitFor();
    await page.locator('.checkpoint.open').waitFor();
    const t0 = await now();
    await page.waitForTimeout(700);
    expect(await now()).toBe(t0);
    await page.locator('.checkpoint .choices button').nth(0).click();
    await page.locator('.checkpoint .explain').waitFor();
    expect(await page.locator('.checkpoint .explain').textContent()).toMatch(/Not quite\..*version counts the writes/);
    expect(await page.locator('.checkpoint button.right').textContent()).toMatch(/create_revision stays/);
    await expect.poll(now, { timeout: 10_000 }).toBeGreaterThan(t0);
  }, 60_000);

  it('types and runs a multi-line transaction (a here-document) from its button', async () => {
    await page.locator('.drawer button.small', { hasText: 'all lessons' }).click();
    await page.locator('.drawer [data-lesson="txn"]').click();
    await typeAndRun(0);
    await step(0).and(page.locator('.done')).waitFor({ timeout: 15_000 });
    expect(await step(1).locator('button.type code').textContent()).toMatch(/^etcdctl txn <<EOF\nvalue\("\/config\/version"\) = "1"\n/);
    await typeAndRun(1);
    await step(1).and(page.locator('.done')).waitFor({ timeout: 15_000 });
    const screen = await page.locator('.xterm-rows >> visible=true').first().textContent();
    expect(screen).toContain('SUCCESS');
    await page.locator('.drawer button.small', { hasText: 'all lessons' }).click();
    await page.locator('.drawer [data-lesson="first-keys"]').click();
  }, 60_000);

  it('follows a switch of the page language, and keeps it across a reload', async () => {
    // The world has greeting=hello already, so the reopened lesson starts past its first step.
    await expect.poll(() => step(1).getAttribute('class')).toMatch(/current/);
    for (let i = 1; i < 7; i++) await step(i).locator('button.small', { hasText: 'skip' }).click();
    await page.locator('.checkpoint .choices button').nth(0).click();
    await page.locator('.checkpoint .explain').waitFor();
    // Switched live, then kept across a reload.
    await page.locator('.lang select').selectOption('zh');
    await expect.poll(() => step(7).locator('.title').textContent()).toContain('修改一个键');
    await load();
    await step(7).and(page.locator('.current')).waitFor({ timeout: 15_000 });
    expect(await page.locator('.drawer .progress').textContent()).toContain('键值入门');
    expect(await step(7).locator('.title').textContent()).toContain('修改一个键');
    // The answered question stays answered.
    expect(await page.locator('.checkpoint .explain').textContent()).toContain('不太对');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
