// The watchable store (etcd mvcc/watchable_store.go): watchers over a KVStore.
//
// - synced watchers are caught up: each committed write txn's events go to
//   them at once, one response per watcher per revision (notify);
// - unsynced watchers start in the past (or fell behind) and are caught up
//   from the store's history by syncWatchers, at most watchBatchMaxRevs whole
//   revisions per response, until they reach the current revision;
// - victims are watchers whose stream channel was full: their undelivered
//   events wait in a batch that moveVictims retries, so nothing is lost.
//
// etcd runs syncWatchers every 100ms and moveVictims every 10ms in goroutines;
// here the server calls them in virtual time (hasPendingWork says whether to).
import type { RangeEnd } from './binary.ts';
import type { KVStore } from './kvstore.ts';
import type { Event } from './types.ts';
import {
  INVALID_WATCH_ID,
  MAX_WATCHERS_PER_SYNC,
  WATCH_BATCH_MAX_REVS,
  type WatchableStoreOptions,
  type WatchFilter,
} from './watch-types.ts';
import { Watcher, type WatchSink } from './watcher.ts';
import { newWatcherBatch, WatcherGroup, type EventBatch, type WatcherBatch } from './watcher-group.ts';

/** What the store needs of a stream for periodic progress notifications. */
export interface ProgressTicker {
  progressNotify(now: number): void;
}

/** One watcher as the pictures show it (watch IDs are per stream, so several may share one). */
export interface WatcherInfo {
  id: number;
  /** Binary string. */
  key: string;
  /** undefined: just key; '': every key >= key; else the exclusive end. */
  end: RangeEnd;
  startRev: number;
  /** The next revision it has not been sent. */
  nextRev: number;
  /** synced: up to date; unsynced: catching up from history; victim: its channel was full. */
  state: 'synced' | 'unsynced' | 'victim';
}

export class WatchableStore {
  readonly synced = new WatcherGroup();
  readonly unsynced = new WatcherGroup();
  /** Batches of events held for watchers whose channel was full. */
  private victims: WatcherBatch[] = [];
  private readonly streams = new Set<ProgressTicker>();
  private readonly stopObserving: () => void;
  readonly watchBatchMaxRevs: number;
  readonly maxWatchersPerSync: number;

  constructor(
    readonly kv: KVStore,
    opts: WatchableStoreOptions = {},
  ) {
    this.watchBatchMaxRevs = Math.max(1, opts.watchBatchMaxRevs ?? WATCH_BATCH_MAX_REVS);
    this.maxWatchersPerSync = Math.max(1, opts.maxWatchersPerSync ?? MAX_WATCHERS_PER_SYNC);
    this.stopObserving = kv.onCommit((evs, rev) => this.notify(rev, evs));
  }

  /** The store's current revision. */
  rev(): number {
    return this.kv.rev;
  }

  /** Stops listening to the KV store (the store is being thrown away). */
  close(): void {
    this.stopObserving();
  }

  /**
   * Adds a watcher on [key, end) from startRev. startRev 0, or any revision
   * past the current one, makes a synced watcher (from current + 1, or from
   * startRev for a future one); anything else starts unsynced and is caught
   * up by syncWatchers.
   */
  watch(key: string, end: RangeEnd, startRev: number, id: number, ch: WatchSink, filters: readonly WatchFilter[] = []): Watcher {
    const cur = this.kv.rev;
    const synced = startRev === 0 || startRev > cur;
    const minRev = synced ? Math.max(cur + 1, startRev) : startRev;
    const w = new Watcher(key, end, startRev === 0 ? cur + 1 : startRev, minRev, id, ch, filters);
    if (synced) this.synced.add(w);
    else this.unsynced.add(w);
    return w;
  }

  /** Removes a watcher from wherever it is (etcd's cancelWatcher); no more sends to it. */
  cancelWatcher(w: Watcher): void {
    if (!this.unsynced.delete(w) && !this.synced.delete(w) && w.victim) {
      const i = this.victims.findIndex((wb) => wb.delete(w));
      if (i >= 0 && this.victims[i]!.size === 0) this.victims.splice(i, 1);
    }
    w.victim = false;
    w.ch = undefined;
  }

  /** Registers a stream for progressNotify (streams do this themselves). */
  addStream(s: ProgressTicker): void {
    this.streams.add(s);
  }

