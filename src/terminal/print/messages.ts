// etcdserverpb / mvccpb messages of the KV API in etcdctl's json, protobuf
// and fields forms. Shared parts (ResponseHeader, KeyValue) are used by the
// other commands' printers too.
import type { ResponseHeader } from '../../engine/api/header.ts';
import type { CompactionResponse, DeleteRangeResponse, PutResponse, RangeResponse, ResponseOp, TxnResponse } from '../../engine/mvcc/rpc.ts';
import type { KeyValue } from '../../engine/mvcc/types.ts';
import { goQuote } from './bytes.ts';
import { type Json, i64FromHex, jsonObject, oe, u64FromHex } from './gojson.ts';
import { ProtoWriter } from './protobuf.ts';

// ---- JSON (json tags of the gogo structs) ----

/** etcdserverpb.ResponseHeader; every field omitempty. */
export function headerJSON(h: ResponseHeader | undefined): Json | undefined {
  if (!h) return undefined;
  return jsonObject([
    ['cluster_id', oe.u64hex(h.clusterId)],
    ['member_id', oe.u64hex(h.memberId)],
    ['revision', oe.int(h.revision)],
    ['raft_term', oe.int(h.raftTerm)],
  ]);
}

/** mvccpb.KeyValue; every field omitempty, bytes base64, lease as signed int64. */
export function kvJSON(kv: KeyValue): Json {
  return jsonObject([
    ['key', oe.bytes(kv.key)],
    ['create_revision', oe.int(kv.createRevision)],
    ['mod_revision', oe.int(kv.modRevision)],
    ['version', oe.int(kv.version)],
    ['value', oe.bytes(kv.value)],
    ['lease', oe.i64hex(kv.lease)],
  ]);
}

export function rangeJSON(r: RangeResponse): Json {
  return jsonObject([
    ['header', headerJSON(r.header)],
    ['kvs', oe.array(r.kvs.map(kvJSON))],
    ['more', oe.bool(r.more)],
    ['count', oe.int(r.count)],
  ]);
}

export function putJSON(r: PutResponse): Json {
  return jsonObject([
    ['header', headerJSON(r.header)],
    ['prev_kv', r.prevKv ? kvJSON(r.prevKv) : undefined],
  ]);
}

export function deleteJSON(r: DeleteRangeResponse): Json {
  return jsonObject([
    ['header', headerJSON(r.header)],
    ['deleted', oe.int(r.deleted)],
    ['prev_kvs', oe.array(r.prevKvs.map(kvJSON))],
  ]);
}

/** ResponseOp: the oneof interface field "Response" holding the wrapper struct with its Go field name. */
function responseOpJSON(op: ResponseOp): Json {
  let inner: Json = 'null';
  if (op.responseRange) inner = jsonObject([['ResponseRange', rangeJSON(op.responseRange)]]);
  else if (op.responsePut) inner = jsonObject([['ResponsePut', putJSON(op.responsePut)]]);
  else if (op.responseDeleteRange) inner = jsonObject([['ResponseDeleteRange', deleteJSON(op.responseDeleteRange)]]);
  else if (op.responseTxn) inner = jsonObject([['ResponseTxn', txnJSON(op.responseTxn)]]);
  return jsonObject([['Response', inner]]);
}

export function txnJSON(r: TxnResponse): Json {
  return jsonObject([
    ['header', headerJSON(r.header)],
    ['succeeded', oe.bool(r.succeeded)],
    ['responses', oe.array(r.responses.map(responseOpJSON))],
  ]);
}

export function compactionJSON(r: CompactionResponse): Json {
  return jsonObject([['header', headerJSON(r.header)]]);
}

// ---- protobuf (field numbers of rpc.proto / kv.proto) ----

export function headerPB(h: ResponseHeader): ProtoWriter {
  return new ProtoWriter().hexVarint(1, h.clusterId).hexVarint(2, h.memberId).varint(3, h.revision).varint(4, h.raftTerm);
}

