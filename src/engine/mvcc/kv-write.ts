// Put and DeleteRange as etcd's applier runs them inside a write txn
// (etcdserver/apply.go): ignore_value / ignore_lease reuse the key's current
// value or lease (so the key must exist), prev_kv returns what was replaced.
import { rangeEndOf, toBinary } from './binary.ts';
import { EMPTY_VALUE } from './backend.ts';
import { ErrKeyNotFound, KvError } from './errors.ts';
import { toKeyValue } from './events.ts';
import { NO_LEASE } from './lease-id.ts';
import { header, type DeleteRangeRequest, type DeleteRangeResponse, type PutRequest, type PutResponse } from './rpc.ts';
import type { WriteTxn } from './store-txn.ts';
import type { KeyValue } from './types.ts';

/** Puts inside an open write txn. Throws KvError (key not found) before writing anything. */
export function applyPut(tx: WriteTxn, r: PutRequest): PutResponse {
  const key = toBinary(r.key);
  let value: Uint8Array | undefined;
  let lease = r.lease ?? NO_LEASE;
  let prevKv: KeyValue | undefined;
  if (r.ignoreValue || r.ignoreLease || r.prevKv) {
    const prev = tx.range(key, undefined, {}).records[0];
    if ((r.ignoreValue || r.ignoreLease) && prev === undefined) throw new KvError(ErrKeyNotFound);
    if (prev !== undefined) {
      if (r.ignoreValue) value = prev.value;
      if (r.ignoreLease) lease = prev.lease;
      if (r.prevKv) prevKv = toKeyValue(prev);
    }
  }
  if (value === undefined) value = r.value === undefined ? EMPTY_VALUE : tx.adoptValues ? r.value : r.value.slice();
  const rev = tx.put(key, value, lease);
  const resp: PutResponse = { header: header(rev) };
  if (prevKv !== undefined) resp.prevKv = prevKv;
  return resp;
}

/** Deletes inside an open write txn; the header revision moves only if the txn has written. */
export function applyDeleteRange(tx: WriteTxn, r: DeleteRangeRequest): DeleteRangeResponse {
  const key = toBinary(r.key);
  const end = rangeEndOf(r.rangeEnd);
  const prevKvs: KeyValue[] = [];
  if (r.prevKv) {
    for (const rec of tx.range(key, end, {}).records) prevKvs.push(toKeyValue(rec));
  }
  const deleted = tx.deleteRange(key, end);
  return { header: header(tx.readRev()), deleted, prevKvs };
}
