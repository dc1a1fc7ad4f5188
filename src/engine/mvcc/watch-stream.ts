// One client's Watch stream: etcd's mvcc watchStream (watch IDs, the bounded
// channel the watchable store sends into) together with v3rpc's
// serverWatchStream (create/cancel/progress requests, prevKv, fragmenting,
// progress notify), minus the goroutines: requests are method calls and the
// client (or the server's network model) pulls responses with drain().
//
// All responses share one ordered queue, so a watcher's created response
// precedes its events and its canceled response follows them. Only the
// store's responses count toward the channel's capacity (control responses
// travel separately in etcd): while the client does not drain, the channel
// fills and the store turns the stream's watchers into victims.
import { rangeEndOf, toBinary } from './binary.ts';
import { KvError } from './errors.ts';
import type { Event, KeyValue } from './types.ts';
import { fragments } from './watch-fragment.ts';
import {
  AUTO_WATCH_ID,
  bareHeader,
  CHAN_BUF_LEN,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_PROGRESS_INTERVAL_MS,
  ErrEmptyWatcherRange,
  ErrGRPCPermissionDenied,
  ErrWatcherDuplicateID,
  ErrWatcherNotExist,
  GRPC_OVERHEAD_BYTES,
  INVALID_WATCH_ID,
  type StoreWatchResponse,
  type WatchCreateRequest,
  type WatchHeader,
  type WatchRequest,
  type WatchResponse,
  type WatchStreamOptions,
} from './watch-types.ts';
import type { WatchableStore } from './watchable-store.ts';
import type { Watcher, WatchSink } from './watcher.ts';

/** A queued response: a control one (ready to go) or one from the store (built at drain). */
type Entry = { ctrl: WatchResponse } | { store: StoreWatchResponse };

export class WatchStream implements WatchSink {
  private readonly watchers = new Map<number, Watcher>();
  private nextId = 0;
  private closed = false;
  /** Per watch ID: progress notify wanted, and whether the next tick should send one. */
  private readonly progress = new Map<number, boolean>();
  private readonly prevKv = new Set<number>();
  private readonly fragment = new Set<number>();
  /** A progress request waits for every watcher to be synced. */
  private deferredProgress = false;
  private queue: Entry[] = [];
  private head = 0;
  /** Store responses in the queue (the channel's fill level). */
  private inChan = 0;
  private nextTick: number;
  readonly chanBufLen: number;
  readonly progressIntervalMs: number;
  /** The size fragments are cut at: --max-request-bytes plus gRPC overhead, as etcd's watch server does. */
  readonly fragmentBytes: number;
  private readonly header: (revision: number) => WatchHeader;
  private readonly permitted: WatchStreamOptions['permitted'];

