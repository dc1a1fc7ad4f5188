// What a client sees of etcd: one member's services (KV, Lease, Cluster,
// Watch) behind a connection, and the endpoints it can dial. The in-process
// EtcdCluster implements these today; a gRPC connection to the Node server
// mode can implement the same, so the client never depends on server
// internals. Calls complete through callbacks in virtual time.
import type {
  LeaseGrantRequest,
  LeaseID,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from '../lease/types.ts';
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
} from '../mvcc/rpc.ts';
import type { WatchCreateRequest, WatchRequest, WatchResponse } from '../mvcc/watch-types.ts';
import type { NodeId } from '../raft/types.ts';
import type { ResponseHeader } from './header.ts';

/** gRPC status codes that etcd's errors travel with. */
export type GrpcCode =
  | 'InvalidArgument'
  | 'NotFound'
  | 'FailedPrecondition'
  | 'PermissionDenied'
  | 'Unauthenticated'
  | 'OutOfRange'
  | 'ResourceExhausted'
  | 'DataLoss'
  | 'Unknown'
  | 'Unavailable'
  | 'DeadlineExceeded';

/** A failed call: etcd's text, as clients print it, and its gRPC code. */
export interface RequestError {
  message: string;
  code: GrpcCode;
}

/** Completes a call once: an error, or the response. */
export type Callback<T> = (err: RequestError | undefined, resp?: T) => void;

/** Who a call runs as (etcd takes it from the auth token); absent when auth is off. */
export type RequestAuth = { username: string; authRevision: number };

/** context.DeadlineExceeded: the text a call past its deadline ends with. */
export const ErrDeadlineExceeded = 'context deadline exceeded';

/** etcdserverpb.Member: name and client URLs are empty until the member has started. */
export interface MemberInfo {
  ID: NodeId;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface MemberListResponse {
  header: ResponseHeader;
  members: MemberInfo[];
}

/** One open Watch stream: requests go in, responses come out through its callback. */
export interface WatchStreamHandle {
  /** Creates a watcher; returns its watch ID (-1 when refused). */
  create(req: WatchCreateRequest): number;
  request(req: WatchRequest): void;
  requestProgress(): void;
  close(): void;
}

export type WatchStreamCallback = (err: RequestError | undefined, resp?: WatchResponse) => void;

/** One member's client-facing services. */
export interface EtcdService {
  range(r: RangeRequest, cb: Callback<RangeResponse>, auth?: RequestAuth): void;
  put(r: PutRequest, cb: Callback<PutResponse>, auth?: RequestAuth): void;
  deleteRange(r: DeleteRangeRequest, cb: Callback<DeleteRangeResponse>, auth?: RequestAuth): void;
  txn(r: TxnRequest, cb: Callback<TxnResponse>, auth?: RequestAuth): void;
  compact(r: CompactionRequest, cb: Callback<CompactionResponse>, auth?: RequestAuth): void;
  leaseGrant(r: LeaseGrantRequest, cb: Callback<LeaseGrantResponse>, auth?: RequestAuth): void;
  leaseRevoke(r: LeaseRevokeRequest, cb: Callback<LeaseRevokeResponse>, auth?: RequestAuth): void;
  leaseKeepAlive(id: LeaseID, cb: Callback<LeaseKeepAliveResponse>): void;
  leaseTimeToLive(r: LeaseTimeToLiveRequest, cb: Callback<LeaseTimeToLiveResponse>): void;
  leaseLeases(cb: Callback<LeaseLeasesResponse>): void;
  memberList(cb: Callback<MemberListResponse>): void;
  watch(cb: WatchStreamCallback, auth?: RequestAuth): WatchStreamHandle;
}

/** The endpoints a client dials, and the clock its deadlines run on. */
export interface EtcdEndpoints {
  now(): number;
  after(ms: number, fn: () => void): void;
  /** The member an endpoint names (name, ID or client URL), if any. */
  resolve(endpoint: string): NodeId | undefined;
  /** A connection to a member, or undefined while it is down. */
  connect(id: NodeId): EtcdService | undefined;
}

/** isTxnReadonly (etcd 3.4 v3_server.go): every op of both branches is a range. */
export function isTxnReadonly(r: TxnRequest): boolean {
  return [...(r.success ?? []), ...(r.failure ?? [])].every((op) => op.requestRange !== undefined);
}
