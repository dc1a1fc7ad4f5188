// Restoring a saved playground of 10,000 keys: put them through the page's
// world, let the page save (IndexedDB), reload, and time from the reload's
// navigation start until the restored world is there and a frame has been
// drawn with it, and the main thread's CPU time for it (trace.ts). The first leader after the restart comes an election timeout
// later (virtual time), reported beside it; the keys are counted after it.
import type { BrowserContext, Page } from 'playwright-core';
import { waitForLeader } from './browser.ts';
import { mainThreadCpu, startTrace } from './trace.ts';

export interface RestoreFigures {
  keys: number;
  /** Navigation start to the restored world's first frame. */
  restoredMs: number;
  /** Navigation start to the first leader of the restored cluster. */
  leaderMs: number;
  /** The renderer main thread's CPU time from the reload to the restored world (load, parse, read, decode, rebuild). */
  cpuMs: number;
}

const KEYS = 10_000;

function putKeys(page: Page, n: number): Promise<void> {
  return page.evaluate(
    (count) =>
      new Promise<void>((done, fail) => {
        const enc = new TextEncoder();
        const w = window.__etcdPlayground!.world();
        let issued = 0;
        let acked = 0;
        const pump = () => {
          const l = w.etcd.cluster.leader();
          const svc = l && w.etcd.connect(l.id);
          while (svc && issued < count && issued - acked < 500) {
            const i = issued++;
            svc.put({ key: enc.encode(`key/${String(i).padStart(6, '0')}`), value: enc.encode(`value-${i}`) }, (err) => {
              if (err) fail(new Error(`put: ${err.message}`));
              else if (++acked === count) done();
            });
          }
          if (acked < count) setTimeout(pump, 10);
        };
        pump();
      }),
    n,
  );
}

/** How many keys a member's store holds under key/ (a serializable count). */
function countKeys(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((done, fail) => {
        const enc = new TextEncoder();
        const w = window.__etcdPlayground!.world();
        const svc = w.etcd.connect(w.etcd.cluster.leader()!.id)!;
        svc.range({ key: enc.encode('key/'), rangeEnd: enc.encode('key0'), countOnly: true, serializable: true }, (err, r) =>
          err ? fail(new Error(err.message)) : done(r!.count),
        );
      }),
  );
}

export async function runRestoreBench(context: BrowserContext, page: Page, url: string): Promise<RestoreFigures> {
  await page.goto(url);
  await waitForLeader(page);
  await putKeys(page, KEYS);
  await page.evaluate(() => window.__etcdPlayground!.flush());
  const trace = await startTrace(context, page);
  await page.reload({ waitUntil: 'commit' });
  // Checked every frame: the first frame that sees the restored world stamps the time.
  await page.waitForFunction(
    () => {
      const h = window.__etcdPlayground;
      if (!h) return false;
      if (h.origin !== 'restored') throw new Error(`the playground was not restored: ${h.origin}`);
      (window as unknown as { __restoredAt: number }).__restoredAt ??= performance.now();
      return true;
    },
    null,
    { polling: 'raf', timeout: 60_000 },
  );
  const cpuMs = mainThreadCpu(await trace.stop());
  await page.waitForFunction(
    () => {
      const stamp = window as unknown as { __leaderAt?: number };
      if (window.__etcdPlayground!.world().etcd.cluster.leader() === undefined) return false;
      stamp.__leaderAt ??= performance.now();
      return true;
    },
    null,
    { polling: 'raf', timeout: 60_000 },
  );
  await waitForLeader(page);
  const keys = await countKeys(page);
  if (keys !== KEYS) throw new Error(`ui bench: ${keys} keys after the restore, want ${KEYS}`);
  const t = await page.evaluate(() => {
    const w = window as unknown as { __restoredAt: number; __leaderAt: number };
    return { restored: w.__restoredAt, leader: w.__leaderAt };
  });
  return { keys, restoredMs: t.restored, leaderMs: t.leader, cpuMs };
}