  constructor(
    private readonly store: WatchableStore,
    opts: WatchStreamOptions = {},
  ) {
    this.chanBufLen = Math.max(1, opts.chanBufLen ?? CHAN_BUF_LEN);
    this.progressIntervalMs = Math.max(1, opts.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
    this.nextTick = (opts.now ?? 0) + this.progressIntervalMs;
    this.fragmentBytes = (opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES) + GRPC_OVERHEAD_BYTES;
    this.header = opts.header ?? bareHeader;
    this.permitted = opts.permitted;
    store.addStream(this);
  }

  // --- requests -------------------------------------------------------------

  /** Handles one WatchRequest (the oneof as the gRPC stream receives it). */
  request(req: WatchRequest): void {
    if (req.createRequest) this.create(req.createRequest);
    else if (req.cancelRequest) this.cancel(req.cancelRequest.watchId);
    else if (req.progressRequest) this.requestProgress();
  }

  /**
   * Creates a watcher and queues its created response. Returns its watch ID,
   * or -1 when refused (the response is then created and canceled, with the
   * reason). startRevision 0 means from now.
   */
  create(req: WatchCreateRequest): number {
    const rev = this.store.rev();
    if (this.permitted && !this.permitted(req.key, req.rangeEnd)) {
      this.control({ watchId: req.watchId ?? 0, created: true, canceled: true, cancelReason: ErrGRPCPermissionDenied }, rev);
      return -1;
    }
    // etcd's gRPC layer: an empty key is "\0" (the smallest key).
    const key = req.key.length === 0 ? '\0' : toBinary(req.key);
    const end = rangeEndOf(req.rangeEnd);
    let err: string | undefined;
    let id = req.watchId ?? AUTO_WATCH_ID;
    if ((end !== undefined && end !== '' && key >= end) || this.closed) err = ErrEmptyWatcherRange;
    else if (id === AUTO_WATCH_ID) {
      while (this.watchers.has(this.nextId)) this.nextId++;
      id = this.nextId++;
    } else if (this.watchers.has(id)) err = ErrWatcherDuplicateID;
    if (err !== undefined) {
      this.control({ watchId: INVALID_WATCH_ID, created: true, canceled: true, cancelReason: err }, rev);
      return INVALID_WATCH_ID;
    }
    const start = req.startRevision ?? 0;
    const w = this.store.watch(key, end, start === 0 ? rev + 1 : start, id, this, req.filters ?? []);
    this.watchers.set(id, w);
    if (req.progressNotify) this.progress.set(id, true);
    if (req.prevKv) this.prevKv.add(id);
    if (req.fragment) this.fragment.add(id);
    this.control({ watchId: id, created: true }, rev);
    return id;
  }

  /**
   * Cancels a watcher: its pending responses still go out, then a canceled
   * response, then nothing more. An unknown ID is ignored, as etcd sends
   * nothing back for it. Returns whether the ID existed.
   */
  cancel(watchId: number): boolean {
    return this.cancelOrError(watchId) === undefined;
  }

  /** Like cancel, but says why not: ErrWatcherNotExist. */
  cancelOrError(watchId: number): string | undefined {
    const w = this.watchers.get(watchId);
    if (w === undefined) return ErrWatcherNotExist;
    this.store.cancelWatcher(w);
    this.watchers.delete(watchId);
    this.progress.delete(watchId);
    this.prevKv.delete(watchId);
    this.fragment.delete(watchId);
    this.control({ watchId, canceled: true }, this.store.rev());
    return undefined;
  }

  /**
   * Asks for a stream-wide progress notification (watch_id -1, the current
   * revision). It is queued behind the watchers' events once all of them are
   * synced, so it is a true bookmark; until then it waits (one at a time).
   * On a stream without watchers it is answered at once, as etcd 3.4.23 does.
   */
  requestProgress(): void {
    if (!this.deferredProgress && !this.progressAll()) this.deferredProgress = true;
  }

  /** Sends the stream-wide progress notification if it is true now. */
  private progressAll(): boolean {
    const live = [...this.watchers.values()].filter((w) => !w.compacted);
    if (live.length > 0) return this.store.progressAll(live);
    this.control({ watchId: INVALID_WATCH_ID }, this.store.rev());
    return true;
  }

  /**
   * The progress ticker (etcd's progressReportInterval): at each tick, every
   * progress_notify watcher that got no events since the last tick is sent
   * an empty response at the current revision, if it is synced. The server
   * calls this as virtual time passes; missed ticks do not pile up.
   */
  progressNotify(now: number): void {
    if (now < this.nextTick) return;
    const skipped = Math.floor((now - this.nextTick) / this.progressIntervalMs);
    this.nextTick += (skipped + 1) * this.progressIntervalMs;
    for (const [id, due] of this.progress) {
      const w = this.watchers.get(id);
      if (due && w !== undefined) this.store.progress(w);
      this.progress.set(id, true);
    }
  }

  /** Cancels every watcher and stops the stream (the client went away). Queued responses are dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.watchers.values()) this.store.cancelWatcher(w);
    this.watchers.clear();
    this.progress.clear();
    this.prevKv.clear();
    this.fragment.clear();
    this.queue = [];
    this.head = 0;
    this.inChan = 0;
    this.store.removeStream(this);
  }

  // --- the channel and the send loop ------------------------------------------

  /** WatchSink: the store puts a response on the channel, unless it is full. */
  send(r: StoreWatchResponse): boolean {
    if (this.closed || this.inChan >= this.chanBufLen) return false;
    this.queue.push({ store: r });
    this.inChan++;
    return true;
  }

  /** Responses waiting to be drained (control ones included). */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /** How full the channel is, out of chanBufLen. */
  get channelLength(): number {
    return this.inChan;
  }

  /** IDs of the stream's watchers (compacted ones included until canceled, as in etcd). */
  watchIds(): number[] {
    return [...this.watchers.keys()];
  }

  /**
   * Takes queued responses in order (at most max queue entries; a fragmented
   * response counts once), building store responses as etcd's sendLoop does:
   * prevKv looked up now, progress notifications elided after events, large
   * responses fragmented. Draining frees channel space for the victims.
   */
  drain(max = Infinity): WatchResponse[] {
    const out: WatchResponse[] = [];
    let taken = 0;
    while (taken < max) {
      if (this.head === this.queue.length) {
        // A deferred progress request goes out once everything before it has.
        if (this.deferredProgress && this.progressAll()) {
          this.deferredProgress = false;
          continue;
        }
        break;
      }
      const e = this.queue[this.head++]!;
      taken++;
      if ('ctrl' in e) {
        out.push(e.ctrl);
        continue;
      }
      this.inChan--;
      for (const r of this.build(e.store)) out.push(r);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return out;
  }

  private build(s: StoreWatchResponse): WatchResponse[] {
    const id = s.watchId;
    const withPrev = this.prevKv.has(id);
    const events: Event[] = s.events.map((ev) => this.event(ev, withPrev));
    const r: WatchResponse = {
      header: this.header(s.revision),
      watchId: id,
      created: false,
      canceled: s.compactRevision !== 0,
      compactRevision: s.compactRevision,
      cancelReason: '',
      fragment: false,
      events,
    };
    // A watcher that just got events skips the next progress tick.
    if (events.length > 0 && this.progress.get(id) === true) this.progress.set(id, false);
    return this.fragment.has(id) ? fragments(r, this.fragmentBytes) : [r];
  }

  /** A fresh event for the response; prevKv is the key at mod_revision - 1, if still readable. */
  private event(ev: Event, withPrev: boolean): Event {
    const out: Event = { type: ev.type, kv: ev.kv };
    if (withPrev) {
      const prev = this.prevAt(ev.kv.key, ev.kv.modRevision - 1);
      if (prev !== undefined) out.prevKv = prev;
    }
    return out;
  }

  private prevAt(key: Uint8Array, rev: number): KeyValue | undefined {
    if (rev < 1) return undefined;
    try {
      return this.store.kv.range({ key, revision: rev }).kvs[0];
    } catch (e) {
      // Compacted since: etcd sends the event without its prevKv.
      if (e instanceof KvError) return undefined;
      throw e;
    }
  }

  private control(r: Partial<WatchResponse> & { watchId: number }, rev: number): void {
    this.queue.push({
      ctrl: {
        header: this.header(rev),
        created: false,
        canceled: false,
        compactRevision: 0,
        cancelReason: '',
        fragment: false,
        events: [],
        ...r,
      },
    });
  }
}
