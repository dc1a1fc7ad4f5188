// The cluster's stand-in for etcd's rafthttp: carries raft messages between
// simulated nodes over the Network, as events on the cluster's event loop,
// and reports broken connections and snapshot outcomes back to raft.
import type { Message, NodeId } from '../raft/types.ts';
import type { Timed } from '../util/heap.ts';
import type { EventLoop } from './eventloop.ts';
import type { DropReason, Network } from './network.ts';
import type { SimNode } from './node.ts';
import type { MessageRecord, Trace } from './trace.ts';

export const EV_DELIVER = 0;
export const EV_TICK = 1;
export const EV_ACTION = 2;

/** One event shape for all kinds keeps the queue monomorphic (and the hot path cheap). */
export interface SimEvent extends Timed {
  kind: number;
  node: NodeId;
  epoch: number;
  msg: Message | undefined;
  /** Trace id of the message (see MessageRecord.mid). */
  mid: number;
  fn: (() => void) | undefined;
}

/** A scheduled action (an EV_ACTION event), as Cluster.at() hands it out. */
export type TimerHandle = object;

function noop(): void {}

/**
 * The action will not run, and what its closure holds is freed now rather
 * than at its time (a call's deadline outlives the call by seconds). The
 * event stays queued as a no-op until the loop sweeps canceled events out
 * (EventLoop.noteCanceled), at points fixed by the run, so runs stay
 * reproducible.
 */
export function cancelAction(t: TimerHandle): void {
  (t as SimEvent).fn = noop;
}

/** Whether an event is a canceled action (the loop may drop it unrun). */
export function isCanceled(e: SimEvent): boolean {
  return e.fn === noop;
}

/** A frozen process's peers keep a bounded send buffer (etcd's peer streams buffer 4096 messages). */
export const PAUSED_INBOX_LIMIT = 4096;

export class Transport {
  private mid = 0;
  private readonly routeBuf: number[] = [0, 0];

  constructor(
    private readonly loop: EventLoop<SimEvent>,
    private readonly network: Network,
    private readonly trace: Trace,
    private readonly nodes: Map<NodeId, SimNode>,
    /** Members whose removal some node applied: nodes that applied it refuse their messages. */
    private readonly removed: Set<NodeId>,
    /** A removed member was refused by a peer that knows of its removal: it learns it is out. */
    private readonly onRefusedRemoved: (id: NodeId) => void = () => {},
  ) {}

  send(from: SimNode, m: Message): void {
    const mid = this.mid++;
    const now = this.loop.now();
    if (this.trace.on) this.trace.push({ t: now, kind: 'send', ...summarize(m, mid) });
    const buf = this.routeBuf;
    const r = this.network.route(from.id, m.to, now, buf);
    if (typeof r === 'string') {
      this.drop(m, mid, r);
      return;
    }
    // A forwarded client proposal travels once: etcd's peer streams are TCP, and a
    // duplicated MsgProp would append (and apply) one request twice.
    const copies = m.type === 'MsgProp' ? Math.min(r, 1) : r;
    for (let i = 0; i < copies; i++) this.schedule(buf[i]!, m, mid);
  }

  /** Queues a delivery of m at time t. */
  schedule(t: number, m: Message, mid: number): void {
    this.loop.push({ time: t, seq: 0, kind: EV_DELIVER, node: m.to, epoch: 0, msg: m, mid, fn: undefined });
  }

  deliver(m: Message, mid: number): void {
    const to = this.nodes.get(m.to);
    if (!to) return this.drop(m, mid, 'unknown-node');
    if (to.life === 'crashed' || to.life === 'stopped') return this.drop(m, mid, 'node-down');
    // Messages in flight when a partition starts are lost with the connection.
    const b = this.network.blocked(m.from, m.to);
    if (b !== undefined) return this.drop(m, mid, b);
    // Like etcd's rafthttp (IsIDRemoved), the receiver refuses a member once
    // it has applied that member's removal itself, not before.
    if (this.removed.has(m.from) && !to.confState.voters.includes(m.from) && !to.confState.learners.includes(m.from)) {
      this.drop(m, mid, 'removed-member');
      // etcd's rafthttp answers 410 Gone; the removed member then stops itself.
      this.onRefusedRemoved(m.from);
      return;
    }
    if (to.life === 'paused') {
      if (to.inbox.length >= PAUSED_INBOX_LIMIT) return this.drop(m, mid, 'paused-buffer-full');
      to.inbox.push({ m, mid });
      return;
    }
    if (this.trace.on) this.trace.push({ t: this.loop.now(), kind: 'deliver', ...summarize(m, mid) });
    to.receive(m);
    // etcd's snapshot sender reports success once the receiver has taken the snapshot.
    if (m.type === 'MsgSnap') this.nodes.get(m.from)?.report(m.to, true, true);
  }

  /**
   * A node went down with messages waiting in its paused inbox: they are lost
   * with the connection, and their senders hear about it (a snapshot sender
   * must, or the leader would wait for that snapshot forever).
   */
  dropInbox(node: SimNode): void {
    const inbox = node.inbox;
    node.inbox = [];
    for (const { m, mid } of inbox) this.drop(m, mid, 'node-down');
  }

  private drop(m: Message, mid: number, reason: DropReason): void {
    if (this.trace.on) this.trace.push({ t: this.loop.now(), kind: 'drop', reason, ...summarize(m, mid) });
    const from = this.nodes.get(m.from);
    if (!from) return;
    // A broken connection is what etcd's transport reports to raft as unreachable;
    // a random loss is silent, except for a snapshot, whose send visibly fails.
    if (m.type === 'MsgSnap') from.report(m.to, true, false);
    if (reason !== 'drop-rate') from.report(m.to, false, false);
  }
}

function summarize(m: Message, mid: number): MessageRecord {
  return {
    mid,
    from: m.from,
    to: m.to,
    type: m.type,
    term: m.term,
    logTerm: m.logTerm,
    index: m.index,
    commit: m.commit,
    entries: m.entries.length,
    reject: m.reject,
  };
}
