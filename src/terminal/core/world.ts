// The world etcdctl processes run in: the simulated etcd cluster, a virtual
// file system, and the bridge between the engine's callbacks (virtual time)
// and the commands' async code. Commands await promises; the engine stays
// synchronous. Whoever drives time (the corpus runner, the page's realtime
// driver) calls `runUntil`, which lets every promise continuation that an
// engine event unblocked run before the next event, so a run is as
// deterministic as the engine under it.
import type { EtcdEndpoints } from '../../engine/api/service.ts';
import type { EtcdCluster } from '../../engine/server/etcd-cluster.ts';
import { Machine } from './machine.ts';
import { VirtualFS } from './vfs.ts';

/**
 * Lets queued microtasks (promise continuations) run: one macrotask turn.
 * Node has setImmediate; browsers clamp nested setTimeout(0) to 4 ms, so
 * there a MessageChannel round trip is the cheap turn.
 */
function macrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => void; MessageChannel?: typeof MessageChannel };
  if (g.setImmediate) return new Promise((r) => g.setImmediate!(r));
  if (g.MessageChannel) {
    return new Promise((r) => {
      const ch = new g.MessageChannel!();
      ch.port1.onmessage = () => {
        ch.port1.close();
        r();
      };
      ch.port2.postMessage(0);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

export class World extends Machine {
  readonly fs = new VirtualFS();

  constructor(public etcd: EtcdCluster) {
    super();
  }

  get net(): EtcdEndpoints {
    return this.etcd;
  }

  /** The cluster's wall clock: its start epoch plus its virtual time. */
  unixMillis(): number {
    const c = this.etcd.cluster;
    const now = c.now();
    return (c.unixNow() - Math.floor(now / 1000)) * 1000 + now;
  }

  /** Lets pending continuations run (they may schedule engine work). */
  async settle(): Promise<void> {
    // Continuations may resolve more promises; repeat until quiet.
    do {
      this.unsettled = 0;
      await macrotask();
    } while (this.unsettled > 0);
  }

  /**
   * Runs the simulation until done() holds or virtual time reaches deadline
   * (absolute ms). Continuations run after every event that resolved one.
   */
  async runUntil(done: () => boolean, deadline: number): Promise<boolean> {
    await this.settle();
    for (;;) {
      if (done()) return true;
      const next = this.etcd.cluster.nextEventTime();
      if (next === undefined || next > deadline) {
        this.etcd.cluster.advanceTo(Math.max(deadline, this.now()));
        await this.settle();
        return done();
      }
      this.etcd.cluster.step();
      if (this.unsettled > 0) await this.settle();
    }
  }

  /** Runs the simulation for ms of virtual time. */
  async advance(ms: number): Promise<void> {
    await this.runUntil(() => false, this.now() + ms);
  }
}
