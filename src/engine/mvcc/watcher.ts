// One watcher (etcd mvcc/watchable_store.go's watcher): a key or key range,
// the next revision it wants (minRev, advanced as it is fed) and the channel
// of its stream. It lives in exactly one of the watchable store's synced or
// unsynced groups or victim batches, or in none once canceled or compacted.
import type { RangeEnd } from './binary.ts';
import type { StoreWatchResponse, WatchFilter } from './watch-types.ts';
import type { Event } from './types.ts';

/** The receiving end of a stream's bounded channel: send fails when it is full. */
export interface WatchSink {
  send(r: StoreWatchResponse): boolean;
}

export class Watcher {
  /** Set while its pending events sit in a victim batch (its channel was full). */
  victim = false;
  /** Set once the compaction response went out; it then belongs to no group. */
  compacted = false;
  private readonly noPut: boolean;
  private readonly noDelete: boolean;

  constructor(
    /** Binary string. */
    readonly key: string,
    /** undefined: just key; '': every key >= key; else the exclusive end. */
    readonly end: RangeEnd,
    /** The first revision asked for (0 became current + 1); progress never goes below it. */
    readonly startRev: number,
    /** The next revision it has not been sent. */
    public minRev: number,
    readonly id: number,
    /** The stream's channel; undefined once canceled. */
    public ch: WatchSink | undefined,
    filters: readonly WatchFilter[],
  ) {
    this.noPut = filters.includes('NOPUT');
    this.noDelete = filters.includes('NODELETE');
  }

  /** Whether a single-key watcher (as opposed to a range or from-key one). */
  get isKey(): boolean {
    return this.end === undefined;
  }

  /** Whether the binary key k is in the watched range. */
  covers(k: string): boolean {
    if (this.end === undefined) return k === this.key;
    return k >= this.key && (this.end === '' || k < this.end);
  }

  /**
   * Puts a response on the channel after the filters: a response whose events
   * are all filtered out counts as sent (nothing to deliver), an empty one is
   * a progress notification and always goes. False: the channel is full.
   */
  send(r: StoreWatchResponse): boolean {
    const progress = r.events.length === 0;
    if (!progress && (this.noPut || this.noDelete)) {
      const kept: Event[] = [];
      for (const ev of r.events) {
        if (ev.type === 'PUT' ? !this.noPut : !this.noDelete) kept.push(ev);
      }
      if (kept.length === 0) return true;
      r = { ...r, events: kept };
    }
    return this.ch !== undefined && this.ch.send(r);
  }
}
