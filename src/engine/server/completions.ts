// How a member answers its callers: never from inside the caller or raft's
// Ready handling, always from an event of the loop. The answers of one moment
// (an applied batch answers thousands) share one event and run in the order
// they were given, from storage kept from one batch to the next (a fresh
// array would be regrown from nothing each time).
import type { Callback, RequestError } from '../api/service.ts';

export class Completions {
  /** Waiting answers: callback, error, response, in threes; n slots used. */
  private items: unknown[] = [];
  private n = 0;
  /** The last batch's storage, emptied, for the next one (none while a batch runs). */
  private spare: unknown[] | undefined = [];

  /** @param soon runs fn from an event of the loop, at the current moment */
  constructor(private readonly soon: (fn: () => void) => void) {}

  add<T>(cb: Callback<T>, err: RequestError | undefined, resp?: T): void {
    const a = this.items;
    const i = this.n;
    a[i] = cb;
    a[i + 1] = err;
    a[i + 2] = resp;
    this.n = i + 3;
    if (i === 0) this.soon(() => this.run());
  }

  private run(): void {
    const a = this.items;
    const n = this.n;
    // Answers given while these run wait for an event of their own.
    this.items = this.spare ?? [];
    this.spare = undefined;
    this.n = 0;
    let i = 0;
    try {
      for (; i < n; i += 3) {
        const cb = a[i] as Callback<unknown>;
        const err = a[i + 1] as RequestError | undefined;
        const resp = a[i + 2];
        a[i] = a[i + 1] = a[i + 2] = undefined;
        cb(err, resp);
      }
    } finally {
      // A callback threw: the answers after it still go, before those given meanwhile.
      if (i + 3 < n) this.requeue(a.slice(i + 3, n));
      a.fill(undefined, 0, n);
      this.spare = a;
    }
  }

  private requeue(rest: unknown[]): void {
    const given = this.items.slice(0, this.n);
    const all = rest.concat(given);
    for (let k = 0; k < all.length; k++) this.items[k] = all[k];
    this.n = all.length;
    if (given.length === 0) this.soon(() => this.run());
  }
}
