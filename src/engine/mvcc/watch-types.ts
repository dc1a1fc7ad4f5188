// The Watch service's messages (etcdserverpb WatchRequest/WatchResponse in
// api/etcdserverpb/rpc.proto, etcd 3.4), the watchable store's tunables with
// etcd's defaults, and the watch error texts checked against etcd 3.4.23.
import type { ResponseHeader } from '../api/header.ts';
import type { Event } from './types.ts';

/** Watch responses carry the same header as every other response. */
export type WatchHeader = ResponseHeader;

/** WatchCreateRequest.FilterType: NOPUT drops PUT events, NODELETE drops DELETE events. */
export type WatchFilter = 'NOPUT' | 'NODELETE';

export interface WatchCreateRequest {
  /** Empty means "\0", the smallest key (as etcd's gRPC layer rewrites it). */
  key: Uint8Array;
  /** Empty: just key. "\0": every key >= key. Otherwise [key, rangeEnd). */
  rangeEnd?: Uint8Array;
  /** Inclusive first revision; 0 (or absent) means "from now" (current + 1). */
  startRevision?: number;
  /** Ask for periodic empty responses while the watcher is idle and synced. */
  progressNotify?: boolean;
  filters?: WatchFilter[];
  /** Attach the previous version of each key (looked up at mod_revision - 1). */
  prevKv?: boolean;
  /** 0 (or absent): the stream picks the next free ID; otherwise this ID, refused if in use. */
  watchId?: number;
  /** Split responses larger than the server's request limit. */
  fragment?: boolean;
}

export interface WatchCancelRequest {
  watchId: number;
}

/** Asks for a progress notification (watch_id -1) once every watcher of the stream is synced. */
export type WatchProgressRequest = Record<string, never>;

/** oneof request_union: exactly one field is set. */
export interface WatchRequest {
  createRequest?: WatchCreateRequest;
  cancelRequest?: WatchCancelRequest;
  progressRequest?: WatchProgressRequest;
}

export interface WatchResponse {
  header: WatchHeader;
  /** -1 for a stream-wide progress notification or a refused create. */
  watchId: number;
  created: boolean;
  canceled: boolean;
  /** Set (with canceled) when the watcher's start revision was compacted away. */
  compactRevision: number;
  cancelReason: string;
  /** More responses with the same watchId carry the rest of this one's events. */
  fragment: boolean;
  events: Event[];
}

/** mvcc.WatchResponse: what the watchable store puts on a stream's channel. */
export interface StoreWatchResponse {
  watchId: number;
  /** Empty: a progress notification (or a compaction cancel). */
  events: Event[];
  /** The store revision the response was made at (header revision). */
  revision: number;
  /** Non-zero: the watcher was canceled because its start revision was compacted. */
  compactRevision: number;
}

// --- tunables, with etcd 3.4's values ------------------------------------

/** chanBufLen: responses a stream's channel holds before watchers become victims. */
export const CHAN_BUF_LEN = 128;
/** maxWatchersPerSync: unsynced watchers caught up per syncWatchers pass. */
export const MAX_WATCHERS_PER_SYNC = 512;
/** watchBatchMaxRevs: most distinct revisions one catch-up response carries. */
export const WATCH_BATCH_MAX_REVS = 1000;
/** The interval etcd's syncWatchersLoop runs at (the server's schedule). */
export const SYNC_WATCHERS_INTERVAL_MS = 100;
/** The interval etcd's syncVictimsLoop retries victims at while there are any. */
export const VICTIM_RETRY_INTERVAL_MS = 10;
/** v3rpc's defaultProgressReportInterval. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 10 * 60 * 1000;
/** --max-request-bytes default (embed.DefaultMaxRequestBytes). */
export const DEFAULT_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;
/** v3rpc's grpcOverheadBytes: the watch server fragments above max-request-bytes plus this. */
export const GRPC_OVERHEAD_BYTES = 512 * 1024;
/** mvcc.AutoWatchID: a create asking for ID 0 gets the stream's next free ID. */
export const AUTO_WATCH_ID = 0;
/** clientv3.InvalidWatchID: the watch_id of stream-wide responses. */
export const INVALID_WATCH_ID = -1;

// --- error texts (etcd 3.4.23: mvcc/watcher.go, rpctypes) -------------------

/** A create naming an ID the stream already uses (cancel_reason of a created+canceled response). */
export const ErrWatcherDuplicateID = 'mvcc: duplicate watch ID provided on the WatchStream';
/** A create whose range is empty (key >= range_end), or on a closed stream. */
export const ErrEmptyWatcherRange = 'mvcc: watcher range is empty';
/** Cancel of an ID the stream does not have (etcd sends no response for it). */
export const ErrWatcherNotExist = 'mvcc: watcher does not exist';
/** A create the auth store refuses: etcd puts the status error's whole Error() text in cancel_reason. */
export const ErrGRPCPermissionDenied = 'rpc error: code = PermissionDenied desc = etcdserver: permission denied';

/** Watchable store tunables. */
export interface WatchableStoreOptions {
  /** Most distinct revisions per catch-up response (etcd: 1000). A revision is never split. */
  watchBatchMaxRevs?: number;
  /** Unsynced watchers per syncWatchers pass (etcd: 512). */
  maxWatchersPerSync?: number;
}

/** Per-stream tunables (the server's configuration for its watch streams). */
export interface WatchStreamOptions {
  /** Channel capacity in responses (etcd: 128). */
  chanBufLen?: number;
  /** Progress notify interval in virtual ms (etcd: 10 minutes). */
  progressIntervalMs?: number;
  /** Virtual time the stream opened at: its progress ticker counts from here. */
  now?: number;
  /** --max-request-bytes; fragments are cut at this plus GRPC_OVERHEAD_BYTES. */
  maxRequestBytes?: number;
  /** Fills a header for a revision (cluster/member IDs, raft term). */
  header?: (revision: number) => WatchHeader;
  /** Whether the client may watch [key, rangeEnd) (the auth store's check); absent: always. */
  permitted?: (key: Uint8Array, rangeEnd: Uint8Array | undefined) => boolean;
}

/** A header with only the revision set (the default when no server fills it). */
export function bareHeader(revision: number): WatchHeader {
  return { clusterId: '0', memberId: '0', revision, raftTerm: 0 };
}
