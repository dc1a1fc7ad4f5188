// What a request costs against the space quota (etcdserver/quota.go): a
// put's encoded size plus kvOverhead for its key's metadata; a txn costs its
// more expensive branch. The server asks KVStore.quotaExceeded(cost) before
// proposing, and raises the NOSPACE alarm itself.
import type { PutRequest, RequestOp, TxnRequest } from './rpc.ts';

/** etcd's estimate of the cost of storing a key's metadata. */
export const KV_OVERHEAD = 256;

/** Protobuf size of a length-delimited bytes field: tag, varint length, bytes. */
function bytesField(n: number): number {
  if (n === 0) return 0;
  let len = 1;
  for (let v = n; v >= 0x80; v = Math.floor(v / 0x80)) len++;
  return 1 + len + n;
}

/** Protobuf size of a varint field (0 is not encoded). */
function varintField(v: number): number {
  if (v === 0) return 0;
  let len = 1;
  for (let x = Math.abs(v); x >= 0x80; x = Math.floor(x / 0x80)) len++;
  return 1 + (v < 0 ? 10 : len);
}

export function putCost(r: PutRequest): number {
  const size =
    bytesField(r.key.length) +
    bytesField(r.value?.length ?? 0) +
    varintField(r.lease ?? 0) +
    (r.prevKv ? 2 : 0) +
    (r.ignoreValue ? 2 : 0) +
    (r.ignoreLease ? 2 : 0);
  return KV_OVERHEAD + size;
}

function opCost(op: RequestOp): number {
  return op.requestPut ? putCost(op.requestPut) : 0;
}

export function txnCost(r: TxnRequest): number {
  let success = 0;
  let failure = 0;
  for (const op of r.success ?? []) success += opCost(op);
  for (const op of r.failure ?? []) failure += opCost(op);
  return Math.max(success, failure);
}
