// etcd's pkg/wait: requests waiting for their entry to apply, by request ID.
// The applier triggers an ID with the result; a timeout or a stopping server
// triggers it with nothing, which only removes the waiter (etcd's "GC wait").
// A waiter is what the owner keeps for the request (its callback), and one
// answer function serves them all: no closure per request.
import type { RequestID } from './internal.ts';

export class Wait<W, T> {
  private readonly m = new Map<RequestID, W>();

  /** @param answer hands a waiter its result, or undefined when it is given up on */
  constructor(private readonly answer: (waiter: W, x: T | undefined) => void) {}

  register(id: RequestID, waiter: W): void {
    if (this.m.has(id)) throw new Error(`dup id ${id}`); // etcd panics likewise
    this.m.set(id, waiter);
  }

  /** Answers id's waiter with x and forgets it; false if nobody waits for id. */
  trigger(id: RequestID, x: T | undefined): boolean {
    const waiter = this.m.get(id);
    if (waiter === undefined) return false;
    this.m.delete(id);
    this.answer(waiter, x);
    return true;
  }

  /** id's waiter, removed without an answer (the caller hands it one), or undefined. */
  take(id: RequestID): W | undefined {
    const waiter = this.m.get(id);
    if (waiter !== undefined) this.m.delete(id);
    return waiter;
  }

  isRegistered(id: RequestID): boolean {
    return this.m.has(id);
  }

  get size(): number {
    return this.m.size;
  }

  /** Answers every waiter with nothing, removing them all (a stopping server fails them). */
  giveUpAll(): void {
    const waiters = [...this.m.values()];
    this.m.clear();
    for (const w of waiters) this.answer(w, undefined);
  }
}
