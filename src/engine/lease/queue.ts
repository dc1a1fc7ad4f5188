// The lessor's two timed queues. ExpiryQueue is etcd's LeaseExpiredNotifier:
// one live deadline per lease, updated on every refresh. Updating a heap entry
// in place needs an index, so instead a new entry is pushed and the old one
// goes stale (it no longer matches `live`) and is dropped when it surfaces.
import { TimedQueue } from '../util/heap.ts';
import type { LeaseID } from './types.ts';

export interface LeaseDeadline {
  id: LeaseID;
  /** Virtual ms. */
  time: number;
  /** Insertion order: equal deadlines surface in the order they were set. */
  seq: number;
}

export class ExpiryQueue {
  private q = new TimedQueue<LeaseDeadline>();
  private readonly live = new Map<LeaseID, LeaseDeadline>();
  private seq = 0;

  get size(): number {
    return this.live.size;
  }

  registerOrUpdate(id: LeaseID, time: number): void {
    const d = { id, time, seq: this.seq++ };
    this.live.set(id, d);
    this.q.push(d);
    // Stale entries are only dropped as they surface; rebuild when they dominate
    // (many keep-alives on long leases) so memory stays proportional to leases.
    if (this.q.size > 2 * this.live.size + 1024) this.rebuild();
  }

  unregister(id: LeaseID): void {
    this.live.delete(id);
  }

  /** The earliest live deadline, or undefined. */
  peek(): LeaseDeadline | undefined {
    for (let d = this.q.peek(); d; d = this.q.peek()) {
      if (this.live.get(d.id) === d) return d;
      this.q.pop();
    }
    return undefined;
  }

  clear(): void {
    this.q.clear();
    this.live.clear();
  }

  private rebuild(): void {
    this.q = new TimedQueue<LeaseDeadline>();
    for (const d of this.live.values()) this.q.push(d);
  }
}

/** etcd's leaseCheckpointHeap: scheduled checkpoints, duplicates allowed. */
export class CheckpointQueue {
  private readonly q = new TimedQueue<LeaseDeadline>();
  private seq = 0;

  get size(): number {
    return this.q.size;
  }

  push(id: LeaseID, time: number): void {
    this.q.push({ id, time, seq: this.seq++ });
  }

  peek(): LeaseDeadline | undefined {
    return this.q.peek();
  }

  pop(): LeaseDeadline | undefined {
    return this.q.pop();
  }

  clear(): void {
    this.q.clear();
  }
}
