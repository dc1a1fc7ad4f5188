// KV and Watch messages between proto-loader's objects and the engine's
// types. proto-loader is set up (load.ts) with camelCase names, enums as
// their names, int64 as decimal strings, bytes as Buffers and defaults
// filled in, so a request always has every scalar; an unset message field
// is null and an unset oneof member is absent. Responses go out as plain
// objects protobufjs encodes (numbers and strings both fit int64 fields).
import type { ResponseHeader } from '../../engine/api/header.ts';
import type {
  Compare,
  CompactionRequest,
  DeleteRangeRequest,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from '../../engine/mvcc/rpc.ts';
import type { Event, KeyValue } from '../../engine/mvcc/types.ts';
import type { WatchCreateRequest, WatchRequest, WatchResponse } from '../../engine/mvcc/watch-types.ts';
import { leaseFromWire, leaseToWire, num, u64ToWire } from './ids.ts';

/** A message as proto-loader decodes it, or as protobufjs encodes it. */
export type Wire = any;

const EMPTY = new Uint8Array(0);

function bytes(v: Wire): Uint8Array {
  return v instanceof Uint8Array ? v : EMPTY;
}

export function headerToWire(h: ResponseHeader | undefined): Wire {
  if (!h) return null;
  return { clusterId: u64ToWire(h.clusterId), memberId: u64ToWire(h.memberId), revision: h.revision, raftTerm: h.raftTerm };
}

export function kvToWire(kv: KeyValue | undefined): Wire {
  if (!kv) return null;
  return {
    key: kv.key,
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
    value: kv.value,
    lease: leaseToWire(kv.lease),
  };
}

export function eventToWire(e: Event): Wire {
  return { type: e.type, kv: kvToWire(e.kv), prevKv: kvToWire(e.prevKv) };
}

// ---- requests ----

export function rangeFromWire(w: Wire): RangeRequest {
  return {
    key: bytes(w.key),
    rangeEnd: bytes(w.rangeEnd),
    limit: num(w.limit),
    revision: num(w.revision),
    sortOrder: w.sortOrder ?? 'NONE',
    sortTarget: w.sortTarget ?? 'KEY',
    serializable: !!w.serializable,
    keysOnly: !!w.keysOnly,
    countOnly: !!w.countOnly,
    minModRevision: num(w.minModRevision),
    maxModRevision: num(w.maxModRevision),
    minCreateRevision: num(w.minCreateRevision),
    maxCreateRevision: num(w.maxCreateRevision),
  };
}

export function putFromWire(w: Wire): PutRequest {
  return {
    key: bytes(w.key),
    value: bytes(w.value),
    lease: leaseFromWire(w.lease),
    prevKv: !!w.prevKv,
    ignoreValue: !!w.ignoreValue,
    ignoreLease: !!w.ignoreLease,
  };
}

export function deleteRangeFromWire(w: Wire): DeleteRangeRequest {
  return { key: bytes(w.key), rangeEnd: bytes(w.rangeEnd), prevKv: !!w.prevKv };
}

function compareFromWire(w: Wire): Compare {
  const c: Compare = { result: w.result ?? 'EQUAL', target: w.target ?? 'VERSION', key: bytes(w.key), rangeEnd: bytes(w.rangeEnd) };
  // Only the oneof member the client set is present (target_union).
  if (w.version != null) c.version = num(w.version);
  if (w.createRevision != null) c.createRevision = num(w.createRevision);
  if (w.modRevision != null) c.modRevision = num(w.modRevision);
  if (w.value != null) c.value = bytes(w.value);
  if (w.lease != null) c.lease = leaseFromWire(w.lease);
  return c;
}

function requestOpFromWire(w: Wire): RequestOp {
  if (w.requestRange != null) return { requestRange: rangeFromWire(w.requestRange) };
  if (w.requestPut != null) return { requestPut: putFromWire(w.requestPut) };
  if (w.requestDeleteRange != null) return { requestDeleteRange: deleteRangeFromWire(w.requestDeleteRange) };
  if (w.requestTxn != null) return { requestTxn: txnFromWire(w.requestTxn) };
  // An empty RequestOp: etcd's checkRequestOp ignores it and its apply skips it.
  return {};
}

export function txnFromWire(w: Wire): TxnRequest {
  return {
    compare: (w.compare ?? []).map(compareFromWire),
    success: (w.success ?? []).map(requestOpFromWire),
    failure: (w.failure ?? []).map(requestOpFromWire),
  };
}

export function compactFromWire(w: Wire): CompactionRequest {
  return { revision: num(w.revision), physical: !!w.physical };
}

// ---- responses ----

export function rangeToWire(r: RangeResponse): Wire {
  return { header: headerToWire(r.header), kvs: r.kvs.map(kvToWire), more: r.more, count: r.count };
}

export function putToWire(r: PutResponse): Wire {
  return { header: headerToWire(r.header), prevKv: kvToWire(r.prevKv) };
}

export function deleteRangeToWire(r: DeleteRangeResponse): Wire {
  return { header: headerToWire(r.header), deleted: r.deleted, prevKvs: (r.prevKvs ?? []).map(kvToWire) };
}

function responseOpToWire(r: ResponseOp): Wire {
  if (r.responseRange) return { responseRange: rangeToWire(r.responseRange) };
  if (r.responsePut) return { responsePut: putToWire(r.responsePut) };
  if (r.responseDeleteRange) return { responseDeleteRange: deleteRangeToWire(r.responseDeleteRange) };
  if (r.responseTxn) return { responseTxn: txnToWire(r.responseTxn) };
  return {};
}

export function txnToWire(r: TxnResponse): Wire {
  return { header: headerToWire(r.header), succeeded: r.succeeded, responses: r.responses.map(responseOpToWire) };
}

// ---- watch ----

function watchCreateFromWire(w: Wire): WatchCreateRequest {
  return {
    key: bytes(w.key),
    rangeEnd: bytes(w.rangeEnd),
    startRevision: num(w.startRevision),
    progressNotify: !!w.progressNotify,
    filters: w.filters ?? [],
    prevKv: !!w.prevKv,
    watchId: num(w.watchId),
    fragment: !!w.fragment,
  };
}

/** A WatchRequest; undefined for one with no member of request_union set (etcd ignores it). */
export function watchRequestFromWire(w: Wire): WatchRequest | undefined {
  if (w.createRequest != null) return { createRequest: watchCreateFromWire(w.createRequest) };
  if (w.cancelRequest != null) return { cancelRequest: { watchId: num(w.cancelRequest.watchId) } };
  if (w.progressRequest != null) return { progressRequest: {} };
  return undefined;
}

export function watchResponseToWire(r: WatchResponse): Wire {
  return {
    header: headerToWire(r.header),
    watchId: r.watchId,
    created: r.created,
    canceled: r.canceled,
    compactRevision: r.compactRevision,
    cancelReason: r.cancelReason,
    fragment: r.fragment,
    events: r.events.map(eventToWire),
  };
}
