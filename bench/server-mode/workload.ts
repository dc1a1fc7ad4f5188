// The server-mode benchmark's workload, run with the etcd3 npm client on all
// of a target's endpoints: what an application's traffic looks like, each
// phase for a fixed wall time. Every call must succeed; a failure stops the
// run (a benchmark reports figures, it never hides wrong answers).
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

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

type Figures = Omit<PhaseFigures, 'serverCpuUsPerOp'> & { ops: number };

function figures(latencies: number[], wallMs: number): Figures {
  const s = [...latencies].sort((a, b) => a - b);
  return { ops: latencies.length, opsPerSec: latencies.length / (wallMs / 1000), p50Ms: quantile(s, 0.5), p99Ms: quantile(s, 0.99) };
}

/** Runs op from `workers` loops at once until durationMs has passed; each call's latency. */
async function closedLoop(workers: number, durationMs: number, op: (i: number) => Promise<void>): Promise<Figures> {
  const latencies: number[] = [];
  let n = 0;
  const t0 = performance.now();
  const end = t0 + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        await op(n++);
        latencies.push(performance.now() - s);
      }
    }),
  );
  return figures(latencies, performance.now() - t0);
}

const key = (i: number): string => `bench/k${String(i % KEYS).padStart(4, '0')}`;

/** put -> the watcher's event for that put, one at a time. */
async function watchLatency(c: Etcd3, durationMs: number): Promise<Figures> {
  const w = await c.watch().key('bench/watched').create();
  let waiting: { value: string; resolve: () => void } | undefined;
  w.on('put', (kv) => {
    if (waiting && kv.value.toString() === waiting.value) waiting.resolve();
  });
  try {
    return await closedLoop(1, durationMs, async (i) => {
      const value = String(i);
      const seen = new Promise<void>((resolve) => (waiting = { value, resolve }));
      await c.put('bench/watched').value(value);
      await seen;
    });
  } finally {
    await w.cancel();
  }
}

/** Compare-and-swap increments of one counter: the txn compares the mod revision the last one made. */
async function txnCas(c: Etcd3, durationMs: number): Promise<Figures> {
  const start = await c.put('bench/counter').value('0').exec();
  let rev = start.header.revision;
  let value = 0;
  return closedLoop(1, durationMs, async () => {
    const r = await c
      .if('bench/counter', 'Mod', '==', rev)
      .then(c.put('bench/counter').value(String(value + 1)))
      .commit();
    if (!r.succeeded) throw new Error(`txn CAS lost against nobody at revision ${rev}`);
    rev = r.header.revision;
    value++;
  });
}

/**
 * Every phase against endpoints, phaseMs each; serverCpuMs reads the
 * server's CPU clock. Before the measured run, every phase runs for warmupMs
 * unmeasured: both servers are then measured in their steady state (for
 * ours, after the JIT compiled the request paths, which otherwise costs the
 * first second of each phase).
 */
export async function runWorkload(endpoints: string[], phaseMs: number, serverCpuMs: () => number, warmupMs = 0): Promise<Record<Phase, PhaseFigures>> {
  const c = new Etcd3({ hosts: endpoints, defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + 30_000 }) });
  const out = {} as Record<Phase, PhaseFigures>;
  let measuring = false;
  const phase = async (p: Phase, run: () => Promise<Figures>): Promise<void> => {
    const cpu0 = serverCpuMs();
    const f = await run();
    if (measuring) out[p] = { opsPerSec: f.opsPerSec, p50Ms: f.p50Ms, p99Ms: f.p99Ms, serverCpuUsPerOp: ((serverCpuMs() - cpu0) * 1000) / Math.max(1, f.ops) };
  };
  try {
    // Warm-up that also writes every key the gets read.
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < KEYS) await c.put(key(next++)).value(VALUE);
      }),
    );
    const put = async (i: number): Promise<void> => void (await c.put(key(i)).value(VALUE));
    const got = async (v: string | null): Promise<void> => {
      if (v !== VALUE) throw new Error(`get returned ${v === null ? 'nothing' : 'another value'}`);
    };
    const phases = async (ms: number): Promise<void> => {
      await phase('seqPuts', () => closedLoop(1, ms, put));
      await phase('puts64', () => closedLoop(64, ms, put));
      await phase('linearizableGets64', () => closedLoop(64, ms, async (i) => got(await c.get(key(i)).string())));
      await phase('serializableGets64', () => closedLoop(64, ms, async (i) => got(await c.get(key(i)).serializable(true).string())));
      await phase('watchLatency', () => watchLatency(c, ms));
      await phase('txnCas', () => txnCas(c, ms));
    };
    if (warmupMs > 0) await phases(warmupMs);
    measuring = true;
    await phases(phaseMs);
    return out;
  } finally {
    c.close();
  }
}
