// The renderer main thread's CPU time from a Chrome trace: each task's
// thread time (tdur, not wall time), per frame (summed between one frame's
// start and the next) or in all. Unlike wall-clock figures, it barely moves
// when other processes compete for the machine's cores.
import type { BrowserContext, Page } from 'playwright-core';

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
}

export interface Trace {
  /** Ends the trace; its complete events. */
  stop(): Promise<TraceEvent[]>;
}

/** Starts tracing the page (it may reload meanwhile). */
export async function startTrace(context: BrowserContext, page: Page): Promise<Trace> {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => {
    for (const e of d.value as unknown as TraceEvent[]) events.push(e);
  });
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  return {
    stop: async () => {
      const done = new Promise<void>((ok) => cdp.once('Tracing.tracingComplete', () => ok()));
      await cdp.send('Tracing.end');
      await done;
      await cdp.detach();
      return events;
    },
  };
}

const isTask = (e: TraceEvent) => e.ph === 'X' && e.name === 'RunTask';

/** CPU ms of all the tasks of the renderer's main thread (the one that ran the most script). */
export function mainThreadCpu(events: readonly TraceEvent[]): number {
  const script = new Map<string, number>();
  for (const e of events) if (e.ph === 'X' && e.name === 'FunctionCall') script.set(`${e.pid}:${e.tid}`, (script.get(`${e.pid}:${e.tid}`) ?? 0) + (e.tdur ?? 0));
  const main = [...script].sort((a, b) => b[1] - a[1])[0]?.[0];
  return events.filter((e) => isTask(e) && `${e.pid}:${e.tid}` === main).reduce((sum, e) => sum + (e.tdur ?? e.dur ?? 0) / 1000, 0);
}

/** CPU ms of the renderer main thread per interval between animation frames. */
export function cpuPerFrame(events: readonly TraceEvent[]): number[] {
  // The main thread is the one that runs the page's animation frames.
  const callbacks = events.filter((e) => e.ph === 'X' && e.name === 'FireAnimationFrame');
  if (callbacks.length < 2) return [];
  const main = `${callbacks[0]!.pid}:${callbacks[0]!.tid}`;
  // Several requestAnimationFrame callbacks run in one frame: a frame starts at the first of a close run.
  const starts: number[] = [];
  for (const e of callbacks.filter((c) => `${c.pid}:${c.tid}` === main).sort((a, b) => a.ts - b.ts)) {
    const last = starts[starts.length - 1];
    if (last === undefined || e.ts - last > 4000) starts.push(e.ts);
  }
  const tasks = events.filter((e) => isTask(e) && `${e.pid}:${e.tid}` === main);
  const per = new Array<number>(Math.max(0, starts.length - 1)).fill(0);
  for (const t of tasks) {
    // By its end: the task that runs a frame's callbacks ends inside that frame's interval.
    const end = t.ts + (t.dur ?? 0);
    let lo = 0;
    let hi = starts.length - 1;
    if (end < starts[0]! || end >= starts[hi]!) continue;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= end) lo = mid;
      else hi = mid;
    }
    per[lo]! += (t.tdur ?? t.dur ?? 0) / 1000;
  }
  return per;
}
