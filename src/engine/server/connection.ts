// A client's connection to one member: the EtcdService contract over that
// member's EtcdServer, so clients depend on src/engine/api, not on how the
// server works inside. Each call's token is resolved here to the identity the
// server works with (token.ts), as etcd resolves the gRPC metadata, and each
// call makes the auth checks of its etcd 3.4 handler (checked against a real
// 3.4.23): membership changes need the root role and answer in rpctypes
// words; defragment, hash, hashkv and snapshot need it too but answer the
// auth package's raw text ("auth: permission denied", code Unknown); alarm
// only looks the token up (raw text too); member list, status and
// move-leader look at no token.
import type { RequestAuth, RequestError } from '../api/service.ts';
import type { Callback, EtcdService, WatchStreamCallback, WatchStreamHandle } from '../api/service.ts';
import type * as c from '../api/cluster.ts';
import type * as m from '../api/maintenance.ts';
import type * as a from '../auth/types.ts';
import type { LeaseID, LeaseKeepAliveResponse, LeaseLeasesResponse, LeaseTimeToLiveRequest, LeaseTimeToLiveResponse } from '../lease/types.ts';
import type { LeaseGrantRequest, LeaseGrantResponse, LeaseRevokeRequest, LeaseRevokeResponse } from '../lease/types.ts';
import type { CompactionRequest, CompactionResponse, DeleteRangeRequest, DeleteRangeResponse } from '../mvcc/rpc.ts';
import type { PutRequest, PutResponse, RangeRequest, RangeResponse, TxnRequest, TxnResponse } from '../mvcc/rpc.ts';
import { type AuthRequestKind, adminError, authRequest, authenticate } from './auth-api.ts';
import { memberAdd, memberList, memberPromote, memberRemove, memberUpdate, refusedByLearner } from './cluster-api.ts';
import type { InternalRequests } from './internal.ts';
import { leaseKeepAlive, leaseTimeToLive } from './lease-loop.ts';
import * as maint from './maintenance.ts';
import type { EtcdServer } from './server.ts';
import { rawAuthError, resolveToken, tokenAuthNow } from './token.ts';

/** One of the server's request methods, for every call of its kind. */
type ServerCall<R, T> = (s: EtcdServer, r: R, cb: Callback<T>, auth: RequestAuth | undefined, deadline: number | undefined) => void;
const RANGE: ServerCall<RangeRequest, RangeResponse> = (s, r, cb, auth, deadline) => s.range(r, cb, auth, deadline);
const PUT: ServerCall<PutRequest, PutResponse> = (s, r, cb, auth, deadline) => s.put(r, cb, auth, deadline);
const DELETE_RANGE: ServerCall<DeleteRangeRequest, DeleteRangeResponse> = (s, r, cb, auth, deadline) => s.deleteRange(r, cb, auth, deadline);
const TXN: ServerCall<TxnRequest, TxnResponse> = (s, r, cb, auth, deadline) => s.txn(r, cb, auth, deadline);

export class MemberConnection implements EtcdService {
  constructor(
    readonly server: EtcdServer,
    /** When the caller gives up (virtual ms), if it said: requests waiting in the server end then. */
    readonly deadline?: number,
  ) {}

  /** The last connection withDeadline made: calls made at the same moment share one. */
  private sameDeadline: MemberConnection | undefined;

  withDeadline(at: number): EtcdService {
    const last = this.sameDeadline;
    if (last !== undefined && last.deadline === at) return last;
    return (this.sameDeadline = new MemberConnection(this.server, at));
  }

  /**
   * A KV call: as() the token's user. Without a token on a member that is
   * not paused, as() would run it at once as nobody: that path (the hot one)
   * goes without as()'s closure.
   */
  private kv<R, T>(call: ServerCall<R, T>, r: R, cb: Callback<T>, token: string | undefined, forLearner = false): void {
    const s = this.server;
    if ((token === undefined || token === '') && !s.isPaused()) {
      if (forLearner || !refusedByLearner(s, cb)) call(s, r, cb, undefined, this.deadline);
      return;
    }
    this.as(token, cb, (auth) => call(s, r, cb, auth, this.deadline), false, forLearner);
  }

  /**
   * Runs run as the token's user, or fails cb as etcd refuses the token. A
   * learner refuses the call first, unless forLearner (a serializable range).
   */
  private as<T>(token: string | undefined, cb: Callback<T>, run: (auth?: RequestAuth) => void, raw = false, forLearner = false): void {
    const s = this.server;
    if (s.isPaused() && s.holdIfPaused(() => this.as(token, cb, run, raw, forLearner))) return;
    if (!forLearner && refusedByLearner(s, cb)) return;
    // No token is nobody, at once (resolveToken's answer), without its callback.
    if (token === undefined || token === '') return run(undefined);
    resolveToken(s, token, (err, auth) => (err ? s.complete(cb, raw ? rawAuthError(err) : err) : run(auth)));
  }

