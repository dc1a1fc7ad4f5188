// etcdserverpb and mvccpb message types for the KV service, as the server
// speaks them. The KV messages are defined beside the store that applies
// them (src/engine/mvcc/rpc.ts): engine modules outside src/engine/server may
// not import from it, and the store needs them. Re-exported here so the
// server and its clients find every etcdserverpb type in one place.
export type {
  ResponseHeader,
  SortOrder,
  SortTarget,
  RangeRequest,
  RangeResponse,
  PutRequest,
  PutResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  RequestOp,
  ResponseOp,
  CompareResult,
  CompareTarget,
  Compare,
  TxnRequest,
  TxnResponse,
  CompactionRequest,
  CompactionResponse,
  HashKVResult,
} from '../mvcc/rpc.ts';
export { header } from '../mvcc/rpc.ts';
export type { KeyValue, Event, EventType } from '../mvcc/types.ts';
