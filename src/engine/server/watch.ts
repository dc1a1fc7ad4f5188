// The Watch service of one member (etcdserver/api/v3rpc/watch.go, 3.4): each
// open stream is a WatchStream over the member's watchable store, and the
// member's WatchHub plays etcd's goroutines in virtual time: syncWatchersLoop
// every 100 ms, syncVictimsLoop every 10 ms while victims wait, and the
// stream's sendLoop, which here drains each stream right after a commit (from
// the event loop, never inside apply). A stopped member ends its streams.
import type { WatchStreamCallback, WatchStreamHandle } from '../api/service.ts';
import { isWatchPermitted } from '../auth/request-perm.ts';
import { SYNC_WATCHERS_INTERVAL_MS, VICTIM_RETRY_INTERVAL_MS, type WatchCreateRequest, type WatchRequest } from '../mvcc/watch-types.ts';
import { WatchStream } from '../mvcc/watch-stream.ts';
import { type RequestError, ErrStopped, requestError } from './request-errors.ts';
import type { EtcdServer, RequestAuth } from './server.ts';

/**
 * Who a stream's creates run as: an identity, or a lookup made at each create
 * (the stream's token; null when the token is not valid).
 */
export type WatchIdentity = RequestAuth | (() => RequestAuth | null | undefined);

/** Gets each response in order; an error (then nothing more) when the stream ends. */
export type WatchCallback = WatchStreamCallback;

/** A client's open Watch stream on one member. */
export class ServerWatchStream implements WatchStreamHandle {
  closed = false;

  constructor(
    private readonly hub: WatchHub,
    readonly ws: WatchStream,
    private readonly cb: WatchCallback,
  ) {}

  /** One WatchRequest (create, cancel or progress), as the gRPC stream receives it. */
  request(req: WatchRequest): void {
    if (this.closed) return;
    this.ws.request(req);
    this.hub.schedule();
  }

  /** Creates a watcher; returns its watch ID (-1 when refused; the created+canceled response says why). */
  create(req: WatchCreateRequest): number {
    if (this.closed) return -1;
    const id = this.ws.create(req);
    this.hub.schedule();
    return id;
  }

  cancel(watchId: number): void {
    this.request({ cancelRequest: { watchId } });
  }

  requestProgress(): void {
    this.request({ progressRequest: {} });
  }

  /** The client closes the stream: its watchers go, nothing more is delivered. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close();
    this.hub.streams.delete(this);
  }

  /** Hands queued responses to the client. */
  flush(): void {
    if (this.closed || this.ws.pending === 0) return;
    for (const r of this.ws.drain()) {
      if (this.closed) return; // the callback closed it
      this.cb(undefined, r);
    }
  }

  /** The member stopped: the client sees the stream broken. */
  end(err: RequestError): void {
    if (this.closed) return;
    this.close();
    this.cb(err);
  }
}

/** One member's watch streams and the loops that feed them. */
export class WatchHub {
  readonly streams = new Set<ServerWatchStream>();
  private flushPending = false;
  private syncLoop = false;
  private victimLoop = false;
  private readonly stopObserving: () => void;

  constructor(private readonly s: EtcdServer) {
    // After each commit the synced watchers have new responses: send them promptly.
    this.stopObserving = s.sm.kv.onCommit(() => this.schedule());
  }

  open(cb: WatchCallback, who?: WatchIdentity): ServerWatchStream {
    const s = this.s;
    const ws = new WatchStream(s.sm.watchable, {
      now: s.now(),
      maxRequestBytes: s.host.maxRequestBytes,
      header: (rev) => s.header(rev),
      // v3rpc checks every create against the auth store (an empty AuthInfo
      // without a token); a token it cannot resolve refuses the create.
      permitted: (key, end) => {
        const auth = typeof who === 'function' ? who() : who;
        if (auth === null) return false;
        return isWatchPermitted(s.sm.auth, { username: auth?.username ?? '', revision: auth?.authRevision ?? 0 }, key, end);
      },
    });
    const st = new ServerWatchStream(this, ws, cb);
    this.streams.add(st);
    if (s.stopped) s.after(0, () => st.end(requestError(ErrStopped)));
    else this.startLoops();
    return st;
  }

  /** Drains every stream soon (once per turn of the event loop, however many commits). */
  schedule(): void {
    if (this.flushPending || this.s.stopped || this.streams.size === 0) return;
    this.flushPending = true;
    this.s.after(0, () => {
      this.flushPending = false;
      this.flush();
    });
  }

  /** The member stopped (crash or removal): every stream ends with ErrStopped. */
  stop(): void {
    this.stopObserving();
    const streams = [...this.streams];
    if (streams.length === 0) return;
    this.s.after(0, () => {
      for (const st of streams) st.end(requestError(ErrStopped));
    });
  }

  private flush(): void {
    // A paused process sends nothing; the sync loop flushes once it runs again.
    if (this.s.stopped || this.paused()) return;
    for (const st of [...this.streams]) st.flush();
    this.startLoops();
  }

  private paused(): boolean {
    return this.s.cluster.nodes.get(this.s.id)?.life === 'paused';
  }

  /** syncWatchersLoop (plus progress ticks), while any stream is open; syncVictimsLoop while victims wait. */
  private startLoops(): void {
    if (!this.syncLoop && this.streams.size > 0) {
      this.syncLoop = true;
      this.s.after(SYNC_WATCHERS_INTERVAL_MS, () => this.syncTick());
    }
    if (!this.victimLoop && this.s.sm.watchable.slowWatcherCount() > this.s.sm.watchable.unsynced.size) {
      this.victimLoop = true;
      this.s.after(VICTIM_RETRY_INTERVAL_MS, () => this.victimTick());
    }
  }

  private syncTick(): void {
    this.syncLoop = false;
    if (this.s.stopped || this.streams.size === 0) return;
    if (!this.paused()) {
      const store = this.s.sm.watchable;
      store.syncWatchers();
      store.progressNotify(this.s.now());
      this.flush();
    }
    this.startLoops();
  }

  private victimTick(): void {
    this.victimLoop = false;
    if (this.s.stopped) return;
    if (!this.paused()) {
      this.s.sm.watchable.moveVictims();
      this.flush();
    }
    this.startLoops();
  }
}
