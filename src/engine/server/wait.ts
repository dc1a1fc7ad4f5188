// etcd's pkg/wait: requests waiting for their entry to apply, by request ID.
// The applier triggers an ID with the result; a timeout or a stopping server
// triggers it with nothing, which only removes the waiter (etcd's "GC wait").
import type { RequestID } from './internal.ts';

export class Wait<T> {
  private readonly m = new Map<RequestID, (x: T | undefined) => void>();

  register(id: RequestID, fn: (x: T | undefined) => void): void {
    if (this.m.has(id)) throw new Error(`dup id ${id}`); // etcd panics likewise
    this.m.set(id, fn);
  }

  /** Hands x to id's waiter and forgets it; false if nobody waits for id. */
  trigger(id: RequestID, x: T | undefined): boolean {
    const fn = this.m.get(id);
    if (!fn) return false;
    this.m.delete(id);
    fn(x);
    return true;
  }

  isRegistered(id: RequestID): boolean {
    return this.m.has(id);
  }

  get size(): number {
    return this.m.size;
  }

  /** Every waiter, removed (a stopping server fails them all). */
  drain(): ((x: T | undefined) => void)[] {
    const fns = [...this.m.values()];
    this.m.clear();
    return fns;
  }
}
