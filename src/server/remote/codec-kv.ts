// The client's side of the KV and Watch messages: the engine's requests as
// wire objects, and wire responses (proto-loader's shapes, see
// grpc/codec-kv.ts) as the engine's types. Only IDs and int64 fields differ
// between the two (grpc/ids.ts converts them); bytes arrive as Buffers and
// become plain Uint8Array views, so callers see the engine's usual values.
import type { ResponseHeader } from '../../engine/api/header.ts';
import type {
  Compare,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
  RangeResponse,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from '../../engine/mvcc/rpc.ts';
import type { Event, KeyValue } from '../../engine/mvcc/types.ts';
import type { WatchResponse } from '../../engine/mvcc/watch-types.ts';
import type { Wire } from '../grpc/codec-kv.ts';
import { leaseFromWire, leaseToWire, num, u64FromWire } from '../grpc/ids.ts';

const EMPTY = new Uint8Array(0);

/** A bytes field as a plain Uint8Array (a view of the Buffer proto-loader made). */
export function bytesFromWire(v: Wire): Uint8Array {
  if (!(v instanceof Uint8Array)) return EMPTY;
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/** A response header; an unset one (etcd 3.4 leaves some out) reads as zeros. */
export function headerFromWire(w: Wire): ResponseHeader {
  return {
    clusterId: u64FromWire(w?.clusterId),
    memberId: u64FromWire(w?.memberId),
    revision: num(w?.revision),
    raftTerm: num(w?.raftTerm),
  };
}

export function kvFromWire(w: Wire): KeyValue {
  return {
    key: bytesFromWire(w.key),
    createRevision: num(w.createRevision),
    modRevision: num(w.modRevision),
    version: num(w.version),
    value: bytesFromWire(w.value),
    lease: leaseFromWire(w.lease),
  };
}

function eventFromWire(w: Wire): Event {
  const e: Event = { type: w.type ?? 'PUT', kv: kvFromWire(w.kv ?? {}) };
  if (w.prevKv) e.prevKv = kvFromWire(w.prevKv);
  return e;
}

// ---- requests ----

export function putToWire(r: PutRequest): Wire {
  return { ...r, lease: leaseToWire(r.lease ?? '0') };
}

function compareToWire(c: Compare): Wire {
  return c.lease === undefined ? c : { ...c, lease: leaseToWire(c.lease) };
}

function requestOpToWire(op: RequestOp): Wire {
  if (op.requestPut) return { requestPut: putToWire(op.requestPut) };
  if (op.requestTxn) return { requestTxn: txnToWire(op.requestTxn) };
  return op;
}

export function txnToWire(r: TxnRequest): Wire {
  return {
    compare: (r.compare ?? []).map(compareToWire),
    success: (r.success ?? []).map(requestOpToWire),
    failure: (r.failure ?? []).map(requestOpToWire),
  };
}

// ---- responses ----

export function rangeFromWire(w: Wire): RangeResponse {
  return { header: headerFromWire(w.header), kvs: (w.kvs ?? []).map(kvFromWire), more: !!w.more, count: num(w.count) };
}

export function putFromWire(w: Wire): PutResponse {
  const r: PutResponse = { header: headerFromWire(w.header) };
  if (w.prevKv) r.prevKv = kvFromWire(w.prevKv);
  return r;
}

export function deleteRangeFromWire(w: Wire): DeleteRangeResponse {
  return { header: headerFromWire(w.header), deleted: num(w.deleted), prevKvs: (w.prevKvs ?? []).map(kvFromWire) };
}

function responseOpFromWire(w: Wire): ResponseOp {
  if (w.responseRange) return { responseRange: rangeFromWire(w.responseRange) };
  if (w.responsePut) return { responsePut: putFromWire(w.responsePut) };
  if (w.responseDeleteRange) return { responseDeleteRange: deleteRangeFromWire(w.responseDeleteRange) };
  if (w.responseTxn) return { responseTxn: txnFromWire(w.responseTxn) };
  return {};
}

export function txnFromWire(w: Wire): TxnResponse {
  return { header: headerFromWire(w.header), succeeded: !!w.succeeded, responses: (w.responses ?? []).map(responseOpFromWire) };
}

export function headerOnlyFromWire(w: Wire): { header: ResponseHeader } {
  return { header: headerFromWire(w.header) };
}

export function watchResponseFromWire(w: Wire): WatchResponse {
  return {
    header: headerFromWire(w.header),
    watchId: num(w.watchId),
    created: !!w.created,
    canceled: !!w.canceled,
    compactRevision: num(w.compactRevision),
    cancelReason: w.cancelReason ?? '',
    fragment: !!w.fragment,
    events: (w.events ?? []).map(eventFromWire),
  };
}
