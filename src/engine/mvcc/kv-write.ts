// Put and DeleteRange as etcd's applier runs them inside a write txn
// (etcdserver/apply.go): ignore_value / ignore_lease reuse the key's current
// value or lease (so the key must exist), prev_kv returns what was replaced.
import { rangeEndOf, toBinary } from './binary.ts';
import { EMPTY_VALUE, type KvRecord } from './backend.ts';
import { ErrKeyNotFound, KvError } from './errors.ts';
import { toKeyValue } from './events.ts';
import { NO_LEASE } from './lease-id.ts';
import { header, type DeleteRangeRequest, type DeleteRangeResponse, type PutRequest, type PutResponse } from './rpc.ts';
import type { WriteTxn } from './store-txn.ts';
import type { KeyValue } from './types.ts';

/** Puts inside an open write txn. Throws KvError (key not found) before writing anything. */
export function applyPut(tx: WriteTxn, r: PutRequest): PutResponse {
  const key = toBinary(r.key);
  const prev = r.ignoreValue || r.ignoreLease || r.prevKv ? currentVersion(tx, key, r) : undefined;
  const resp: PutResponse = { header: header(writeKey(tx, key, r, prev)) };
  if (r.prevKv && prev !== undefined) resp.prevKv = toKeyValue(prev);
  return resp;
}

/** applyPut for a member that answers nobody: the same write, without the response. */
export function applyPutQuietly(tx: WriteTxn, r: PutRequest): void {
  const key = toBinary(r.key);
  writeKey(tx, key, r, r.ignoreValue || r.ignoreLease ? currentVersion(tx, key, r) : undefined);
}

/** The key's version now; ignore_value and ignore_lease need one to take from. */
function currentVersion(tx: WriteTxn, key: string, r: PutRequest): KvRecord | undefined {
  const prev = tx.range(key, undefined, {}).records[0];
  if ((r.ignoreValue || r.ignoreLease) && prev === undefined) throw new KvError(ErrKeyNotFound);
  return prev;
}

/** Writes the put (its value and lease, or prev's where it ignores its own); returns the revision. */
function writeKey(tx: WriteTxn, key: string, r: PutRequest, prev: KvRecord | undefined): number {
  const value = r.ignoreValue ? prev!.value : r.value === undefined ? EMPTY_VALUE : tx.adoptValues ? r.value : r.value.slice();
  const lease = r.ignoreLease ? prev!.lease : (r.lease ?? NO_LEASE);
  return tx.put(key, value, lease);
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