  removeStream(s: ProgressTicker): void {
    this.streams.delete(s);
  }

  /** Drives every stream's progress ticker (the server calls this as virtual time passes). */
  progressNotify(now: number): void {
    for (const s of [...this.streams]) s.progressNotify(now);
  }

  /** Whether unsynced watchers or victims are waiting for syncWatchers / moveVictims. */
  hasPendingWork(): boolean {
    return this.unsynced.size > 0 || this.victims.length > 0;
  }

  /** Watchers not keeping up (unsynced plus victims), etcd's slow_watcher_total. */
  slowWatcherCount(): number {
    let n = this.unsynced.size;
    for (const wb of this.victims) n += wb.size;
    return n;
  }

  /** All watchers in the store (synced, unsynced and victims). */
  watcherCount(): number {
    return this.synced.size + this.slowWatcherCount();
  }

  /** Plain data about every watcher, for pictures: what it watches and how far it has been sent. */
  describeWatchers(): WatcherInfo[] {
    const out: WatcherInfo[] = [];
    const add = (w: Watcher, state: WatcherInfo['state']): void => {
      out.push({ id: w.id, key: w.key, end: w.end, startRev: w.startRev, nextRev: w.minRev, state });
    };
    for (const w of this.synced.watchers) add(w, 'synced');
    for (const w of this.unsynced.watchers) add(w, 'unsynced');
    for (const wb of this.victims) for (const w of wb.keys()) add(w, 'victim');
    return out.sort((a, b) => a.id - b.id);
  }

  // --- the commit path ---------------------------------------------------

  /** A write txn committed at rev with evs (one revision): feed the synced watchers. */
  private notify(rev: number, evs: readonly Event[]): void {
    let victim: WatcherBatch | undefined;
    for (const [w, eb] of newWatcherBatch(this.synced, evs, this.watchBatchMaxRevs)) {
      // Advancing minRev on every send keeps a later restore from replaying these events.
      w.minRev = rev + 1;
      if (w.send({ watchId: w.id, events: eb.evs, revision: rev, compactRevision: 0 })) continue;
      w.victim = true;
      this.synced.delete(w);
      (victim ??= new Map()).set(w, eb);
    }
    if (victim !== undefined) this.victims.push(victim);
  }

  // --- catch-up -------------------------------------------------------------

  /**
   * One pass of etcd's syncWatchers: up to maxWatchersPerSync unsynced
   * watchers are sent their next batch from history (at most
   * watchBatchMaxRevs whole revisions each). Those whose start was compacted
   * get a compaction response and are dropped; those caught up become synced;
   * those whose channel is full become victims. Returns the unsynced count left.
   */
  syncWatchers(): number {
    if (this.unsynced.size === 0) return 0;
    const curRev = this.kv.rev;
    const compactRev = this.kv.compactRevision;
    const chosen: Watcher[] = [];
    let minRev = Infinity;
    for (const w of this.unsynced.watchers) {
      if (chosen.length >= this.maxWatchersPerSync) break;
      if (w.minRev > curRev) {
        // Ahead of the store (a future watcher moved here by a restore): wait, synced.
        this.unsynced.delete(w);
        this.synced.add(w);
        continue;
      }
      if (w.minRev < compactRev) {
        // Its history is gone. If the channel is full, retry on a later pass.
        if (w.ch?.send({ watchId: w.id, events: [], revision: 0, compactRevision: compactRev })) {
          w.compacted = true;
          this.unsynced.delete(w);
        }
        continue;
      }
      chosen.push(w);
      if (w.minRev < minRev) minRev = w.minRev;
    }
    if (chosen.length === 0) return this.unsynced.size;

    const wg = new WatcherGroup();
    for (const w of chosen) wg.add(w);
    const wb = this.readHistory(wg, chosen, minRev, curRev);
    let victims: WatcherBatch | undefined;
    for (const w of chosen) {
      w.minRev = curRev + 1;
      const eb = wb.get(w);
      if (eb === undefined) {
        this.unsynced.delete(w);
        this.synced.add(w);
        continue;
      }
      if (eb.moreRev !== 0) w.minRev = eb.moreRev;
      if (!w.send({ watchId: w.id, events: eb.evs, revision: curRev, compactRevision: 0 })) {
        w.victim = true;
        (victims ??= new Map()).set(w, eb);
        this.unsynced.delete(w);
        continue;
      }
      if (eb.moreRev !== 0) continue; // stays unsynced: more history to read
      this.unsynced.delete(w);
      this.synced.add(w);
    }
    if (victims !== undefined) this.victims.push(victims);
    return this.unsynced.size;
  }

