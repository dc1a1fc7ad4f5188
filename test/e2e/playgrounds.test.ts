// Named playgrounds in a real browser (Debian's Chromium through
// playwright-core, the production build served from this process): create a
// second playground from the menu, put a key in each, switch back and forth
// (each keeps its own keys and faults across the reloads), export the
// current one to a file and import it as a new playground holding the key;
// then the shell's playground command.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, builtSite, openPage, run as runLine, serveSite } from '../share/e2e-site.ts';

let site: Site | undefined;
let base = '';
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  // The test-environment build: no service worker between the page and its reloads.
  site = await serveSite(builtSite(false), '/');
  base = site.url;
  ({ browser, page } = await openPage(pageErrors, { acceptDownloads: true }));
  // The menu asks before it deletes or resets.
  page.on('dialog', (d) => void d.accept());
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function typeLine(line: string): Promise<void> {
  await page.locator('.xterm-helper-textarea >> visible=true').first().focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

const run = (line: string, want: RegExp, timeout?: number): Promise<string> => runLine(page, line, want, timeout);

/** Waits for the (re)loaded page to have a leader; the current playground's name. */
async function loaded(): Promise<string | undefined> {
  await page.waitForFunction(() => window.__etcdPlayground !== undefined && document.querySelector('.xterm-rows') !== null, null, { timeout: 30_000 });
  await page.waitForFunction(() => window.__etcdPlayground!.world().etcd.cluster.leader() !== undefined, null, { timeout: 30_000 });
  return page.evaluate(() => window.__etcdPlayground!.playground());
}

const menu = () => page.locator('.pgmenu');
async function openMenu(): Promise<void> {
  if ((await menu().locator('.panel').count()) === 0) await menu().locator('.toggle').click();
  await menu().locator('.list li').first().waitFor();
}

/** Clicks something that reloads the page into another playground; that playground's name. */
async function reloadsBy(click: () => Promise<void>): Promise<string | undefined> {
  await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), click()]);
  return loaded();
}

describe('named playgrounds in Chromium', () => {
  it('creates a second playground, keeps keys apart, exports and imports', async () => {
    await page.goto(base);
    expect(await loaded()).toBe('default');
    await run('etcdctl put where default-one', /^\s*OK\n\$/);

    await openMenu();
    await menu().getByLabel('new playground name').fill('second');
    expect(await reloadsBy(() => menu().getByRole('button', { name: 'new', exact: true }).click())).toBe('second');
    expect(await menu().locator('.toggle').textContent()).toContain('second');
    await run('etcdctl get where', /^\s*\$/);
    await run('etcdctl put where second-one', /^\s*OK\n\$/);
    await run('latency 25', /latency 25-25 ms on every link\n/);

    await openMenu();
    expect(await reloadsBy(() => menu().locator('button.switch[data-playground="default"]').click())).toBe('default');
    await run('etcdctl get where --print-value-only', /^\s*default-one\n\$/);
    await run('latency', /^\s*latency 1-5 ms\n/);

    await openMenu();
    expect(await reloadsBy(() => menu().locator('button.switch[data-playground="second"]').click())).toBe('second');
    await run('etcdctl get where --print-value-only', /^\s*second-one\n\$/);
    await run('latency', /^\s*latency 25-25 ms\n/);

    // Export: the file is a playground file named after the playground.
    await openMenu();
    const [download] = await Promise.all([page.waitForEvent('download'), menu().getByRole('button', { name: 'export to file' }).click()]);
    expect(download.suggestedFilename()).toBe('second.etcd-playground.json');
    const path = join(mkdtempSync(join(tmpdir(), 'playgrounds-export-')), 'exported.json');
    await download.saveAs(path);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { format: string; name: string; history: string[] };
    expect(file.format).toBe('etcd-playground');
    expect(file.name).toBe('second');
    expect(file.history).toContain('etcdctl put where second-one');

    // Import: a new playground, opened at once, with the key.
    await openMenu();
    expect(await reloadsBy(() => menu().getByLabel('import a playground file').setInputFiles(path))).toBe('second (2)');
    await run('etcdctl get where --print-value-only', /^\s*second-one\n\$/);
    await run('latency', /^\s*latency 25-25 ms\n/);

    // A bad file changes nothing and says why.
    await openMenu();
    await menu().getByLabel('import a playground file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"etcd-playground"') });
    await expect.poll(() => menu().locator('.err').textContent()).toMatch(/^bad\.json: playground file: not valid JSON/);
    expect(await page.evaluate(() => window.__etcdPlayground!.playground())).toBe('second (2)');

    // Rename and delete.
    await menu().getByLabel('rename this playground').fill('copy');
    await menu().getByRole('button', { name: 'rename' }).click();
    await expect.poll(() => menu().locator('.cur').textContent()).toBe('● copy');
    expect(await reloadsBy(() => menu().getByRole('button', { name: 'delete copy' }).click())).toBe('default');
    await openMenu();
    expect(await menu().locator('.list li').allTextContents()).toEqual([expect.stringContaining('default'), expect.stringContaining('second')]);
    await menu().locator('.toggle').click();

    // The same from the shell.
    await run('playground', /^\s*\* default\n  second\n\$/);
    await run('playground rename second', /usage: playground/);
    // The page reloads as the command runs: its output may never be seen.
    expect(await reloadsBy(() => typeLine('playground switch second'))).toBe('second');
    await run('etcdctl get where --print-value-only', /^\s*second-one\n\$/);
    await run('playground switch nope', /playground: no playground named "nope"\n\$/);
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
