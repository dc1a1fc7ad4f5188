// One client call in flight (ClientCore.run): its deadline, its attempts
// (retries of repeatable calls on Unavailable, as clientv3's retry
// interceptor does) and its one token renewal.
import type { Callback, EtcdEndpoints, EtcdService, RequestError, TimerHandle } from '../api/service.ts';
import { ErrDeadlineExceeded } from '../api/service.ts';
import { ErrInvalidAuthToken } from '../auth/errors.ts';
import type { DeadlineQueue } from '../util/deadlines.ts';
import type { ClientCredentials } from './auth.ts';

/** clientv3's defaultBackoffWaitBetween: the pause before a retry (without its jitter). */
export const RETRY_BACKOFF_MS = 25;
/** clientv3's defaultUnaryMaxRetries: a call is sent at most this many times. */
export const MAX_UNARY_ATTEMPTS = 100;

/**
 * Something a call did to one member, sending the client's token; cb is its
 * completion. req is the call's request, for invokers shared by every call
 * of a kind (no closure per call).
 */
export type Invoke<T, R = unknown> = (s: EtcdService, cb: Callback<T>, token: string | undefined, req: R) => void;

/** A client's queue of its calls' deadlines. */
export type CallDeadlines = DeadlineQueue<{ done: boolean; expire(): void }>;

/** What a call needs of its client. */
export interface CallHost {
  readonly net: EtcdEndpoints;
  readonly deadlines: CallDeadlines;
  /** The pinned endpoint's connection, failing over to the next one up. */
  pick(): EtcdService | undefined;
}

/**
 * One call in flight. An object rather than a nest of closures, as it is made for
 * every request. Its deadline waits in the client's queue of deadlines (or,
 * when it falls before one queued already, a timer of its own, cancelled
 * when the call ends).
 */
export class PendingCall<T> {
  done = false;
  private renewed = false;
  private attempts = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly core: CallHost,
    /** Where to send it; undefined: the pinned endpoint (core.pick()). */
    private readonly target: (() => EtcdService | undefined) | undefined,
    private readonly invoke: Invoke<T, never>,
    /** What invoke sends (undefined for invokers that carry their own). */
    private readonly req: unknown,
    private readonly repeatable: boolean,
    private readonly cb: Callback<T>,
    private readonly deadline: number,
    private readonly creds: ClientCredentials | undefined,
  ) {}

  start(): void {
    const ec = this.core.net;
    if (!this.core.deadlines.add(this, this.deadline)) this.timer = ec.after(this.deadline - ec.now(), () => this.expire());
    if (this.creds) this.creds.dial(this.deadline, (err) => (err ? this.finish(err) : this.attempt()));
    else this.attempt();
  }

  /** The deadline passed. */
  expire(): void {
    this.finish({ message: ErrDeadlineExceeded, code: 'DeadlineExceeded' });
  }

  private finish(err: RequestError | undefined, resp?: T): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) this.core.net.cancel(this.timer);
    else this.core.deadlines.settle();
    this.cb(err, resp);
  }

  private attempt(): void {
    if (this.done) return;
    const ec = this.core.net;
    const s = this.target === undefined ? this.core.pick() : this.target();
    if (!s) {
      // No connection: gRPC waits for one until the deadline.
      if (ec.now() + RETRY_BACKOFF_MS < this.deadline) ec.after(RETRY_BACKOFF_MS, () => this.attempt());
      return;
    }
    this.attempts++;
    // The member learns when this call gives up, so it stops waiting then too.
    const svc = s.withDeadline?.(this.deadline) ?? s;
    (this.invoke as Invoke<T>)(svc, (err, resp) => this.reply(err, resp), this.creds?.token, this.req);
  }

  private reply(err: RequestError | undefined, resp: T | undefined): void {
    if (this.done) return;
    const ec = this.core.net;
    if (err?.message === ErrInvalidAuthToken && this.creds && !this.renewed) {
      this.renewed = true;
      this.creds.getToken(this.deadline, (gterr) => (gterr ? this.finish(gterr) : this.attempt()));
      return;
    }
    if (err?.code === 'Unavailable' && this.repeatable && this.attempts < MAX_UNARY_ATTEMPTS && ec.now() + RETRY_BACKOFF_MS < this.deadline) {
      ec.after(RETRY_BACKOFF_MS, () => this.attempt());
      return;
    }
    this.finish(err, resp);
  }
}
