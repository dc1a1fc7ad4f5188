// Frame time of the page in headless Chromium while 5 members animate on the
// cluster ring under 200 proposals a second: the gaps between animation
// frames (requestAnimationFrame timestamps) over a few seconds, as p50 and
// p95, and the renderer main thread's CPU time per frame (trace.ts), which
// says how much of a frame's budget the page itself uses on a busy machine.
import type { BrowserContext, Page } from 'playwright-core';
import { percentile, waitForLeader } from './browser.ts';
import { cpuPerFrame, startTrace } from './trace.ts';

export interface FrameFigures {
  p50: number;
  p95: number;
  frames: number;
  cpuP50: number;
  cpuP95: number;
  /** Puts acknowledged per second while frames were measured. */
  proposalsPerSec: number;
}

const RATE = 200;
const WARM_MS = 2000;
const MEASURE_MS = 6000;

/** Rebuilds the page's world with n members through the Set-up tab, then shows the ring. */
async function useMembers(page: Page, n: number): Promise<void> {
  await page.locator('[data-tab="setup"]').click();
  await page.locator(`input[name="nodes"][value="${n}"]`).check();
  await page.locator('form.setup button[type="submit"]').click();
  await page.locator('[data-tab="ring"]').click();
  await waitForLeader(page, n);
}

/** Starts puts at RATE per second to the leader from inside the page (paced by wall time). */
function startProposals(page: Page): Promise<void> {
  return page.evaluate((rate) => {
    const enc = new TextEncoder();
    const value = enc.encode('x'.repeat(32));
    const s = { issued: 0, acked: 0, errors: 0, stop: false };
    (window as unknown as { __benchPuts: typeof s }).__benchPuts = s;
    const t0 = performance.now();
    const tick = () => {
      if (s.stop) return;
      const w = window.__etcdPlayground!.world();
      const l = w.etcd.cluster.leader();
      const svc = l && w.etcd.connect(l.id);
      const due = Math.floor(((performance.now() - t0) / 1000) * rate);
      while (svc && s.issued < due) {
        const key = enc.encode(`bench/${s.issued++ % 500}`);
        svc.put({ key, value }, (err) => (err ? s.errors++ : s.acked++));
      }
      setTimeout(tick, 5);
    };
    tick();
  }, RATE);
}

export async function runFrameBench(context: BrowserContext, page: Page, url: string): Promise<FrameFigures> {
  await page.goto(url);
  await waitForLeader(page);
  await useMembers(page, 5);
  await startProposals(page);
  await page.waitForTimeout(WARM_MS);
  const trace = await startTrace(context, page);
  const r = await page.evaluate(
    (ms) =>
      new Promise<{ stamps: number[]; acked: number }>((done) => {
        const puts = (window as unknown as { __benchPuts: { acked: number; stop: boolean } }).__benchPuts;
        const acked0 = puts.acked;
        const stamps: number[] = [];
        const frame = (t: number) => {
          stamps.push(t);
          if (t - stamps[0]! < ms) requestAnimationFrame(frame);
          else {
            puts.stop = true;
            done({ stamps, acked: puts.acked - acked0 });
          }
        };
        requestAnimationFrame(frame);
      }),
    MEASURE_MS,
  );
  const cpu = cpuPerFrame(await trace.stop());
  const gaps = r.stamps.slice(1).map((t, i) => t - r.stamps[i]!);
  const span = (r.stamps[r.stamps.length - 1]! - r.stamps[0]!) / 1000;
  return {
    p50: percentile(gaps, 50),
    p95: percentile(gaps, 95),
    frames: gaps.length,
    cpuP50: percentile(cpu, 50),
    cpuP95: percentile(cpu, 95),
    proposalsPerSec: r.acked / span,
  };
}
