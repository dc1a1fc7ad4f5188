// Share links in Chromium: a link replays its scenario deterministically (the
// same leaders in the same terms on every load, and the same as a headless
// replay), the Share menu's link of a hand-typed run reproduces that run,
// bad and hostile links leave a working page with a message, the scenario
// menu opens a shipped scenario, and the embed runs unsaved.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundTestHook } from '../../src/ui/persist/index.ts';
import { encodeScenario } from '../../src/ui/share/codec.ts';
import type { ShareTestHook } from '../../src/ui/share/page.ts';
import { replayHeadless, type Leadership } from '../../src/ui/share/replay.ts';
import type { Scenario } from '../../src/ui/share/scenario.ts';
import { buildAndServe, openPage, run, screenText, type Site } from '../share/e2e-site.ts';

declare global {
  interface Window {
    __etcdPlayground?: PlaygroundTestHook;
    __etcdShare?: ShareTestHook;
  }
}

let site: Site;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  site = await buildAndServe();
  ({ browser, page } = await openPage(pageErrors, { viewport: { width: 1500, height: 950 } }));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const link = (s: Scenario, query = '') => `${site.url}${query}#s=${encodeScenario(s)}`;

/** Opens a link and waits for its replay to end; the leaders up to the replay's end. */
async function openLink(url: string): Promise<{ leaders: Leadership[]; end: number }> {
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForFunction(() => window.__etcdShare?.state() === 'done', null, { timeout: 30_000 });
  return page.evaluate(() => {
    const end = window.__etcdShare!.replayEnd()!;
    return { end, leaders: window.__etcdShare!.leaders().filter((l) => l.t <= end) };
  });
}

const failover: Scenario = {
  etcdplay: 1,
  title: 'failover twice',
  seed: 31,
  cluster: { nodes: 5 },
  faults: { latency: 20 },
  script: ['sleep 2', 'etcdctl put k v1', 'stop etcd0', 'stop etcd1', 'sleep 3', 'members', 'restart etcd0', 'restart etcd1', 'sleep 2', 'kill etcd2', 'kill etcd3', 'sleep 4', 'etcdctl get k --print-value-only'],
};