  /**
   * The chosen watchers' batches from history [minRev, curRev]. etcd reads
   * the whole range at once; reading it in growing chunks and stopping once
   * every watcher's batch is full gives the same batches without rereading a
   * long history on every pass.
   */
  private readHistory(wg: WatcherGroup, chosen: readonly Watcher[], minRev: number, curRev: number): WatcherBatch {
    const wb: WatcherBatch = new Map();
    let span = Math.max(this.watchBatchMaxRevs, 64);
    for (let from = minRev; from <= curRev; from += span, span *= 2) {
      newWatcherBatch(wg, this.kv.rangeEvents(from, Math.min(curRev, from + span - 1)), this.watchBatchMaxRevs, wb);
      if (chosen.every((w) => (wb.get(w)?.moreRev ?? 0) !== 0)) break;
    }
    return wb;
  }

  /**
   * Retries the victims' held events (etcd's moveVictims). A watcher whose
   * batch went out moves to unsynced (if it still has history to read) or
   * synced; one whose channel is still full stays a victim. Returns how many
   * batches went out.
   */
  moveVictims(): number {
    const victims = this.victims;
    this.victims = [];
    let moved = 0;
    let still: WatcherBatch | undefined;
    for (const wb of victims) {
      for (const [w, eb] of wb) {
        // The watcher has seen the store up to, not including, minRev.
        if (!w.send({ watchId: w.id, events: eb.evs, revision: w.minRev - 1, compactRevision: 0 })) {
          (still ??= new Map()).set(w, eb);
          continue;
        }
        moved++;
        this.unvictim(w, eb);
      }
    }
    if (still !== undefined) this.victims.push(still);
    return moved;
  }

  private unvictim(w: Watcher, eb: EventBatch): void {
    w.victim = false;
    if (eb.moreRev !== 0) w.minRev = eb.moreRev;
    if (w.minRev <= this.kv.rev) this.unsynced.add(w);
    else this.synced.add(w);
  }

  // --- progress ----------------------------------------------------------------

  /**
   * Whether a progress notification at the current revision is true for w:
   * it is synced (every event up to now is on its channel) and the store has
   * reached its start (a bookmark below startRev - 1 would let a resumed
   * watch see events this one never wanted; etcd #20221).
   */
  private progressable(w: Watcher): boolean {
    return this.synced.has(w) && this.kv.rev >= w.startRev - 1;
  }

  /** A periodic progress notification for one watcher, if it is synced; dropped if its channel is full. */
  progress(w: Watcher): void {
    if (this.progressable(w)) w.send({ watchId: w.id, events: [], revision: this.kv.rev, compactRevision: 0 });
  }

  /**
   * A stream-wide progress notification (watch_id -1) on the first watcher's
   * channel, if every watcher of the stream is synced (compacted ones are
   * done and do not count). False: not now (some watcher is behind, or the
   * channel is full), or no live watcher to send it on.
   */
  progressAll(watchers: Iterable<Watcher>): boolean {
    let first: Watcher | undefined;
    for (const w of watchers) {
      if (w.compacted) continue;
      if (!this.progressable(w)) return false;
      first ??= w;
    }
    if (first === undefined) return false;
    return first.send({ watchId: INVALID_WATCH_ID, events: [], revision: this.kv.rev, compactRevision: 0 });
  }

  // --- snapshots ------------------------------------------------------------------

  /**
   * Replaces the KV store's contents with a snapshot (what a member does
   * when it installs one from the leader) and moves every synced watcher to
   * unsynced, so syncWatchers feeds it whatever the snapshot brought.
   * The server must restore through here, not kv.restore, when watchers exist.
   */
  restore(snapshot: Uint8Array): void {
    this.kv.restore(snapshot);
    for (const w of [...this.synced.watchers]) {
      this.synced.delete(w);
      this.unsynced.add(w);
    }
  }
}
