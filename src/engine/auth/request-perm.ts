// Per-request permission checks the server runs before serving or applying KV, txn, watch
// and lease requests (etcdserver/apply_auth.go, v3_server.go, api/v3rpc/watch.go in 3.4).
// Requests are typed structurally, by the few fields auth reads, so the server's own
// etcdserverpb types fit without this module depending on them. Each returns null when
// permitted, or the AuthError to answer with.

import type { AuthError } from './errors.ts';
import type { AuthStore } from './store.ts';
import type { AuthInfo } from './types.ts';

export interface RangeRequestLike {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
}

export interface PutRequestLike {
  key: Uint8Array;
  prevKv?: boolean;
}

export interface DeleteRangeRequestLike {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  prevKv?: boolean;
}

export interface CompareLike {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
}

/** etcdserverpb.RequestOp: exactly one field set. */
export interface RequestOpLike {
  requestRange?: RangeRequestLike;
  requestPut?: PutRequestLike;
  requestDeleteRange?: DeleteRangeRequestLike;
  requestTxn?: TxnRequestLike;
}

/** Fields may be absent, as protobuf's empty repeated fields are. */
export interface TxnRequestLike {
  compare?: readonly CompareLike[];
  success?: readonly RequestOpLike[];
  failure?: readonly RequestOpLike[];
}

export interface TxnAuthOptions {
  /**
   * Also check the ops of nested txns. etcd 3.4.23 does not: a nested txn's ops run
   * unchecked (observed: a user without read permission read a key through a nested
   * range). Later patch releases check them; false (the default) reproduces 3.4.23.
   */
  checkNested?: boolean;
}

const EMPTY = new Uint8Array(0);

/** Range: read permission over [key, rangeEnd). */
export function checkRangeAuth(as: AuthStore, ai: AuthInfo | null, r: RangeRequestLike): AuthError | null {
  return as.isRangePermitted(ai, r.key, r.rangeEnd ?? EMPTY);
}

/**
 * Put: write permission on the key; with prevKv also read permission on it. leaseKeys,
 * when the put attaches a lease, are the keys already on that lease: the user must be
 * able to write each (else they could not revoke the lease), as in etcd's checkLeasePuts.
 */
export function checkPutAuth(
  as: AuthStore,
  ai: AuthInfo | null,
  r: PutRequestLike,
  leaseKeys: Iterable<Uint8Array> = [],
): AuthError | null {
  return (
    as.isPutPermitted(ai, r.key) ??
    checkLeaseKeysAuth(as, ai, leaseKeys) ??
    (r.prevKv ? as.isRangePermitted(ai, r.key, EMPTY) : null)
  );
}

/** DeleteRange: write permission over the range; with prevKv also read permission. */
export function checkDeleteRangeAuth(as: AuthStore, ai: AuthInfo | null, r: DeleteRangeRequestLike): AuthError | null {
  const end = r.rangeEnd ?? EMPTY;
  return as.isDeleteRangePermitted(ai, r.key, end) ?? (r.prevKv ? as.isRangePermitted(ai, r.key, end) : null);
}

/** LeaseRevoke (and puts onto a lease): write permission on every key attached to it. */
export function checkLeaseKeysAuth(as: AuthStore, ai: AuthInfo | null, keys: Iterable<Uint8Array>): AuthError | null {
  for (const key of keys) {
    const err = as.isPutPermitted(ai, key);
    if (err) return err;
  }
  return null;
}

function checkOps(as: AuthStore, ai: AuthInfo | null, ops: readonly RequestOpLike[], opts: TxnAuthOptions): AuthError | null {
  for (const op of ops) {
    let err: AuthError | null = null;
    if (op.requestRange) {
      err = checkRangeAuth(as, ai, op.requestRange);
    } else if (op.requestPut) {
      // Inside a txn etcd 3.4 checks only the write, not prevKv's read.
      err = as.isPutPermitted(ai, op.requestPut.key);
    } else if (op.requestDeleteRange) {
      const d = op.requestDeleteRange;
      const end = d.rangeEnd ?? EMPTY;
      err = (d.prevKv ? as.isRangePermitted(ai, d.key, end) : null) ?? as.isDeleteRangePermitted(ai, d.key, end);
    } else if (op.requestTxn && opts.checkNested) {
      err = checkTxnAuth(as, ai, op.requestTxn, opts);
    }
    if (err) return err;
  }
  return null;
}

/**
 * checkTxnAuth: read permission on every compare's range, then every op of both branches
 * (whichever branch will run), so a txn is refused as a whole.
 */
export function checkTxnAuth(
  as: AuthStore,
  ai: AuthInfo | null,
  txn: TxnRequestLike,
  opts: TxnAuthOptions = {},
): AuthError | null {
  for (const c of txn.compare ?? []) {
    const err = as.isRangePermitted(ai, c.key, c.rangeEnd ?? EMPTY);
    if (err) return err;
  }
  return checkOps(as, ai, txn.success ?? [], opts) ?? checkOps(as, ai, txn.failure ?? [], opts);
}

/**
 * isWatchPermitted: read permission over the watched range. etcd answers a refused
 * watch create by cancelling it with "etcdserver: permission denied".
 */
export function isWatchPermitted(as: AuthStore, ai: AuthInfo | null, key: Uint8Array, rangeEnd: Uint8Array = EMPTY): boolean {
  return as.isRangePermitted(ai, key, rangeEnd) === null;
}
