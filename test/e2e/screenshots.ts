// Screenshots of the page for people to look at (review, docs, a failing
// run): saved under test-artifacts/ at the repository's root, which git
// ignores. Each view tab is opened in turn and captured.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-artifacts');

/** Saves what the page shows as test-artifacts/<name>.png; returns the file. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Opens each view tab of the side pane and saves a screenshot of it
 * (<prefix>-<n>-<tab id>.png); leaves the first tab open. Returns the files.
 */
export async function screenshotViews(page: Page, prefix: string): Promise<string[]> {
  const tabs = page.locator('.side [role="tab"]');
  const n = await tabs.count();
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const tab = tabs.nth(i);
    const title = (await tab.getAttribute('data-tab')) ?? `tab${i}`;
    await tab.click();
    await page.waitForFunction((idx) => document.querySelectorAll('.side [role="tab"]')[idx]?.getAttribute('aria-selected') === 'true', i);
    // Let the view draw a few frames (heavy views refresh a few times a second).
    await page.waitForTimeout(400);
    files.push(await saveScreenshot(page, `${prefix}-${i + 1}-${title}`));
  }
  if (n > 0) await tabs.first().click();
  return files;
}