  /** A call without a token that a learner refuses (its process holds it while paused). */
  private notOnLearner<T>(cb: Callback<T>, run: () => void): void {
    const s = this.server;
    if (s.holdIfPaused(() => this.notOnLearner(cb, run))) return;
    if (!refusedByLearner(s, cb)) run();
  }

  /** As the token's user, who must hold the root role (or auth be off). */
  private asAdmin<T>(token: string | undefined, cb: Callback<T>, run: () => void, raw = false): void {
    this.as(
      token,
      cb,
      (auth) => {
        const err: RequestError | undefined = adminError(this.server, auth);
        if (err) return this.server.complete(cb, raw ? rawAuthError(err) : err);
        run();
      },
      raw,
    );
  }

  // ---- KV ----

  range(r: RangeRequest, cb: Callback<RangeResponse>, token?: string): void {
    this.kv(RANGE, r, cb, token, r.serializable === true);
  }
  put(r: PutRequest, cb: Callback<PutResponse>, token?: string): void {
    this.kv(PUT, r, cb, token);
  }
  deleteRange(r: DeleteRangeRequest, cb: Callback<DeleteRangeResponse>, token?: string): void {
    this.kv(DELETE_RANGE, r, cb, token);
  }
  txn(r: TxnRequest, cb: Callback<TxnResponse>, token?: string): void {
    this.kv(TXN, r, cb, token);
  }
  compact(r: CompactionRequest, cb: Callback<CompactionResponse>, token?: string): void {
    this.as(token, cb, (auth) => this.server.compact(r, cb, auth, this.deadline));
  }

  // ---- Lease ----

  leaseGrant(r: LeaseGrantRequest, cb: Callback<LeaseGrantResponse>, token?: string): void {
    this.as(token, cb, (auth) => this.server.leaseGrant(r, cb, auth, this.deadline));
  }
  leaseRevoke(r: LeaseRevokeRequest, cb: Callback<LeaseRevokeResponse>, token?: string): void {
    this.as(token, cb, (auth) => this.server.leaseRevoke(r, cb, auth, this.deadline));
  }
  leaseKeepAlive(id: LeaseID, cb: Callback<LeaseKeepAliveResponse>): void {
    this.notOnLearner(cb, () => leaseKeepAlive(this.server, id, cb));
  }
  leaseTimeToLive(r: LeaseTimeToLiveRequest, cb: Callback<LeaseTimeToLiveResponse>): void {
    this.notOnLearner(cb, () => leaseTimeToLive(this.server, r, cb));
  }
  /** LeaseLeases: etcd 3.4 answers from the serving member's own lessor (no forwarding). */
  leaseLeases(cb: Callback<LeaseLeasesResponse>): void {
    const s = this.server;
    this.notOnLearner(cb, () => s.complete(cb, undefined, { header: s.header(), leases: s.sm.lessor.leases().map((l) => ({ ID: l.ID })) }));
  }

  // ---- Cluster ----

  memberList(cb: Callback<c.MemberListResponse>): void {
    memberList(this.server, cb);
  }
  memberAdd(r: c.MemberAddRequest, cb: Callback<c.MemberAddResponse>, token?: string): void {
    this.asAdmin(token, cb, () => memberAdd(this.server, r, cb));
  }
  memberRemove(r: c.MemberRemoveRequest, cb: Callback<c.MemberRemoveResponse>, token?: string): void {
    this.asAdmin(token, cb, () => memberRemove(this.server, r, cb));
  }
  memberUpdate(r: c.MemberUpdateRequest, cb: Callback<c.MemberUpdateResponse>, token?: string): void {
    this.asAdmin(token, cb, () => memberUpdate(this.server, r, cb));
  }
  memberPromote(r: c.MemberPromoteRequest, cb: Callback<c.MemberPromoteResponse>, token?: string): void {
    this.asAdmin(token, cb, () => memberPromote(this.server, r, cb));
  }

  // ---- Maintenance ----

