// The real-time runner's shared stretch: calls queued with enterSoon in one
// turn of Node's loop run in order inside one stretch of simulation, so
// the barrier after it (the data dir's fdatasync) runs once for all of them.
import { afterEach, describe, expect, it } from 'vitest';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { RealtimeRunner } from '../../src/server/realtime.ts';

describe('RealtimeRunner.enterSoon', () => {
  let runner: RealtimeRunner | undefined;
  afterEach(() => runner?.stop());

  it('runs the calls of one turn in order, in one stretch with one barrier', async () => {
    const ec = new EtcdCluster({ seed: 7, nodes: 1, traceCapacity: 0 });
    runner = new RealtimeRunner(ec.cluster);
    let barriers = 0;
    runner.afterRun = () => barriers++;
    runner.start();
    const seen: { i: number; barriers: number; now: number }[] = [];
    for (let i = 0; i < 5; i++) runner.enterSoon(() => seen.push({ i, barriers, now: ec.cluster.now() }));
    expect(seen).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(seen.map((s) => s.i)).toEqual([0, 1, 2, 3, 4]);
    // Same barrier count and same virtual instant for all five: one stretch.
    expect(new Set(seen.map((s) => `${s.barriers}@${s.now}`)).size).toBe(1);
    expect(barriers).toBe(seen[0]!.barriers + 1);
    // A call queued in a later turn gets a stretch of its own.
    runner.enterSoon(() => seen.push({ i: 5, barriers, now: ec.cluster.now() }));
    await new Promise((r) => setImmediate(r));
    expect(seen[5]!.barriers).toBeGreaterThan(seen[0]!.barriers);
  });

  it('runs a burst in groups of at most maxGroup, each answered before the next runs', async () => {
    const ec = new EtcdCluster({ seed: 9, nodes: 1, traceCapacity: 0 });
    runner = new RealtimeRunner(ec.cluster, undefined, 32);
    let barriers = 0;
    runner.afterRun = () => barriers++;
    runner.start();
    const seen: { i: number; barriers: number; written: number }[] = [];
    // What a reply's write does: a microtask queued by the call.
    let written = 0;
    const call = (i: number) => () => {
      seen.push({ i, barriers, written });
      queueMicrotask(() => written++);
    };
    for (let i = 0; i < 70; i++) runner.enterSoon(call(i));
    await new Promise((r) => setImmediate(r));
    expect(seen.map((s) => s.i)).toEqual([...Array(32).keys()]);
    // Queued while the rest of the burst waits: runs after it.
    runner.enterSoon(call(70));
    for (let k = 0; k < 4; k++) await new Promise((r) => setImmediate(r));
    expect(seen.map((s) => s.i)).toEqual([...Array(71).keys()]);
    const group = (i: number): number => seen[i]!.barriers - seen[0]!.barriers;
    expect([group(0), group(31), group(32), group(63), group(64), group(70)]).toEqual([0, 0, 1, 1, 2, 2]);
    // Each group starts after the previous group's replies went out.
    expect([seen[32]!.written, seen[64]!.written]).toEqual([32, 64]);
  });

  it('keeps going after a call throws, and reports it', async () => {
    const ec = new EtcdCluster({ seed: 8, nodes: 1, traceCapacity: 0 });
    runner = new RealtimeRunner(ec.cluster);
    const errors: unknown[] = [];
    runner.onError = (e) => errors.push(e);
    runner.start();
    const ran: number[] = [];
    runner.enterSoon(() => ran.push(1));
    runner.enterSoon(() => {
      throw new Error('boom');
    });
    runner.enterSoon(() => ran.push(3));
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual([1, 3]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
  });
});
