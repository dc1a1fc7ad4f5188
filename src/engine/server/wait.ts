// etcd's pkg/wait: requests waiting for their entry to apply, by request ID.
// The applier triggers an ID with the result; a timeout or a stopping server
// triggers it with nothing, which only removes the waiter (etcd's "GC wait").
// A waiter is what the owner keeps for the request (its callback), and one
// answer function serves them all: no closure per request.
//
// Every applied entry on every member asks for its ID here, so the lookup is
// a slot by the ID's low bits rather than a hash of the whole string: one
// member's IDs count up, so the ones waiting at once have slots of their
// own. The slot keeps the full ID (another member's IDs land on the same
// slots and must miss); a waiter whose slot is taken goes to a map.
import type { RequestID } from './internal.ts';

/** Slots: more than a member has waiting (etcd's flood limit is 5000 pending proposals). */
const SLOTS = 8192;

/** The ID's low 13 bits, from its last hex digits (IDs are lower-case hex). */
function slotOf(id: RequestID): number {
  let v = 0;
  for (let i = Math.max(0, id.length - 4); i < id.length; i++) {
    const c = id.charCodeAt(i);
    v = v * 16 + (c <= 57 ? c - 48 : c - 87);
  }
  return v & (SLOTS - 1);
}

export class Wait<W, T> {
  /** By slot: the waiting ID and its waiter (made at the first register). */
  private ids: (RequestID | undefined)[] = [];
  private waiters: (W | undefined)[] = [];
  /** Waiters whose slot another ID held. */
  private readonly overflow = new Map<RequestID, W>();
  private count = 0;

  /** @param answer hands a waiter its result, or undefined when it is given up on */
  constructor(private readonly answer: (waiter: W, x: T | undefined) => void) {}

  register(id: RequestID, waiter: W): void {
    if (this.isRegistered(id)) throw new Error(`dup id ${id}`); // etcd panics likewise
    if (this.ids.length === 0) {
      this.ids = new Array<RequestID | undefined>(SLOTS).fill(undefined);
      this.waiters = new Array<W | undefined>(SLOTS).fill(undefined);
    }
    const s = slotOf(id);
    if (this.ids[s] === undefined) {
      this.ids[s] = id;
      this.waiters[s] = waiter;
    } else {
      this.overflow.set(id, waiter);
    }
    this.count++;
  }

  /** Answers id's waiter with x and forgets it; false if nobody waits for id. */
  trigger(id: RequestID, x: T | undefined): boolean {
    const waiter = this.take(id);
    if (waiter === undefined) return false;
    this.answer(waiter, x);
    return true;
  }

  /** id's waiter, removed without an answer (the caller hands it one), or undefined. */
  take(id: RequestID): W | undefined {
    if (this.count === 0) return undefined;
    const s = slotOf(id);
    if (this.ids[s] === id) {
      const waiter = this.waiters[s];
      this.ids[s] = undefined;
      this.waiters[s] = undefined;
      this.count--;
      return waiter;
    }
    if (this.overflow.size === 0) return undefined;
    const waiter = this.overflow.get(id);
    if (waiter !== undefined) {
      this.overflow.delete(id);
      this.count--;
    }
    return waiter;
  }

  isRegistered(id: RequestID): boolean {
    if (this.count === 0) return false;
    return this.ids[slotOf(id)] === id || (this.overflow.size > 0 && this.overflow.has(id));
  }

  get size(): number {
    return this.count;
  }

  /** Answers every waiter with nothing, oldest first, removing them all (a stopping server fails them). */
  giveUpAll(): void {
    const all: [RequestID, W][] = [...this.overflow];
    for (let s = 0; s < this.ids.length; s++) if (this.ids[s] !== undefined) all.push([this.ids[s]!, this.waiters[s]!]);
    this.ids = [];
    this.waiters = [];
    this.overflow.clear();
    this.count = 0;
    // A member's IDs count up in hex of one length: oldest first is shortest, then smallest.
    all.sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    for (const [, w] of all) this.answer(w, undefined);
  }
}
