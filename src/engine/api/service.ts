// What a client sees of etcd: one member's services (KV, Lease, Cluster,
// Maintenance, Auth, Watch) behind a connection, and the endpoints it can dial. The in-process
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
import type {
  AuthDisableResponse,
  AuthEnableResponse,
  AuthenticateRequest,
  AuthenticateResponse,
  AuthRoleAddRequest,
  AuthRoleAddResponse,
  AuthRoleDeleteRequest,
  AuthRoleDeleteResponse,
  AuthRoleGetRequest,
  AuthRoleGetResponse,
  AuthRoleGrantPermissionRequest,
  AuthRoleGrantPermissionResponse,
  AuthRoleListResponse,
  AuthRoleRevokePermissionRequest,
  AuthRoleRevokePermissionResponse,
  AuthUserAddRequest,
  AuthUserAddResponse,
  AuthUserChangePasswordRequest,
  AuthUserChangePasswordResponse,
  AuthUserDeleteRequest,
  AuthUserDeleteResponse,
  AuthUserGetRequest,
  AuthUserGetResponse,
  AuthUserGrantRoleRequest,
  AuthUserGrantRoleResponse,
  AuthUserListResponse,
  AuthUserRevokeRoleRequest,
  AuthUserRevokeRoleResponse,
} from '../auth/types.ts';
import type {
  MemberAddRequest,
  MemberAddResponse,
  MemberListResponse,
  MemberPromoteRequest,
  MemberPromoteResponse,
  MemberRemoveRequest,
  MemberRemoveResponse,
  MemberUpdateRequest,
  MemberUpdateResponse,
} from './cluster.ts';
import type {
  AlarmRequest,
  AlarmResponse,
  DefragmentResponse,
  HashKVRequest,
  HashKVResponse,
  HashResponse,
  MoveLeaderRequest,
  MoveLeaderResponse,
  SnapshotResponse,
  StatusResponse,
} from './maintenance.ts';

export type * from './cluster.ts';
export type * from './maintenance.ts';

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
  /**
   * Made by the client library itself (a Go error of clientv3 or its
   * concurrency package), not a status a member returned: printed bare.
   */
  local?: boolean;
}

/** Completes a call once: an error, or the response. */
export type Callback<T> = (err: RequestError | undefined, resp?: T) => void;

/**
 * Who a call runs as: what a member resolves a token to (etcd's AuthInfo).
 * Server-internal; clients send tokens, never this.
 */
export type RequestAuth = { username: string; authRevision: number };

/** context.DeadlineExceeded: the text a call past its deadline ends with. */
export const ErrDeadlineExceeded = 'context deadline exceeded';

/** One open Watch stream: requests go in, responses come out through its callback. */
export interface WatchStreamHandle {
  /** Creates a watcher; returns its watch ID (-1 when refused). */
  create(req: WatchCreateRequest): number;
  request(req: WatchRequest): void;
  requestProgress(): void;
  close(): void;
}

export type WatchStreamCallback = (err: RequestError | undefined, resp?: WatchResponse) => void;

/**
 * One member's client-facing services. `token` is the call's credentials (a
 * simple auth token from authenticate; a gRPC transport carries it in the
 * "token" metadata): the member resolves it to a user, refuses an unknown one
 * with "etcdserver: invalid auth token", and calls without one run as nobody.
 * Calls whose etcd handler ignores the token (lease keep-alive, time-to-live
 * and leases, member list, status, move-leader) take none.
 */
