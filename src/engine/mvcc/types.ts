// The MVCC store's public data types, shaped like etcd's mvccpb protobufs
// (api/mvccpb/kv.proto) and its mvcc package (revision.go).
//
// Keys and values are Uint8Array at the API, as protobuf bytes are. Inside the
// store they are "binary strings" (one char per byte, see binary.ts) because
// those compare in byte order with plain string comparison and are cheap to
// keep by the hundred thousand.
import type { LeaseID } from '../lease/types.ts';

/** mvccpb.KeyValue: one version of a key. */
export interface KeyValue {
  key: Uint8Array;
  /** Revision of the put that created the key in its current generation. */
  createRevision: number;
  /** Revision of the last write to the key. */
  modRevision: number;
  /** Number of puts since creation; reset to 1 by a put after a delete. */
  version: number;
  value: Uint8Array;
  /** ID of the lease attached to the key, '0' (NO_LEASE) for none. */
  lease: LeaseID;
}

export type EventType = 'PUT' | 'DELETE';

/**
 * mvccpb.Event. For a DELETE, kv carries only the key and the deleting
 * revision as modRevision (everything else zero), exactly as etcd's watchable
 * store reports it. prevKv is the version the write replaced, when there was one.
 */
export interface Event {
  type: EventType;
  kv: KeyValue;
  prevKv?: KeyValue;
}

/**
 * mvcc.revision: main is the store revision of a write txn, sub orders the
 * writes inside that txn (0, 1, 2, ...).
 */
export interface Revision {
  main: number;
  sub: number;
}

/** Options of a store-level range (mvcc.RangeOptions). */
export interface RangeOptions {
  /** Most records to return; <= 0 means no limit. count still reports all matches. */
  limit?: number;
  /** Revision to read at; <= 0 means the current revision. */
  rev?: number;
  /** Only count: return no records. */
  count?: boolean;
}

/**
 * Observer of committed write txns: called once per txn that changed
 * something, with its events in revision (main, sub) order. The watchable
 * store builds on this.
 */
export type CommitObserver = (events: Event[], revision: number) => void;

/**
 * What the store needs from a lessor, as etcd's mvcc calls lease.Lessor: a
 * put or delete moves a key between leases. The lease package's Lessor has
 * exactly these methods, so `kv.setLessor(lessor)` needs no adapter. Keys are
 * the raw key bytes. What attach/detach return is ignored: the store checks
 * exists() before a put, and etcd only logs a failed detach or restore attach.
 */
export interface LeaseHooks {
  /** Whether a lease exists (lessor.Lookup != nil); a put naming a missing one fails. */
  exists(lease: LeaseID): boolean;
  /** Must tolerate keys already attached to that lease (restore re-attaches every live key). */
  attach(lease: LeaseID, keys: readonly Uint8Array[]): void;
  detach(lease: LeaseID, keys: readonly Uint8Array[]): void;
}

/** Store tunables. */
export interface StoreOptions {
  /**
   * The byte arrays of put requests are never changed after the call (they are
   * views into decoded raft entries), so records keep them instead of copies.
   */
  adoptValues?: boolean;
  /** --max-txn-ops: most operations (or compares) one txn may hold. Default 128. */
  maxTxnOps?: number;
  /** --quota-backend-bytes: db size at which writes are refused. Default 2 GiB. */
  quotaBytes?: number;
}

export const DEFAULT_MAX_TXN_OPS = 128;
/** etcd's DefaultQuotaBytes. */
export const DEFAULT_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;
