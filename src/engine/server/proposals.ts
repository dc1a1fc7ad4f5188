// One member's proposals on their way to raft. Those of one moment go as one
// batch at its end: etcd's raft loop likewise takes every proposal waiting on
// propc before its next Ready, so they share append rounds. While the member
// knows no leader they wait, as etcd's raft node takes none then. A request
// that gave up meanwhile is not proposed.
import type { RequestID } from './internal.ts';

/** Most proposals handed to raft in one message. */
const MAX_PROPOSAL_BATCH = 256;

/** What the proposals need of their member. */
export interface ProposalHost {
  /** Runs fn from an event of the loop, ms from now. */
  after(ms: number, fn: () => void): unknown;
  /** Whether request id still waits for its answer. */
  waiting(id: RequestID): boolean;
  /** Hands entries' data to raft; raft's refusal, if it refused them. */
  propose(datas: Uint8Array[]): string | undefined;
  /** Fails request id with raft's refusal. */
  refuse(id: RequestID, err: string): void;
  /** Whether held proposals may go now (the member runs and knows a leader). */
  canPropose(): boolean;
}

interface Held {
  id: RequestID;
  data: Uint8Array;
}

export class Proposals {
  /** Waiting for a leader. */
  private held: Held[] = [];
  /** This moment's batch: request IDs and their entries' data, side by side. */
  private ids: RequestID[] = [];
  private datas: Uint8Array[] = [];

  constructor(private readonly host: ProposalHost) {}

  /** Proposes request id's entry at the end of this moment, or holds it while there is no leader. */
  add(id: RequestID, data: Uint8Array, leaderless: boolean): void {
    if (leaderless) {
      this.held.push({ id, data });
      return;
    }
    this.ids.push(id);
    this.datas.push(data);
    if (this.ids.length === 1) this.host.after(0, () => this.flush());
  }

  /** Drops request id if it was held for a leader; whether it was. */
  dropHeld(id: RequestID): boolean {
    const n = this.held.length;
    this.held = this.held.filter((q) => q.id !== id);
    return this.held.length < n;
  }

  /** A leader may be known now (or the member resumed): the held proposals go soon if so. */
  retryHeld(): void {
    if (this.held.length > 0) this.host.after(0, () => this.release());
  }

  /** The member stopped: nothing it held goes out. */
  clear(): void {
    this.held = [];
  }

  private release(): void {
    if (!this.host.canPropose()) return;
    const qs = this.held;
    this.held = [];
    for (const q of qs) if (this.host.waiting(q.id)) this.add(q.id, q.data, false);
  }

  private flush(): void {
    const ids = this.ids;
    const datas = this.datas;
    this.ids = [];
    this.datas = [];
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      if (!this.host.waiting(ids[i]!)) continue;
      ids[n] = ids[i]!;
      datas[n++] = datas[i]!;
    }
    ids.length = datas.length = n;
    for (let i = 0; i < n; i += MAX_PROPOSAL_BATCH) {
      const chunk = n <= MAX_PROPOSAL_BATCH ? datas : datas.slice(i, i + MAX_PROPOSAL_BATCH);
      const err = this.host.propose(chunk);
      // Dropped by raft: etcd returns Propose's error as it is (e.g. "raft proposal dropped").
      if (err) for (let k = i; k < i + chunk.length; k++) this.host.refuse(ids[k]!, err);
    }
  }
}