export interface EtcdService {
  // ---- KV ----
  range(r: RangeRequest, cb: Callback<RangeResponse>, token?: string): void;
  put(r: PutRequest, cb: Callback<PutResponse>, token?: string): void;
  deleteRange(r: DeleteRangeRequest, cb: Callback<DeleteRangeResponse>, token?: string): void;
  txn(r: TxnRequest, cb: Callback<TxnResponse>, token?: string): void;
  compact(r: CompactionRequest, cb: Callback<CompactionResponse>, token?: string): void;
  // ---- Lease ----
  leaseGrant(r: LeaseGrantRequest, cb: Callback<LeaseGrantResponse>, token?: string): void;
  leaseRevoke(r: LeaseRevokeRequest, cb: Callback<LeaseRevokeResponse>, token?: string): void;
  leaseKeepAlive(id: LeaseID, cb: Callback<LeaseKeepAliveResponse>): void;
  leaseTimeToLive(r: LeaseTimeToLiveRequest, cb: Callback<LeaseTimeToLiveResponse>): void;
  leaseLeases(cb: Callback<LeaseLeasesResponse>): void;
  // ---- Cluster ----
  memberList(cb: Callback<MemberListResponse>): void;
  memberAdd(r: MemberAddRequest, cb: Callback<MemberAddResponse>, token?: string): void;
  memberRemove(r: MemberRemoveRequest, cb: Callback<MemberRemoveResponse>, token?: string): void;
  memberUpdate(r: MemberUpdateRequest, cb: Callback<MemberUpdateResponse>, token?: string): void;
  memberPromote(r: MemberPromoteRequest, cb: Callback<MemberPromoteResponse>, token?: string): void;
  // ---- Maintenance ----
  status(cb: Callback<StatusResponse>): void;
  hash(cb: Callback<HashResponse>, token?: string): void;
  hashKV(r: HashKVRequest, cb: Callback<HashKVResponse>, token?: string): void;
  defragment(cb: Callback<DefragmentResponse>, token?: string): void;
  alarm(r: AlarmRequest, cb: Callback<AlarmResponse>, token?: string): void;
  snapshot(cb: Callback<SnapshotResponse>, token?: string): void;
  moveLeader(r: MoveLeaderRequest, cb: Callback<MoveLeaderResponse>): void;
  // ---- Auth ----
  authEnable(cb: Callback<AuthEnableResponse>, token?: string): void;
  authDisable(cb: Callback<AuthDisableResponse>, token?: string): void;
  authenticate(r: AuthenticateRequest, cb: Callback<AuthenticateResponse>): void;
  userAdd(r: AuthUserAddRequest, cb: Callback<AuthUserAddResponse>, token?: string): void;
  userGet(r: AuthUserGetRequest, cb: Callback<AuthUserGetResponse>, token?: string): void;
  userList(cb: Callback<AuthUserListResponse>, token?: string): void;
  userDelete(r: AuthUserDeleteRequest, cb: Callback<AuthUserDeleteResponse>, token?: string): void;
  userChangePassword(r: AuthUserChangePasswordRequest, cb: Callback<AuthUserChangePasswordResponse>, token?: string): void;
  userGrantRole(r: AuthUserGrantRoleRequest, cb: Callback<AuthUserGrantRoleResponse>, token?: string): void;
  userRevokeRole(r: AuthUserRevokeRoleRequest, cb: Callback<AuthUserRevokeRoleResponse>, token?: string): void;
  roleAdd(r: AuthRoleAddRequest, cb: Callback<AuthRoleAddResponse>, token?: string): void;
  roleGet(r: AuthRoleGetRequest, cb: Callback<AuthRoleGetResponse>, token?: string): void;
  roleList(cb: Callback<AuthRoleListResponse>, token?: string): void;
  roleDelete(r: AuthRoleDeleteRequest, cb: Callback<AuthRoleDeleteResponse>, token?: string): void;
  roleGrantPermission(r: AuthRoleGrantPermissionRequest, cb: Callback<AuthRoleGrantPermissionResponse>, token?: string): void;
  roleRevokePermission(r: AuthRoleRevokePermissionRequest, cb: Callback<AuthRoleRevokePermissionResponse>, token?: string): void;
  // ---- Watch ----
  watch(cb: WatchStreamCallback, token?: string): WatchStreamHandle;
  /**
   * The same service for a caller that gives up at virtual time `at` (gRPC
   * carries a call's deadline into etcd's request context): a request still
   * waiting there ends then, and a proposal not yet handed to raft is never
   * proposed. Calls made without it wait as long as the member itself would.
   */
  withDeadline?(at: number): EtcdService;
}

/** What after() returns, for cancel(). */
export type TimerHandle = object;

/** The endpoints a client dials, and the clock its deadlines run on. */
export interface EtcdEndpoints {
  now(): number;
  after(ms: number, fn: () => void): TimerHandle;
  /** fn of a timer from after() will not run (a finished call's deadline). */
  cancel(t: TimerHandle): void;
  /** The member an endpoint names (name, ID or client URL), if any. */
  resolve(endpoint: string): NodeId | undefined;
  /** A connection to a member, or undefined while it is down. */
  connect(id: NodeId): EtcdService | undefined;
}

/** isTxnReadonly (etcd 3.4 v3_server.go): every op of both branches is a range. */
export function isTxnReadonly(r: TxnRequest): boolean {
  return [...(r.success ?? []), ...(r.failure ?? [])].every((op) => op.requestRange !== undefined);
}
