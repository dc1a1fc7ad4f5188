// A client watch (clientv3 watcher, 3.4): one Watch stream on the client's
// pinned endpoint carrying one watcher. The client remembers the next
// revision it wants (the last event's mod_revision + 1, or the store
// revision + 1 the created response reported); when the stream breaks
// (its member crashed or was removed) it opens a new one on the next
// endpoint that is up and re-creates the watcher from that revision, so the
// user sees neither a gap nor a duplicate. The resumed created response is
// not passed on, as clientv3 keeps it to itself.
//
// One deliberate difference: clientv3 resumes a "from now" watch that has
// seen no event at the created header's revision, which replays that
// revision's event if it touched the key; here it resumes one past it.
import type { WatchFilter, WatchResponse } from '../mvcc/watch-types.ts';
import type { WatchStreamHandle } from '../api/service.ts';
import type { ClientCore } from './core.ts';

/** How long a broken watch waits before looking for an endpoint again. */
export const WATCH_RETRY_MS = 100;

export interface WatchOptions {
  key: Uint8Array;
  /** Empty: just key; "\0": every key >= key; otherwise [key, rangeEnd). */
  rangeEnd?: Uint8Array;
  /** First revision wanted; 0 or absent: from now. */
  startRevision?: number;
  prevKv?: boolean;
  filters?: WatchFilter[];
  progressNotify?: boolean;
  /** Pass the created response on too (clientv3's WithCreatedNotify). */
  createdNotify?: boolean;
}

/** Gets the watch's responses in order: events, progress notifications, and a final canceled one. */
export type ClientWatchCallback = (resp: WatchResponse) => void;

export class ClientWatch {
  /** The next revision the watch wants (0: not known yet, from now). */
  nextRev: number;
  /** The endpoint whose member serves the watch now, if any. */
  endpoint: string | undefined;
  /** How many times the watch moved to another stream. */
  resumes = 0;
  canceled = false;
  private stream: WatchStreamHandle | undefined;
  private created = false;
  private dialTried = false;

  constructor(
    private readonly client: ClientCore,
    private readonly opts: WatchOptions,
    private readonly cb: ClientWatchCallback,
    private readonly onDone: () => void,
  ) {
    this.nextRev = opts.startRevision ?? 0;
  }

  /** Opens a stream on the pinned endpoint (or the next one up) and creates the watcher there. */
  start(): void {
    if (this.canceled) return;
    // A client with credentials authenticates before its first stream; if it
    // cannot, the stream goes without a token (and auth refuses its creates).
    const creds = this.client.credentials;
    if (creds && !creds.dialed && !this.dialTried) {
      this.dialTried = true;
      creds.dial(this.client.net.now() + this.client.dialTimeoutMs, () => this.start());
      return;
    }
    const s = this.client.pick();
    if (!s) {
      this.endpoint = undefined;
      this.client.net.after(WATCH_RETRY_MS, () => this.start());
      return;
    }
    this.endpoint = this.client.activeEndpoint();
    const st = s.watch((err, resp) => {
      if (st !== this.stream) return; // an old stream
      if (err) return this.broken();
      this.receive(resp!);
    }, this.client.token);
    this.stream = st;
    st.create({
      key: this.opts.key,
      rangeEnd: this.opts.rangeEnd,
      startRevision: this.nextRev,
      prevKv: this.opts.prevKv,
      filters: this.opts.filters,
      progressNotify: this.opts.progressNotify,
    });
  }

  /** Asks the server for a progress notification (clientv3's RequestProgress). */
  requestProgress(): void {
    this.stream?.requestProgress();
  }

  /** Closes the watch: no more responses. */
  cancel(): void {
    if (this.canceled) return;
    this.canceled = true;
    this.stream?.close();
    this.stream = undefined;
    this.onDone();
  }

  private receive(r: WatchResponse): void {
    if (this.canceled) return;
    if (r.created) {
      // A "from now" watch resumes after the revision it was created at.
      if (this.nextRev === 0) this.nextRev = r.header.revision + 1;
      const first = !this.created;
      this.created = true;
      if (r.canceled) return this.finish(r); // refused (permission denied, bad range)
      if (first && this.opts.createdNotify) this.cb(r);
      return;
    }
    if (r.events.length > 0) this.nextRev = r.events[r.events.length - 1]!.kv.modRevision + 1;
    if (r.canceled) return this.finish(r); // compacted away
    this.cb(r);
  }

  /** The server canceled the watcher: pass that on and stop. */
  private finish(r: WatchResponse): void {
    this.cb(r);
    this.cancel();
  }

  /** The stream broke with its member: resume elsewhere from nextRev. */
  private broken(): void {
    this.stream = undefined;
    if (this.canceled) return;
    this.resumes++;
    this.start();
  }
}