export function kvPB(kv: KeyValue): ProtoWriter {
  return new ProtoWriter()
    .bytes(1, kv.key)
    .varint(2, kv.createRevision)
    .varint(3, kv.modRevision)
    .varint(4, kv.version)
    .bytes(5, kv.value)
    .hexVarint(6, kv.lease === '0' ? undefined : kv.lease);
}

export function rangePB(r: RangeResponse): ProtoWriter {
  return new ProtoWriter().message(1, headerPB(r.header)).messages(2, r.kvs, kvPB).bool(3, r.more).varint(4, r.count);
}

export function putPB(r: PutResponse): ProtoWriter {
  return new ProtoWriter().message(1, headerPB(r.header)).message(2, r.prevKv ? kvPB(r.prevKv) : undefined);
}

export function deletePB(r: DeleteRangeResponse): ProtoWriter {
  return new ProtoWriter().message(1, headerPB(r.header)).varint(2, r.deleted).messages(3, r.prevKvs, kvPB);
}

function responseOpPB(op: ResponseOp): ProtoWriter {
  const w = new ProtoWriter();
  if (op.responseRange) w.message(1, rangePB(op.responseRange));
  else if (op.responsePut) w.message(2, putPB(op.responsePut));
  else if (op.responseDeleteRange) w.message(3, deletePB(op.responseDeleteRange));
  else if (op.responseTxn) w.message(4, txnPB(op.responseTxn));
  return w;
}

export function txnPB(r: TxnResponse): ProtoWriter {
  return new ProtoWriter().message(1, headerPB(r.header)).bool(2, r.succeeded).messages(3, r.responses, responseOpPB);
}

export function compactionPB(r: CompactionResponse): ProtoWriter {
  return new ProtoWriter().message(1, headerPB(r.header));
}

// ---- fields (etcdctl's printer_fields.go) ----

/** The four header lines: `"ClusterID" : 123` (fmt.Println of the label and the value). */
export function headerFields(h: ResponseHeader): string {
  return (
    `"ClusterID" : ${u64FromHex(h.clusterId)}\n` +
    `"MemberID" : ${u64FromHex(h.memberId)}\n` +
    `"Revision" : ${h.revision}\n` +
    `"RaftTerm" : ${h.raftTerm}\n`
  );
}

/** A KeyValue's six lines, names prefixed with pfx ("Prev" for previous pairs); strings in %q. */
export function kvFields(pfx: string, kv: KeyValue): string {
  return (
    `"${pfx}Key" : ${goQuote(kv.key)}\n` +
    `"${pfx}CreateRevision" : ${kv.createRevision}\n` +
    `"${pfx}ModRevision" : ${kv.modRevision}\n` +
    `"${pfx}Version" : ${kv.version}\n` +
    `"${pfx}Value" : ${goQuote(kv.value)}\n` +
    `"${pfx}Lease" : ${i64FromHex(kv.lease)}\n`
  );
}

export function rangeFields(r: RangeResponse): string {
  return headerFields(r.header) + r.kvs.map((kv) => kvFields('', kv)).join('') + `"More" : ${r.more}\n"Count" : ${r.count}\n`;
}

export function putFields(r: PutResponse): string {
  return headerFields(r.header) + (r.prevKv ? kvFields('Prev', r.prevKv) : '');
}

export function deleteFields(r: DeleteRangeResponse): string {
  return headerFields(r.header) + `"Deleted" : ${r.deleted}\n` + r.prevKvs.map((kv) => kvFields('Prev', kv)).join('');
}

export function txnFields(r: TxnResponse): string {
  let s = headerFields(r.header) + `"Succeeded" : ${r.succeeded}\n`;
  for (const op of r.responses) {
    if (op.responseDeleteRange) s += deleteFields(op.responseDeleteRange);
    else if (op.responsePut) s += putFields(op.responsePut);
    else if (op.responseRange) s += rangeFields(op.responseRange);
    // A nested txn: etcdctl prints it with %+v of the Go struct; etcdctl never sends one.
    else s += `"Unknown" : ${goQuote('&{ResponseTxn:...}')}\n`;
  }
  return s;
}
