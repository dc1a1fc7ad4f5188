// etcd 3.4's linearizableReadLoop / linearizableReadNotify (v3_server.go):
// linearizable reads queue on the current notifier; one ReadIndex round at a
// time confirms leadership for all of them. A round ends when this member has
// applied up to the read index (the cluster's readIndex calls back only
// then), when the request timeout passes (ErrTimeout), when a new leader is
// seen (ErrLeaderChanged, retryable) or when the server stops. Reads that
// arrive during a round wait for the next one, as in etcd.
import { ErrDeadlineExceeded } from '../api/service.ts';
import type { TimerHandle } from '../cluster/cluster.ts';
import type { TxnRequest } from '../mvcc/rpc.ts';
import { ErrLeaderChanged, ErrStopped, ErrTimeout } from './request-errors.ts';

export type ReadDone = (err: string | undefined) => void;

/** What the loop needs from its server. */
export interface ReadHost {
  /** A fresh request ID: the round's context (8 bytes, big-endian, like etcd). */
  nextId(): string;
  /** Asks raft for a read index; cb once applied up to it (or with an error). */
  readIndex(ctx: Uint8Array, cb: (err: string | undefined) => void): void;
  after(ms: number, fn: () => void): TimerHandle | void;
  /** Drops a timer from after (a finished round's timeout). */
  cancel?(t: TimerHandle): void;
  requestTimeout(): number;
}

interface Round {
  waiters: ReadDone[];
  finished: boolean;
  timeout?: TimerHandle | void;
}

export class ReadLoop {
  /** etcd's readNotifier: the reads the next round will answer. */
  private next: ReadDone[] = [];
  private round: Round | undefined;
  /** A round is due to start once the current turn's reads have queued. */
  private starting = false;
  private stopped = false;

  constructor(private readonly h: ReadHost) {}

  /** linearizableReadNotify: done(undefined) once a read may be served locally. */
  notify(done: ReadDone): void {
    if (this.stopped) {
      done(ErrStopped);
      return;
    }
    this.next.push(done);
    this.scheduleRound();
  }

  /**
   * Starts the next round after the reads that arrive in this turn have
   * queued, so they share it (etcd's loop takes every read waiting on its
   * notifier): a member that answers its own ReadIndex at once would
   * otherwise run one round per read.
   */
  private scheduleRound(): void {
    if (this.round || this.starting) return;
    this.starting = true;
    this.h.after(0, () => {
      this.starting = false;
      if (!this.stopped && !this.round && this.next.length > 0) this.startRound();
    });
  }

  /** A new leader was seen: the round in flight fails with a retryable error. */
  leaderChanged(): void {
    if (this.round) this.finish(this.round, ErrLeaderChanged);
  }

  stop(): void {
    this.stopped = true;
    const pending = this.next;
    this.next = [];
    if (this.round) this.finish(this.round, ErrStopped);
    for (const d of pending) d(ErrStopped);
  }

  private startRound(): void {
    const round: Round = { waiters: this.next, finished: false };
    this.next = [];
    this.round = round;
    round.timeout = this.h.after(this.h.requestTimeout(), () => this.finish(round, ErrTimeout));
    this.h.readIndex(idContext(this.h.nextId()), (err) => this.finish(round, err));
  }

  private finish(round: Round, err: string | undefined): void {
    if (round.finished) return; // a late answer to a round that already ended
    round.finished = true;
    if (round.timeout && this.h.cancel) this.h.cancel(round.timeout);
    if (this.round === round) this.round = undefined;
    for (const d of round.waiters) d(err);
    if (!this.stopped && this.next.length > 0) this.scheduleRound();
  }
}

/** A hex request ID as the 8 big-endian bytes etcd sends as the read's context. */
function idContext(hex: string): Uint8Array {
  const out = new Uint8Array(8);
  const h = hex.padStart(16, '0');
  for (let i = 0; i < 8; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The timers notifyBefore needs: the cluster's clock. */
export interface DeadlineClock {
  now(): number;
  after(ms: number, fn: () => void): TimerHandle;
  cancel(t: TimerHandle): void;
}

/**
 * linearizableReadNotify with the caller's deadline: done() once the read may
 * be served, or with context.DeadlineExceeded at the deadline (etcd selects on
 * ctx.Done() beside the notifier). The round itself goes on for the reads
 * that still wait on it.
 */
export function notifyBefore(loop: ReadLoop, clock: DeadlineClock, done: ReadDone, deadline?: number): void {
  if (deadline === undefined) return loop.notify(done);
  let finished = false;
  const end = (err: string | undefined): void => {
    if (finished) return;
    finished = true;
    clock.cancel(timer);
    done(err);
  };
  const timer = clock.after(Math.max(0, deadline - clock.now()), () => end(ErrDeadlineExceeded));
  loop.notify(end);
}

/** isTxnSerializable (3.4): every op is a serializable range (so an empty txn is). */
export function isTxnSerializable(r: TxnRequest): boolean {
  return [...(r.success ?? []), ...(r.failure ?? [])].every((op) => op.requestRange?.serializable === true);
}
