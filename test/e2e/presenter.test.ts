// Presenter mode and the language switch in Chromium: the shortcuts act on
// the cluster through the playground's shell commands (k kills the leader and
// another is elected in a higher term, p partitions it off, h heals, space
// pauses and resumes, s steps), keys typed into the terminal or a field stay
// there, the lesson step's speaker notes show, the panel choice and the
// language survive a reload; every control
// takes the keyboard with a visible focus ring, the terminal's screen-reader
// mode switches, reduced motion stops animations. Screenshots of the views go
// to test-artifacts/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndServe, openPage, screenText, type Site } from '../share/e2e-site.ts';
import { saveScreenshot, screenshotViews } from './screenshots.ts';

let site: Site;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  site = await buildAndServe();
  ({ browser, page } = await openPage(pageErrors));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** Loads url and waits for a leader and the terminal. */
async function load(url?: string): Promise<void> {
  if (url !== undefined) await page.goto(url);
  await page.waitForFunction(() => window.__etcdPlayground !== undefined && document.querySelector('.xterm-rows') !== null, null, { timeout: 30_000 });
  await page.waitForFunction(() => window.__etcdPlayground!.world().etcd.cluster.leader() !== undefined, null, { timeout: 30_000 });
}

const leader = () =>
  page.evaluate(() => {
    const c = window.__etcdPlayground!.world().etcd.cluster;
    const l = c.leader();
    return l ? { name: l.name, term: c.snapshot().nodes.find((n) => n.id === l.id)!.term } : undefined;
  });
const partitioned = () => page.evaluate(() => window.__etcdPlayground!.world().etcd.cluster.snapshot().network.partitioned);
const now = () => page.evaluate(() => window.__etcdPlayground!.world().now());

/** Waits until the terminal shows text matching want. */
async function onScreen(want: RegExp, timeout = 15_000): Promise<void> {
  await expect.poll(() => screenText(page), { timeout }).toMatch(want);
}

describe('presenter mode in Chromium', () => {
  it('k kills the leader through the shell and a new leader comes in a higher term', async () => {
    await load(`${site.url}?seed=11&present=1`);
    expect(await page.evaluate(() => document.documentElement.classList.contains('present'))).toBe(true);
    await expect.poll(() => page.locator('section.presenter').isVisible()).toBe(true);
    const old = (await leader())!;
    // Straight after loading, with nothing clicked: the key goes to the shortcuts, not the terminal.
    await page.keyboard.press('k');
    await onScreen(new RegExp(`kill ${old.name}\\n+killed ${old.name}`));
    await page.waitForFunction((o) => {
      const l = window.__etcdPlayground!.world().etcd.cluster.leader();
      return l !== undefined && l.name !== o;
    }, old.name, { timeout: 30_000 });
    const next = (await leader())!;
    expect(next.name).not.toBe(old.name);
    expect(next.term).toBeGreaterThan(old.term);
    await expect.poll(() => page.locator('output.status').textContent()).toBe(`$ kill ${old.name}`);
    await saveScreenshot(page, 'presenter-after-kill');
  });

  it('p partitions the leader off and h heals; both show in the activity log', async () => {
    const l = (await leader())!;
    await page.keyboard.press('p');
    await onScreen(new RegExp(`partition ${l.name}\\n+partitioned: \\[${l.name}\\] \\|`));
    expect(await partitioned()).toBe(true);
    await page.keyboard.press('h');
    await onScreen(/\$ heal\n+network healed/);
    expect(await partitioned()).toBe(false);
    // The request-path tab lists what the terminals ran, the shortcuts' commands among them.
    await page.locator('.side [role="tab"]', { hasText: 'Request path' }).click();
    const runs = page.locator('.runs code');
    await expect.poll(() => runs.allTextContents()).toEqual(expect.arrayContaining([`partition ${l.name}`, 'heal']));
    await page.locator('.side [role="tab"]').first().click();
  });

  it('space pauses and resumes the simulation; s steps while paused', async () => {
    // A focused button keeps Space for itself (the tab clicked above): click-free focus first.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press(' ');
    await expect.poll(() => page.locator('button.play').textContent()).toContain('play');
    const t0 = await now();
    await page.waitForTimeout(400);
    expect(await now()).toBe(t0);
    for (let i = 0; i < 20; i++) await page.keyboard.press('s');
    await expect.poll(now).toBeGreaterThan(t0);
    const t1 = await now();
    await page.keyboard.press(' ');
    await expect.poll(() => page.locator('button.play').textContent()).toContain('pause');
    await expect.poll(now).toBeGreaterThan(t1 + 200);
  });

  it('leaves keys typed into the terminal or a field alone', async () => {
    const before = (await leader())!;
    await page.locator('.xterm-helper-textarea >> visible=true').first().focus();
    await page.keyboard.type('kph');
    await onScreen(/\$ kph$/m);
    await page.keyboard.press('Control+U');
    await page.locator('.seed input').focus();
    await page.keyboard.press('k');
    await page.waitForTimeout(300);
    expect((await leader())?.name).toBe(before.name);
    expect(await partitioned()).toBe(false);
    expect(await page.locator('.seed input').inputValue()).toMatch(/k$/);
    await page.keyboard.press('Backspace');
    await page.locator('.seed input').blur();
  });

  it('shows the shortcut legend on ? and leaves presenter mode on Escape', async () => {
    await page.keyboard.press('?');
    const legend = page.locator('[role="dialog"]');
    await expect.poll(() => legend.isVisible()).toBe(true);
    expect(await legend.textContent()).toContain('kill the leader');
    await saveScreenshot(page, 'presenter-shortcuts');
    await page.keyboard.press('Escape');
    await expect.poll(() => legend.count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('present'))).toBe(false);
    await page.keyboard.press('Shift+P');
    await expect.poll(() => page.evaluate(() => document.documentElement.classList.contains('present'))).toBe(true);
  });

  it('shows the current lesson step and its speaker notes', async () => {
    const notes = page.locator('section.presenter .notes');
    expect(await notes.textContent()).toContain('No lesson running');
    const toggle = page.locator('section.drawer button.toggle');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    const first = page.locator('[data-lesson]').first();
    const title = ((await first.locator('strong').textContent()) ?? '').replace(/^\d+\.\s*/, '');
    await first.click();
    await expect.poll(() => notes.locator('.where').textContent()).toMatch(/step 1 of \d+/);
    expect(await notes.locator('.where').textContent()).toContain(title);
    expect(((await notes.locator('.text').textContent()) ?? '').trim().length).toBeGreaterThan(10);
    await saveScreenshot(page, 'presenter-notes');
  });

  it('remembers which panels the teacher chose', async () => {
    await page.locator('section.presenter details.choose summary').click();
    const terminalBox = page.locator('section.presenter label', { hasText: 'terminal' }).locator('input');
    await terminalBox.uncheck();
    await expect.poll(() => page.locator('div.term').isVisible()).toBe(false);
    await page.locator('section.presenter label', { hasText: 'Log' }).locator('input').uncheck();
    await page.evaluate(() => window.__etcdPlayground!.flush());
    await page.reload();
    await load();
    await expect.poll(() => page.locator('div.term').isVisible()).toBe(false);
    expect(await page.locator('.side [role="tab"]').allTextContents()).not.toContain('Log');
    await page.locator('section.presenter details.choose summary').click();
    await screenshotViews(page, 'presenter');
    await page.locator('section.presenter label', { hasText: 'terminal' }).locator('input').check();
    await page.locator('section.presenter label', { hasText: 'Log' }).locator('input').check();
    await expect.poll(() => page.locator('div.term').isVisible()).toBe(true);
  });

  it('switches the labels to Chinese and keeps the choice across a reload', async () => {
    await page.locator('.lang select').selectOption('zh');
    const tabs = page.locator('.side [role="tab"]');
    await expect.poll(() => tabs.first().textContent()).toBe('集群');
    await expect.poll(() => page.locator('button.play').textContent()).toMatch(/暂停|运行/);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-Hans');
    await page.reload();
    await load();
    await expect.poll(() => tabs.first().textContent()).toBe('集群');
    expect(await page.locator('.lang select').inputValue()).toBe('zh');
    await screenshotViews(page, 'zh');
    await page.locator('.lang select').selectOption('en');
    await expect.poll(() => tabs.first().textContent()).toBe('Cluster');
    expect(pageErrors).toEqual([]);
  });
});

