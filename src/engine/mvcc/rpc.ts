// etcdserverpb's KV messages (api/etcdserverpb/rpc.proto, etcd 3.4): field
// names are camelCase versions of the proto names, enums are their proto
// names as strings. Request fields are optional where proto3 gives them a
// zero default, so `{ key }` is a complete RangeRequest.
//
// Lease IDs are the lease package's LeaseID (hex of the int64's bit pattern,
// '0' for none): a JS number cannot hold every int64.
import type { ResponseHeader } from '../api/header.ts';
import type { LeaseID } from '../lease/types.ts';
import type { KeyValue } from './types.ts';

/** Re-exported: the KV API's callers find every etcdserverpb KV type here. */
export type { ResponseHeader };

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
  key: Uint8Array;
  /** Empty: just key. "\0": every key >= key. Otherwise [key, rangeEnd). */
  rangeEnd?: Uint8Array;
  /** <= 0: no limit. */
  limit?: number;
  /** <= 0: the current revision. */
  revision?: number;
  sortOrder?: SortOrder;
  sortTarget?: SortTarget;
  /** Served locally without a quorum read (the server layer's concern). */
  serializable?: boolean;
  keysOnly?: boolean;
  countOnly?: boolean;
  minModRevision?: number;
  maxModRevision?: number;
  minCreateRevision?: number;
  maxCreateRevision?: number;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  /** More keys matched than were returned (limit). */
  more: boolean;
  /** All keys in the range at the read revision (before the min/max filters, as etcd does). */
  count: number;
}

export interface PutRequest {
  key: Uint8Array;
  value?: Uint8Array;
  /** The lease to attach the key to; '0' (or absent) for none. */
  lease?: LeaseID;
  prevKv?: boolean;
  /** Keep the current value (the key must exist; value must be empty). */
  ignoreValue?: boolean;
  /** Keep the current lease (the key must exist; lease must be '0'). */
  ignoreLease?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  prevKv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prevKvs: KeyValue[];
}

/** oneof request: exactly one field is set. */
export interface RequestOp {
  requestRange?: RangeRequest;
  requestPut?: PutRequest;
  requestDeleteRange?: DeleteRangeRequest;
  requestTxn?: TxnRequest;
}

/** oneof response: the field matching the request. */
export interface ResponseOp {
  responseRange?: RangeResponse;
  responsePut?: PutResponse;
  responseDeleteRange?: DeleteRangeResponse;
  responseTxn?: TxnResponse;
}

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

/**
 * One txn guard. The field named by target is the one compared (proto's
 * target_union oneof); result and target default to EQUAL and VERSION.
 */
export interface Compare {
  result?: CompareResult;
  target?: CompareTarget;
  key: Uint8Array;
  /** As in RangeRequest: the compare must hold for every key in the range. */
  rangeEnd?: Uint8Array;
  version?: number;
  createRevision?: number;
  modRevision?: number;
  value?: Uint8Array;
  /** Compared as a signed int64, as etcd does. */
  lease?: LeaseID;
}

export interface TxnRequest {
  compare?: Compare[];
  success?: RequestOp[];
  failure?: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: number;
  /** Wait until the compaction is physically applied; this store always compacts at once. */
  physical?: boolean;
}

export interface CompactionResponse {
  header: ResponseHeader;
}

/** maintenance HashKV's answer (without the header, which the server adds). */
export interface HashKVResult {
  hash: number;
  /** The store's compact revision when hashed. */
  compactRevision: number;
  /** The store's current revision when hashed. */
  revision: number;
}

/** A header with only the revision set; the server fills in the rest. */
export function header(revision: number): ResponseHeader {
  return { clusterId: '0', memberId: '0', revision, raftTerm: 0 };
}
