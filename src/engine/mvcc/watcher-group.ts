// watcherGroup and eventBatch (etcd mvcc/watcher_group.go): a set of
// watchers indexed by key, and the per-watcher slices of a run of events.
//
// etcd keeps range watchers in an interval tree; a plain set scanned per event
// is enough at the simulator's scale and keeps iteration order (insertion
// order) deterministic, which Go's map order is not.
import type { Event } from './types.ts';
import type { Watcher } from './watcher.ts';
import { toBinary } from './binary.ts';

/** The events one watcher gets from a run, cut after maxRevs distinct revisions. */
export class EventBatch {
  readonly evs: Event[] = [];
  /** Distinct revisions in evs. */
  revs = 0;
  /** Non-zero: the first revision left out because the batch was full; the watcher resumes there. */
  moreRev = 0;

  constructor(private readonly maxRevs: number) {}

  /** Adds an event (events come in revision order); a revision is never split. */
  add(ev: Event): void {
    if (this.moreRev !== 0) return;
    const rev = ev.kv.modRevision;
    if (this.evs.length === 0) {
      this.revs = 1;
    } else if (rev > this.evs[this.evs.length - 1]!.kv.modRevision) {
      if (this.revs >= this.maxRevs) {
        this.moreRev = rev;
        return;
      }
      this.revs++;
    }
    this.evs.push(ev);
  }
}

/** Watcher -> its batch (etcd's watcherBatch); Map keeps insertion order. */
export type WatcherBatch = Map<Watcher, EventBatch>;

export class WatcherGroup {
  /** Every watcher in the group. */
  readonly watchers = new Set<Watcher>();
  /** Single-key watchers by binary key. */
  private readonly keyWatchers = new Map<string, Set<Watcher>>();
  /** Range and from-key watchers. */
  private readonly ranges = new Set<Watcher>();

  get size(): number {
    return this.watchers.size;
  }

  has(w: Watcher): boolean {
    return this.watchers.has(w);
  }

  add(w: Watcher): void {
    this.watchers.add(w);
    if (!w.isKey) {
      this.ranges.add(w);
      return;
    }
    let set = this.keyWatchers.get(w.key);
    if (set === undefined) this.keyWatchers.set(w.key, (set = new Set()));
    set.add(w);
  }

  /** Removes w; false if it was not here. */
  delete(w: Watcher): boolean {
    if (!this.watchers.delete(w)) return false;
    if (!w.isKey) {
      this.ranges.delete(w);
      return true;
    }
    const set = this.keyWatchers.get(w.key);
    if (set !== undefined) {
      set.delete(w);
      if (set.size === 0) this.keyWatchers.delete(w.key);
    }
    return true;
  }

  /** Whether some watcher covers the binary key k. */
  contains(k: string): boolean {
    if (this.keyWatchers.has(k)) return true;
    for (const w of this.ranges) if (w.covers(k)) return true;
    return false;
  }

  /** The watchers covering the binary key k: key watchers first, then ranges, each in insertion order. */
  watchersFor(k: string): Watcher[] {
    const out: Watcher[] = [];
    const set = this.keyWatchers.get(k);
    if (set !== undefined) for (const w of set) out.push(w);
    for (const w of this.ranges) if (w.covers(k)) out.push(w);
    return out;
  }
}

/**
 * Splits a run of events (in revision order) among the group's watchers:
 * each gets the events in its range at or after its minRev, up to maxRevs
 * whole revisions (etcd's newWatcherBatch). Given wb, it carries on filling
 * it with later events.
 */
export function newWatcherBatch(wg: WatcherGroup, evs: readonly Event[], maxRevs: number, wb: WatcherBatch = new Map()): WatcherBatch {
  if (wg.size === 0) return wb;
  for (const ev of evs) {
    const rev = ev.kv.modRevision;
    for (const w of wg.watchersFor(toBinary(ev.kv.key))) {
      if (rev < w.minRev) continue;
      let eb = wb.get(w);
      if (eb === undefined) wb.set(w, (eb = new EventBatch(maxRevs)));
      eb.add(ev);
    }
  }
  return wb;
}