describe('keyboard and assistive technology', () => {
  it('reaches the controls with Tab and shows where the focus is', async () => {
    await load(`${site.url}?seed=11`);
    // Start from the top of the page (a click on the title sets where Tab starts).
    await page.locator('header h1').click();
    const seen: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const st = getComputedStyle(el);
        return { text: (el.textContent ?? '').trim() || el.getAttribute('title') || el.tagName, outline: st.outlineStyle, width: parseFloat(st.outlineWidth) };
      });
      seen.push(f.text);
      expect(f.outline, `focus ring on ${f.text}`).not.toBe('none');
      expect(f.width).toBeGreaterThanOrEqual(2);
    }
    expect(seen.join(' | ')).toMatch(/pause|play/);
    expect(seen.join(' | ')).toMatch(/step|restart/);
  });

  it('switches the terminal to screen-reader mode and remembers it', async () => {
    const box = page.locator('.sr-mode input');
    await box.check();
    await expect.poll(() => page.locator('.xterm-accessibility').count()).toBeGreaterThan(0);
    await page.reload();
    await load();
    expect(await page.locator('.sr-mode input').isChecked()).toBe(true);
    await expect.poll(() => page.locator('.xterm-accessibility').count()).toBeGreaterThan(0);
    await page.locator('.sr-mode input').uncheck();
    await expect.poll(() => page.locator('.xterm-accessibility').count()).toBe(0);
  });

  it('turns animations and transitions off when the system asks for reduced motion', async () => {
    const probe = () =>
      page.evaluate(() => {
        const el = document.createElement('div');
        el.style.transition = 'opacity 2s';
        el.style.animation = 'none 3s infinite';
        document.body.append(el);
        const st = getComputedStyle(el);
        const out = { transition: parseFloat(st.transitionDuration), animation: parseFloat(st.animationDuration) };
        el.remove();
        return out;
      });
    // The leader's heartbeat pulse on the ring, counted over a second of frames.
    const pulses = async () => {
      let n = 0;
      for (let i = 0; i < 20; i++) {
        n += await page.locator('circle.pulse').count();
        await page.waitForTimeout(50);
      }
      return n;
    };
    expect(await probe()).toEqual({ transition: 2, animation: 3 });
    expect(await pulses()).toBeGreaterThan(0);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const reduced = await probe();
    expect(reduced.transition).toBeLessThan(0.01);
    expect(reduced.animation).toBeLessThan(0.01);
    await page.reload();
    await load();
    expect(await pulses()).toBe(0);
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    expect(pageErrors).toEqual([]);
  });
});
