// The MVCC key-value store: etcd's mvcc package and the KV half of its applier.
export { KVStore } from './kvstore.ts';
export type { ReadView, RangeResult, WriteTxn } from './store-txn.ts';
export { KvRecord } from './backend.ts';
export { fromBinary, toBinary, rangeEndOf, type RangeEnd } from './binary.ts';
export { toRevision, packRev, mainOf, subOf } from './revision.ts';
export { Crc32c, crc32c } from './crc32c.ts';
export { isTxnReadonly } from './kv-txn.ts';
export { putCost, txnCost, KV_OVERHEAD } from './quota.ts';
export * from './errors.ts';
export * from './types.ts';
export * from './rpc.ts';
export * from './watch.ts';