  status(cb: Callback<m.StatusResponse>): void {
    maint.status(this.server, cb);
  }
  hash(cb: Callback<m.HashResponse>, token?: string): void {
    this.asAdmin(token, cb, () => maint.hash(this.server, cb), true);
  }
  hashKV(r: m.HashKVRequest, cb: Callback<m.HashKVResponse>, token?: string): void {
    this.asAdmin(token, cb, () => maint.hashKV(this.server, r, cb), true);
  }
  defragment(cb: Callback<m.DefragmentResponse>, token?: string): void {
    this.asAdmin(token, cb, () => maint.defragment(this.server, cb), true);
  }
  snapshot(cb: Callback<m.SnapshotResponse>, token?: string): void {
    this.asAdmin(token, cb, () => maint.snapshot(this.server, cb), true);
  }
  alarm(r: m.AlarmRequest, cb: Callback<m.AlarmResponse>, token?: string): void {
    this.as(token, cb, () => maint.alarm(this.server, r, cb), true);
  }
  moveLeader(r: m.MoveLeaderRequest, cb: Callback<m.MoveLeaderResponse>): void {
    maint.moveLeader(this.server, r, cb);
  }

  // ---- Auth ----

  /** An auth management call through raft as the token's user. */
  private auth<K extends AuthRequestKind, T>(kind: K, req: InternalRequests[K], cb: Callback<T>, token: string | undefined): void {
    this.as(token, cb, (auth) => authRequest(this.server, kind, req, cb as Callback<unknown>, auth, this.deadline));
  }

  authEnable(cb: Callback<a.AuthEnableResponse>, token?: string): void {
    this.auth('authEnable', {}, cb, token);
  }
  authDisable(cb: Callback<a.AuthDisableResponse>, token?: string): void {
    this.auth('authDisable', {}, cb, token);
  }
  authenticate(r: a.AuthenticateRequest, cb: Callback<a.AuthenticateResponse>): void {
    this.notOnLearner(cb, () => authenticate(this.server, r, cb));
  }
  userAdd(r: a.AuthUserAddRequest, cb: Callback<a.AuthUserAddResponse>, token?: string): void {
    this.auth('authUserAdd', r, cb, token);
  }
  userGet(r: a.AuthUserGetRequest, cb: Callback<a.AuthUserGetResponse>, token?: string): void {
    this.auth('authUserGet', r, cb, token);
  }
  userList(cb: Callback<a.AuthUserListResponse>, token?: string): void {
    this.auth('authUserList', {}, cb, token);
  }
  userDelete(r: a.AuthUserDeleteRequest, cb: Callback<a.AuthUserDeleteResponse>, token?: string): void {
    this.auth('authUserDelete', r, cb, token);
  }
  userChangePassword(r: a.AuthUserChangePasswordRequest, cb: Callback<a.AuthUserChangePasswordResponse>, token?: string): void {
    this.auth('authUserChangePassword', r, cb, token);
  }
  userGrantRole(r: a.AuthUserGrantRoleRequest, cb: Callback<a.AuthUserGrantRoleResponse>, token?: string): void {
    this.auth('authUserGrantRole', r, cb, token);
  }
  userRevokeRole(r: a.AuthUserRevokeRoleRequest, cb: Callback<a.AuthUserRevokeRoleResponse>, token?: string): void {
    this.auth('authUserRevokeRole', r, cb, token);
  }
  roleAdd(r: a.AuthRoleAddRequest, cb: Callback<a.AuthRoleAddResponse>, token?: string): void {
    this.auth('authRoleAdd', r, cb, token);
  }
  roleGet(r: a.AuthRoleGetRequest, cb: Callback<a.AuthRoleGetResponse>, token?: string): void {
    this.auth('authRoleGet', r, cb, token);
  }
  roleList(cb: Callback<a.AuthRoleListResponse>, token?: string): void {
    this.auth('authRoleList', {}, cb, token);
  }
  roleDelete(r: a.AuthRoleDeleteRequest, cb: Callback<a.AuthRoleDeleteResponse>, token?: string): void {
    this.auth('authRoleDelete', r, cb, token);
  }
  roleGrantPermission(r: a.AuthRoleGrantPermissionRequest, cb: Callback<a.AuthRoleGrantPermissionResponse>, token?: string): void {
    this.auth('authRoleGrantPermission', r, cb, token);
  }
  roleRevokePermission(r: a.AuthRoleRevokePermissionRequest, cb: Callback<a.AuthRoleRevokePermissionResponse>, token?: string): void {
    this.auth('authRoleRevokePermission', r, cb, token);
  }

  // ---- Watch ----

  /** Each create looks the stream's token up as it comes (etcd reads it from the stream's context). */
  watch(cb: WatchStreamCallback, token?: string): WatchStreamHandle {
    const s = this.server;
    return s.watch(cb, token === undefined ? undefined : () => tokenAuthNow(s, token));
  }
}
