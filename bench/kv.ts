// Client-level KV and watch benchmark on a 3-member simulated cluster with a
// zero-latency network: everything goes through the clientv3-like Client,
// the members' request path, raft and apply, in virtual time, measured in
// wall time.
//
// - kv.nodes3.putsPerSec: many puts in flight at once (batched into raft),
//   until all are answered;
// - kv.nodes3.linearizableGetsPerSec: many ReadIndex reads in flight at once;
// - watch.eventsPerSec1000Watchers: 1000 client watches on one prefix, each
//   put's event delivered to all of them; events received per second.
//
// Each figure is the median of three runs on fresh clusters, after a shorter
// run whose figure is dropped: the first thousands of calls run before the
// JIT has compiled the request path. runKvBench() returns the figures;
// `npx tsx bench/kv.ts` runs it alone (add --json).
import { pathToFileURL } from 'node:url';
import { Client, prefixEnd } from '../src/engine/client/index.ts';
import { EtcdCluster } from '../src/engine/server/index.ts';
import { fmtInt, nowMs } from './util.ts';

const encoder = new TextEncoder();
const VALUE = new Uint8Array(256).fill(98);

/** A 3-member cluster with a leader whose lessor is promoted, and a client on all three endpoints. */
function setup(seed: number): { ec: EtcdCluster; c: Client } {
  const ec = new EtcdCluster({ seed, nodes: 3, network: { latencyMin: 0, latencyMax: 0 }, snapshotCount: 100_000, snapshotCatchUpEntries: 5000, traceCapacity: 0 });
  if (!ec.cluster.runUntil(() => ec.leaderServer()?.sm.lessor.isPrimary() === true, 10_000)) throw new Error('kv bench: no leader');
  const leader = ec.leaderServer()!;
  // Pin the client to the leader: no forwarding hop (as etcd's clients end up doing under load, one hop or not).
  const c = new Client(ec, { endpoints: [leader.id, ...ec.ids().filter((id) => id !== leader.id)] });
  return { ec, c };
}

/** Runs n calls with up to `inflight` outstanding; returns calls per wall second. */
function pump(ec: EtcdCluster, n: number, inflight: number, issue: (i: number, done: () => void) => void): number {
  let issued = 0;
  let finished = 0;
  const next = (): void => {
    while (issued < n && issued - finished < inflight) {
      const i = issued++;
      issue(i, () => {
        finished++;
      });
    }
  };
  const t0 = nowMs();
  while (finished < n) {
    next();
    if (!ec.cluster.runUntil(() => finished === n || (issued < n && issued - finished < inflight / 2), 60_000)) throw new Error(`kv bench: stuck at ${finished}/${n}`);
  }
  return n / ((nowMs() - t0) / 1000);
}

function putsPerSec(n = 100_000): number {
  const { ec, c } = setup(11);
  const keys = Array.from({ length: 10_000 }, (_, i) => encoder.encode(`key${String(i).padStart(6, '0')}`));
  return pump(ec, n, 2000, (i, done) =>
    c.put({ key: keys[i % keys.length]!, value: VALUE }, (err) => {
      if (err) throw new Error(`kv bench put: ${err.message}`);
      done();
    }),
  );
}

function linearizableGetsPerSec(n = 100_000): number {
  const { ec, c } = setup(12);
  const key = encoder.encode('key');
  let ok = false;
  c.put({ key, value: VALUE }, () => (ok = true));
  ec.cluster.runUntil(() => ok, 10_000);
  return pump(ec, n, 2000, (_, done) =>
    c.get({ key }, (err, resp) => {
      if (err || resp!.kvs.length !== 1) throw new Error(`kv bench get: ${err?.message}`);
      done();
    }),
  );
}

function watchEventsPerSec(watchers = 1000, puts = 200): number {
  const { ec, c } = setup(13);
  const prefix = encoder.encode('w/');
  let events = 0;
  for (let i = 0; i < watchers; i++) c.watch({ key: prefix, rangeEnd: prefixEnd(prefix) }, (r) => (events += r.events.length));
  ec.cluster.advance(10);
  const want = watchers * puts;
  const t0 = nowMs();
  let done = 0;
  for (let i = 0; i < puts; i++) c.put({ key: encoder.encode(`w/${i}`), value: VALUE }, () => done++);
  if (!ec.cluster.runUntil(() => events === want && done === puts, 60_000)) throw new Error(`watch bench: ${events}/${want} events`);
  return want / ((nowMs() - t0) / 1000);
}

/** One figure alone, with a smaller count (profiling). */
export function runKvBenchPart(name: string, n: number): number {
  if (name === 'puts') return putsPerSec(n);
  if (name === 'gets') return linearizableGetsPerSec(n);
  return watchEventsPerSec(1000, n);
}

/** The median of `rounds` runs of fn, after one shorter run whose figure is dropped (the JIT's warm-up). */
function steady(fn: (n?: number) => number, warmN: number, rounds = 3): number {
  fn(warmN);
  const figures = Array.from({ length: rounds }, () => fn()).sort((a, b) => a - b);
  return figures[Math.floor(rounds / 2)]!;
}

export function runKvBench(): Record<string, number> {
  return {
    'kv.nodes3.putsPerSec': Math.round(steady(putsPerSec, 20_000)),
    'kv.nodes3.linearizableGetsPerSec': Math.round(steady(linearizableGetsPerSec, 20_000)),
    'watch.eventsPerSec1000Watchers': Math.round(steady((n) => watchEventsPerSec(1000, n), 40)),
  };
}

/** The human-readable lines for runKvBench's figures. */
export function describeKvBench(out: Record<string, number>): string[] {
  return [
    `kv puts (3 nodes):        ${fmtInt(out['kv.nodes3.putsPerSec']!).padStart(9)} puts/s (client, 2000 in flight, 256-byte values; median of 3 after a warm-up)`,
    `kv linearizable gets:     ${fmtInt(out['kv.nodes3.linearizableGetsPerSec']!).padStart(9)} gets/s (client, 2000 in flight; median of 3 after a warm-up)`,
    `watch events (1000 w):    ${fmtInt(out['watch.eventsPerSec1000Watchers']!).padStart(9)} events/s (1000 watches on one prefix; median of 3 after a warm-up)`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const json = process.argv.slice(2).includes('--json');
  const out = runKvBench();
  if (json) console.log(JSON.stringify(out));
  else for (const line of describeKvBench(out)) console.log(line);
}
