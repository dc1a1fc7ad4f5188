// The page's benchmarks: frame time in headless Chromium with 5 members
// animating under 200 proposals/s, the gzip size of the first JS download,
// and the time to restore a 10,000-key playground after a reload. Targets:
// p95 frame ≤ 18 ms, ≤ 200 KB gzip, restore < 1 s.
import { loadavg } from 'node:os';
import { initialJs } from './bundle.ts';
import { chromiumMissing, openUiBench } from './browser.ts';
import { runFrameBench } from './frames.ts';
import { runRestoreBench } from './restore.ts';

export type UiFigures = Record<string, number>;

export async function runUiBench(): Promise<UiFigures | string> {
  const missing = chromiumMissing();
  if (missing) return missing;
  const b = await openUiBench();
  try {
    const out: UiFigures = {};
    const js = initialJs(b.site.dir);
    out['ui.initialJsGzipBytes'] = js.gzipBytes;
    out['ui.initialJsBytes'] = js.rawBytes;
    out['ui.initialJsChunks'] = js.chunks.length;

    const f = await b.page();
    const frames = await runFrameBench(f.context, f.page, `${b.site.url}?seed=7`);
    await f.context.close();
    out['ui.frameP50Ms'] = round1(frames.p50);
    out['ui.frameP95Ms'] = round1(frames.p95);
    out['ui.frames'] = frames.frames;
    out['ui.frameCpuP50Ms'] = round1(frames.cpuP50);
    out['ui.frameCpuP95Ms'] = round1(frames.cpuP95);
    // Frame gaps depend on what else the machine runs: the load average says how busy it was.
    out['ui.loadAvg1m'] = round1(loadavg()[0]!);
    out['ui.frameBench.proposalsPerSec'] = Math.round(frames.proposalsPerSec);

    const r = await b.page();
    const restore = await runRestoreBench(r.context, r.page, `${b.site.url}?seed=9`);
    await r.context.close();
    out['ui.restore10kKeysMs'] = Math.round(restore.restoredMs);
    out['ui.restore10kKeysLeaderMs'] = Math.round(restore.leaderMs);
    out['ui.restore10kKeysCpuMs'] = Math.round(restore.cpuMs);
    return out;
  } finally {
    await b.close();
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function describeUiBench(o: UiFigures): string[] {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  return [
    `ui initial JS: ${kb(o['ui.initialJsGzipBytes']!)} gzip (${kb(o['ui.initialJsBytes']!)} raw, ${o['ui.initialJsChunks']} chunks; target ≤ 200 KB)`,
    `ui frames, 5 members at ${o['ui.frameBench.proposalsPerSec']} proposals/s: p50 ${o['ui.frameP50Ms']} ms, p95 ${o['ui.frameP95Ms']} ms over ${o['ui.frames']} frames (target p95 ≤ 18 ms; load average ${o['ui.loadAvg1m']})`,
    `ui main-thread CPU per frame: p50 ${o['ui.frameCpuP50Ms']} ms, p95 ${o['ui.frameCpuP95Ms']} ms`,
    `ui restore of 10k keys after a reload: ${o['ui.restore10kKeysMs']} ms to the restored page (target < 1 s; main-thread CPU ${o['ui.restore10kKeysCpuMs']} ms), first leader at ${o['ui.restore10kKeysLeaderMs']} ms`,
  ];
}