describe('share links in Chromium', () => {
  it('replay the same leaders and terms on every load, as a headless replay does', async () => {
    const a = await openLink(link(failover));
    expect(a.leaders.length).toBeGreaterThan(0);
    await expect.poll(() => screenText(page), { timeout: 10_000 }).toMatch(/get k --print-value-only\nv1\n/);
    // The fragment is gone from the address: a reload restores, it does not replay again.
    expect(page.url()).not.toContain('#s=');
    const b = await openLink(link(failover));
    expect(b).toEqual(a);
    const headless = await replayHeadless(failover);
    expect(headless.leaders).toEqual(a.leaders);
    expect(headless.world.now()).toBe(a.end);
    expect(pageErrors).toEqual([]);
  });

  it("the Share menu's link of a hand-typed run reproduces that run", async () => {
    await page.goto(`${site.url}?seed=77&reset`);
    await page.waitForFunction(() => window.__etcdPlayground?.world().etcd.cluster.leader() !== undefined, null, { timeout: 20_000 });
    await run(page, 'etcdctl put typed 1', /^\s*OK\n\$/);
    const first = await page.evaluate(() => window.__etcdPlayground!.world().etcd.cluster.leader()!.name);
    await run(page, `kill ${first}`, /killed/);
    await page.waitForFunction((f) => {
      const l = window.__etcdPlayground!.world().etcd.cluster.leader();
      return l !== undefined && l.name !== f;
    }, first, { timeout: 20_000 });
    await run(page, 'etcdctl --endpoints=127.0.0.1:2379,127.0.0.1:12379,127.0.0.1:22379 get typed --print-value-only', /^\s*1\n\$/);
    await page.getByRole('button', { name: 'Share' }).click();
    const shared = await page.getByLabel('share link').inputValue();
    const original = await page.evaluate(() => ({ leaders: window.__etcdShare!.leaders(), now: window.__etcdShare!.now() }));
    expect(shared).toMatch(/#s=[A-Za-z0-9_-]+$/);
    expect(shared.length).toBeLessThan(site.url.length + 600);

    const replayed = await openLink(shared);
    const upTo = (ls: Leadership[]) => ls.filter((l) => l.t <= original.now).map((l) => ({ ...l, t: Math.round(l.t) }));
    expect(upTo(replayed.leaders)).toEqual(upTo(original.leaders));
    expect(upTo(original.leaders).length).toBeGreaterThan(1);
    await expect.poll(() => screenText(page), { timeout: 10_000 }).toMatch(/get typed --print-value-only\n1\n/);
  });

  it('a script can stop a command (# ^C) and answer one that reads its input', async () => {
    const s: Scenario = {
      etcdplay: 1,
      seed: 4,
      script: ['sleep 1', 'etcdctl watch w', '# wait 1', '# ^C', 'etcdctl txn -i', '', 'put w 1', '', '', 'etcdctl get w --print-value-only'],
    };
    await openLink(link(s));
    await expect.poll(() => screenText(page), { timeout: 10_000 }).toMatch(/watch w\n\^C\n?\$ etcdctl txn -i[\s\S]*SUCCESS\n\nOK\n\$ etcdctl get w --print-value-only\n1\n/);
    // Shared again, the run's link holds the same lines.
    const again = await page.evaluate(() => window.__etcdShare!.scenario().script.filter((l) => !l.startsWith('# wait')));
    expect(again).toEqual(['sleep 1', 'etcdctl watch w', '# ^C', 'etcdctl txn -i', '', 'put w 1', '', '', 'etcdctl get w --print-value-only']);
  });

  it('a damaged link leaves a working playground and says why', async () => {
    for (const bad of ['%%%', 'AAAA', encodeScenario(failover).slice(0, 30)]) {
      await page.goto('about:blank');
      await page.goto(`${site.url}#s=${bad}`);
      await page.waitForFunction(() => window.__etcdShare !== undefined && window.__etcdPlayground?.world().etcd.cluster.leader() !== undefined, null, {
        timeout: 20_000,
      });
      await expect.poll(() => page.locator('.persist-notice', { hasText: 'could not be opened' }).count()).toBeGreaterThan(0);
      expect(await page.evaluate(() => window.__etcdShare!.state())).toBe('none');
      await run(page, 'etcdctl put still works', /^\s*OK\n\$/);
    }
    expect(pageErrors).toEqual([]);
  });

  it('markup in a link stays text: no element, no script runs', async () => {
    const hostile: Scenario = {
      etcdplay: 1,
      seed: 5,
      title: '<img src=x onerror="window.__pwned=1">',
      script: ['sleep 1', 'etcdctl put html "<script>window.__pwned=2</script><img src=x onerror=window.__pwned=3>"', 'etcdctl get html --print-value-only'],
    };
    await openLink(link(hostile));
    expect(await screenText(page)).toContain('<script>window.__pwned=2</script><img src=x onerror=window.__pwned=3>');
    expect(await page.locator('.persist-notice').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('<img src=x onerror=')]));
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('the scenario menu opens a shipped scenario', async () => {
    await page.getByRole('button', { name: 'Share' }).click();
    await Promise.all([page.waitForEvent('load'), page.locator('button[data-scenario="stale-serializable-read"]').click()]);
    await page.waitForFunction(() => window.__etcdShare?.state() === 'done', null, { timeout: 30_000 });
    await expect.poll(() => screenText(page), { timeout: 10_000 }).toMatch(/get balance --consistency=s\nbalance\n50\n/);
  });

  it('the embed shows one view and a terminal, and runs unsaved', async () => {
    await page.goto('about:blank');
    await page.goto(link(failover, '?embed=1&view=log'));
    await page.waitForFunction(() => window.__etcdShare?.state() === 'done', null, { timeout: 30_000 });
    expect(await page.locator('header').count()).toBe(0);
    expect(await page.locator('.embed .xterm-rows').count()).toBe(1);
    expect(await page.evaluate(() => window.__etcdPlayground)).toBeUndefined();
    expect(page.url()).toContain('#s='); // an embed keeps its link
    await expect.poll(() => screenText(page), { timeout: 10_000 }).toMatch(/get k --print-value-only\nv1\n/);
    expect(pageErrors).toEqual([]);
  });
});
