// The server-mode benchmark's workload, run with the etcd3 npm client on all
// of a target's endpoints: what an application's traffic looks like. Every
// call must succeed; a failure stops the run (a benchmark reports figures,
// it never hides wrong answers).
//
// The targets are measured in turns of a short slice each (ours, etcd, ours,
// ...) within every phase, not one whole run after the other: this host's
// speed drifts over seconds, and a slow stretch then falls on both sides
// alike instead of on whichever ran at the time.
import { Etcd3 } from 'etcd3';

const VALUE = 'v'.repeat(256);
const KEYS = 1000;

export interface PhaseFigures {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** The server's CPU time per operation: comparable even on a loaded machine. */
  serverCpuUsPerOp: number;
}

export type Phase = 'seqPuts' | 'puts64' | 'linearizableGets64' | 'serializableGets64' | 'watchLatency' | 'txnCas';

export const PHASES: readonly Phase[] = ['seqPuts', 'puts64', 'linearizableGets64', 'serializableGets64', 'watchLatency', 'txnCas'];

export const PHASE_LABELS: Record<Phase, string> = {
  seqPuts: 'sequential puts',
  puts64: 'puts, 64 in flight',
  linearizableGets64: 'linearizable gets, 64 in flight',
  serializableGets64: 'serializable gets, 64 in flight',
  watchLatency: 'watch latency put->event',
  txnCas: 'txn CAS (sequential)',
};

/** One cluster under test, as the workload sees it. */
export interface Side {
  endpoints: string[];
  /** The cluster's CPU clock, in ms. */
  cpuMs: () => number;
}

export interface Plan {
  phases: readonly Phase[];
  phaseMs: number;
  warmupMs: number;
  sliceMs: number;
  /**
   * An unmeasured pause after each slice: the work a server defers (etcd
   * commits its backend every 100 ms, with an fsync) then falls in its own
   * turn, not in the next side's.
   */
  gapMs: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Runs op from `workers` loops at once until durationMs has passed, then
 * lets the calls in flight finish; each call's latency.
 */
async function closedLoop(workers: number, durationMs: number, op: () => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        await op();
        latencies.push(performance.now() - s);
      }
    }),
  );
  return latencies;
}

/** A phase opened on one client: slices of it run in turns with the other targets'. */
interface OpenPhase {
  slice(ms: number): Promise<number[]>;
  close(): Promise<void>;
}

const key = (i: number): string => `bench/k${String(i % KEYS).padStart(4, '0')}`;

function loopPhase(workers: number, op: (i: number) => Promise<void>): OpenPhase {
  let n = 0;
  return { slice: (ms) => closedLoop(workers, ms, () => op(n++)), close: async () => {} };
}

/** put -> the watcher's event for that put, one at a time. */
async function watchLatency(c: Etcd3): Promise<OpenPhase> {
  const w = await c.watch().key('bench/watched').create();
  let waiting: { value: string; resolve: () => void } | undefined;
  w.on('put', (kv) => {
    if (waiting && kv.value.toString() === waiting.value) waiting.resolve();
  });
  const phase = loopPhase(1, async (i) => {
    const value = String(i);
    const seen = new Promise<void>((resolve) => (waiting = { value, resolve }));
    await c.put('bench/watched').value(value);
    await seen;
  });
  return { slice: phase.slice, close: () => w.cancel() };
}

/** Compare-and-swap increments of one counter: the txn compares the mod revision the last one made. */
async function txnCas(c: Etcd3): Promise<OpenPhase> {
  const start = await c.put('bench/counter').value('0').exec();
  let rev = start.header.revision;
  let value = 0;
  return loopPhase(1, async () => {
    const r = await c
      .if('bench/counter', 'Mod', '==', rev)
      .then(c.put('bench/counter').value(String(value + 1)))
      .commit();
    if (!r.succeeded) throw new Error(`txn CAS lost against nobody at revision ${rev}`);
    rev = r.header.revision;
    value++;
  });
}

async function openPhase(p: Phase, c: Etcd3): Promise<OpenPhase> {
  const put = async (i: number): Promise<void> => void (await c.put(key(i)).value(VALUE));
  const got = (v: string | null): void => {
    if (v !== VALUE) throw new Error(`get returned ${v === null ? 'nothing' : 'another value'}`);
  };
  switch (p) {
    case 'seqPuts':
      return loopPhase(1, put);
    case 'puts64':
      return loopPhase(64, put);
    case 'linearizableGets64':
      return loopPhase(64, async (i) => got(await c.get(key(i)).string()));
    case 'serializableGets64':
      return loopPhase(64, async (i) => got(await c.get(key(i)).serializable(true).string()));
    case 'watchLatency':
      return watchLatency(c);
    case 'txnCas':
      return txnCas(c);
  }
}

interface Tally {
  latencies: number[];
  wallMs: number;
  cpuMs: number;
}

/**
 * One phase on every side: warmupMs unmeasured (the JIT compiles our request
 * paths there, which otherwise costs the first seconds), then phaseMs each,
 * both in turns of sliceMs per side. A side's wall time is the sum of its
 * slices, each including the wait for its last calls.
 */
async function runPhase(p: Phase, clients: Etcd3[], sides: Side[], plan: Plan): Promise<PhaseFigures[]> {
  const open: OpenPhase[] = [];
  for (const c of clients) open.push(await openPhase(p, c));
  const tally: Tally[] = sides.map(() => ({ latencies: [], wallMs: 0, cpuMs: 0 }));
  const turns = async (totalMs: number, measured: boolean): Promise<void> => {
    for (let done = 0; done < totalMs; done += plan.sliceMs) {
      const ms = Math.min(plan.sliceMs, totalMs - done);
      for (let i = 0; i < sides.length; i++) {
        const cpu0 = sides[i]!.cpuMs();
        const t0 = performance.now();
        const latencies = await open[i]!.slice(ms);
        const wallMs = performance.now() - t0;
        await new Promise((r) => setTimeout(r, plan.gapMs));
        // The gap's CPU is the slice's own deferred work: counted with it.
        if (!measured) continue;
        const s = tally[i]!;
        s.wallMs += wallMs;
        s.cpuMs += sides[i]!.cpuMs() - cpu0;
        for (const l of latencies) s.latencies.push(l);
      }
    }
  };
  await turns(plan.warmupMs, false);
  await turns(plan.phaseMs, true);
  for (const o of open) await o.close();
  return tally.map(({ latencies, wallMs, cpuMs }) => {
    const s = latencies.sort((a, b) => a - b);
    const ops = Math.max(1, s.length);
    return { opsPerSec: s.length / (wallMs / 1000), p50Ms: quantile(s, 0.5), p99Ms: quantile(s, 0.99), serverCpuUsPerOp: (cpuMs * 1000) / ops };
  });
}

/** Every phase on every side, in turns; the figures of each side, in the order given. */
export async function runWorkload(sides: Side[], plan: Plan): Promise<Record<Phase, PhaseFigures>[]> {
  const clients = sides.map((s) => new Etcd3({ hosts: s.endpoints, defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + 30_000 }) }));
  const out = sides.map(() => ({}) as Record<Phase, PhaseFigures>);
  try {
    // Writes every key the gets read (and warms up the put path).
    for (const c of clients) {
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < KEYS) await c.put(key(next++)).value(VALUE);
        }),
      );
    }
    for (const p of plan.phases) {
      const figures = await runPhase(p, clients, sides, plan);
      figures.forEach((f, i) => (out[i]![p] = f));
    }
    return out;
  } finally {
    for (const c of clients) c.close();
  }
}
