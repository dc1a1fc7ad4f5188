// What a request costs against the space quota (etcdserver/quota.go): a
// put's encoded size plus kvOverhead for its key's metadata; a txn costs its
// more expensive branch. The server asks KVStore.quotaExceeded(cost) before
// proposing, and raises the NOSPACE alarm itself.
import { NO_LEASE, leaseVarintSize, type LeaseID } from './lease-id.ts';
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

/** Protobuf size of the int64 lease field (NO_LEASE is not encoded). */
function leaseField(id: LeaseID): number {
  return id === NO_LEASE ? 0 : 1 + leaseVarintSize(id);
}

export function putCost(r: PutRequest): number {
  const size =
    bytesField(r.key.length) +
    bytesField(r.value?.length ?? 0) +
    leaseField(r.lease ?? NO_LEASE) +
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
