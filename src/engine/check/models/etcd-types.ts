// The client-visible shapes of etcd v3 KV calls, as recorded in a history.
// A fuzzer turns each client call into one EtcdInput and its reply (or the lack
// of one) into one EtcdOutput. Names follow etcd's protobuf fields in camelCase.

export interface EtcdKeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
}

/** Range over exactly one key. */
export interface EtcdGet {
  type: 'get';
  key: string;
}

export interface EtcdPut {
  type: 'put';
  key: string;
  value: string;
}

/** DeleteRange over exactly one key. */
export interface EtcdDelete {
  type: 'delete';
  key: string;
}

export type EtcdRequestOp = EtcdGet | EtcdPut | EtcdDelete;

export type EtcdCompareOp = '=' | '!=' | '>' | '<';

/** One guard of a txn, as clientv3.Compare(Value(k) / Version(k) / CreateRevision(k) / ModRevision(k), op, v). */
export type EtcdCompare =
  | { key: string; target: 'value'; op: EtcdCompareOp; value: string }
  | { key: string; target: 'version' | 'create' | 'mod'; op: EtcdCompareOp; value: number };

export interface EtcdTxn {
  type: 'txn';
  compare: EtcdCompare[];
  success: EtcdRequestOp[];
  failure: EtcdRequestOp[];
}

export type EtcdInput = EtcdRequestOp | EtcdTxn;

/** The response of one operation inside a txn (its header carries no extra information). */
export type EtcdOpResponse =
  | { type: 'get'; kvs: EtcdKeyValue[] }
  | { type: 'put' }
  | { type: 'delete'; deleted: number };

export interface EtcdGetResponse {
  type: 'get';
  /** Header revision: the store revision the read was served at. */
  revision: number;
  /** Empty when the key does not exist, else exactly one entry. */
  kvs: EtcdKeyValue[];
}

export interface EtcdPutResponse {
  type: 'put';
  revision: number;
}

export interface EtcdDeleteResponse {
  type: 'delete';
  revision: number;
  deleted: number;
}

export interface EtcdTxnResponse {
  type: 'txn';
  revision: number;
  succeeded: boolean;
  /** One per op of the branch taken; omit to leave them unchecked. */
  responses?: EtcdOpResponse[];
}

export type EtcdResponse = EtcdGetResponse | EtcdPutResponse | EtcdDeleteResponse | EtcdTxnResponse;

export type EtcdOutput =
  | EtcdResponse
  /** No reply (timeout, lost connection): may or may not have taken effect. Use return time +Infinity. */
  | { type: 'unknown' }
  /** A definite error: the request was not applied. Constrains nothing. */
  | { type: 'failed' };

/** The model state: the current store revision and the live keys. */
export interface EtcdState {
  readonly revision: number;
  readonly kvs: ReadonlyMap<string, EtcdKeyValue>;
  /** Sum of per-key hashes, so a write updates it in O(1). */
  readonly kvHash: number;
}
