// The endpoints a remote client dials, on the real clock: every endpoint
// string names itself (there is no member table to look names up in), and
// a connection to it exists once its gRPC channel is ready.
import type { EtcdEndpoints, EtcdService, TimerHandle } from '../../engine/api/service.ts';
import type { NodeId } from '../../engine/raft/types.ts';
import { RemoteEndpoint } from './endpoint.ts';
import type { ClientTLS } from './tls.ts';
import { type RemoteClock, RemoteService } from './service.ts';

const MAX_TIMER_MS = 2 ** 31 - 1;

interface Timer {
  t: ReturnType<typeof setTimeout> | undefined;
}

export class RemoteNet implements EtcdEndpoints, RemoteClock {
  private readonly dialed = new Map<string, { ep: RemoteEndpoint; svc: RemoteService }>();

  /** tls: etcdctl's certificate flags, for every endpoint dialed. */
  constructor(private readonly tls?: ClientTLS) {}

  /** Monotonic milliseconds. */
  now(): number {
    return performance.now();
  }

  /** The wall-clock time (epoch ms) of a moment on this clock, for gRPC deadlines. */
  epochAt(at: number): number {
    return Date.now() + (at - this.now());
  }

  after(ms: number, fn: () => void): TimerHandle {
    const h: Timer = { t: undefined };
    const arm = (left: number): void => {
      // Node's timers hold at most 2^31-1 ms; longer waits (calls without a deadline) go in steps.
      const step = Math.min(Math.max(0, left), MAX_TIMER_MS);
      h.t = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : fn()), step);
    };
    arm(ms);
    return h;
  }

  cancel(t: TimerHandle): void {
    clearTimeout((t as Timer).t);
  }

  /** An endpoint is its own ID; naming it starts dialing it. */
  resolve(endpoint: string): NodeId | undefined {
    this.dial(endpoint);
    return endpoint;
  }

  connect(id: NodeId): EtcdService | undefined {
    const d = this.dial(id);
    return d.ep.ready() ? d.svc : undefined;
  }

  private dial(endpoint: string): { ep: RemoteEndpoint; svc: RemoteService } {
    let d = this.dialed.get(endpoint);
    if (!d) {
      const ep = new RemoteEndpoint(endpoint, this.tls);
      d = { ep, svc: new RemoteService(ep, this) };
      this.dialed.set(endpoint, d);
    }
    return d;
  }

  /** Closes every channel (the process is done). */
  close(): void {
    for (const d of this.dialed.values()) d.ep.close();
    this.dialed.clear();
  }
}
