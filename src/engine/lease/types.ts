// The lease messages of etcd 3.4's etcdserverpb (rpc.proto) and leasepb, with
// Go's field names (TTL, ID, ...) so code and JSON line up with etcd's API.
//
// Lease IDs are int64 in etcd. Here a LeaseID is the ID's 64-bit pattern as a
// lower-case hex string without leading zeros, the convention raft already uses
// for member IDs (raft/types.ts NodeId): '0' is NoLease, and a negative int64
// (a client may ask for one) is its two's complement, so -5 is 'fffffffffffffffb'.
// Strings keep responses JSON-serializable and usable as Map keys; id.ts turns
// them into what etcdctl prints (%016x of the int64, or decimal for -w json).
// TTLs are seconds and times are virtual milliseconds, both plain numbers
// (MaxLeaseTTL, 9e9 s, is far inside 2^53).
import type { ResponseHeader } from '../api/header.ts';

export type LeaseID = string;

/** lease.NoLease: "no lease" on a key, and "choose one for me" in a grant request. */
export const NO_LEASE: LeaseID = '0';

/** lease.MaxLeaseTTL: the largest TTL (seconds) a grant may ask for. */
export const MAX_LEASE_TTL = 9_000_000_000;

export interface LeaseGrantRequest {
  /** Requested time-to-live in seconds; raised to the lessor's minimum. */
  TTL: number;
  /** Requested ID, or NO_LEASE to let the server choose one. */
  ID: LeaseID;
}

export interface LeaseGrantResponse {
  header: ResponseHeader;
  ID: LeaseID;
  /** The TTL actually granted (after raising to the minimum). */
  TTL: number;
  /** Always '' in practice: etcd reports failures as gRPC errors instead. */
  error: string;
}

export interface LeaseRevokeRequest {
  ID: LeaseID;
}

export interface LeaseRevokeResponse {
  header: ResponseHeader;
}

export interface LeaseKeepAliveRequest {
  ID: LeaseID;
}

export interface LeaseKeepAliveResponse {
  header: ResponseHeader;
  ID: LeaseID;
  /** The renewed TTL; 0 when the lease was not found (v3rpc maps the error to TTL 0). */
  TTL: number;
}

export interface LeaseTimeToLiveRequest {
  ID: LeaseID;
  /** Also list the keys attached to the lease. */
  keys: boolean;
}

export interface LeaseTimeToLiveResponse {
  header: ResponseHeader;
  ID: LeaseID;
  /** Remaining seconds, truncated toward zero; -1 when the lease does not exist. */
  TTL: number;
  /** The TTL the lease was granted with (0 when it does not exist). */
  grantedTTL: number;
  keys: Uint8Array[];
}

export interface LeaseLeasesRequest {}

export interface LeaseStatus {
  ID: LeaseID;
}

export interface LeaseLeasesResponse {
  header: ResponseHeader;
  leases: LeaseStatus[];
}

/** One lease's remaining TTL as the primary saw it, replicated through raft. */
export interface LeaseCheckpoint {
  ID: LeaseID;
  remaining_TTL: number;
}

export interface LeaseCheckpointRequest {
  checkpoints: LeaseCheckpoint[];
}

export interface LeaseCheckpointResponse {
  header: ResponseHeader;
}

/** leasepb.Lease (what etcd keeps in its "lease" bucket) plus the attached keys. */
export interface PersistedLease {
  ID: LeaseID;
  TTL: number;
  /** Last checkpointed remaining TTL in seconds; 0 means unset (use TTL). */
  remainingTTL: number;
  keys: Uint8Array[];
}

/** A read-only view of one lease, as Lookup/Leases return it. */
export interface LeaseInfo {
  ID: LeaseID;
  /** Granted TTL in seconds (already raised to the minimum). */
  TTL: number;
  /** Last checkpointed remaining TTL in seconds; 0 means unset. */
  remainingTTL: number;
  /** Virtual ms when the lease expires; Infinity ("forever") unless this lessor is primary. */
  expiry: number;
  /** Attached keys in byte order. */
  keys: Uint8Array[];
}

/**
 * Deletes a revoked lease's keys. The store must run all the deletions as ONE
 * write txn (one revision), as etcd's lessor does with its TxnDelete, so a
 * revoke is atomic for watchers and for every member's store hash. Deleting a
 * leased key is expected to call Lessor.detach for it, as mvcc does. The mvcc
 * KVStore is one as it stands (`lessor.setRangeDeleter(kv)`); whatever it
 * returns (the number deleted) is ignored.
 */
export interface RangeDeleter {
  deleteKeys(keys: Uint8Array[]): void;
}

/**
 * Proposes checkpoints through raft (etcd's Checkpointer). Setting one is
 * --experimental-enable-lease-checkpoint; every member applies the proposal
 * with Lessor.checkpoint.
 */
export type Checkpointer = (req: LeaseCheckpointRequest) => void;

/** Outcome of a lessor call, shaped like the cluster's Result. */
export type LeaseResult<T> = { ok: true; value: T } | { ok: false; error: string };
