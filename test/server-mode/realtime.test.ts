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
