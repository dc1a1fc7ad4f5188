// EtcdService over gRPC: one remote member's KV, Lease, Cluster,
// Maintenance, Auth and Watch services, as the engine's client calls them.
// Each call carries the client's token in the "token" metadata and, when
// the client gave the call a deadline (withDeadline), that deadline as the
// call's gRPC deadline, so the member gives up when the client does.
import type { ServiceError } from '@grpc/grpc-js';
import type {
  AlarmRequest,
  AlarmResponse,
  Callback,
  DefragmentResponse,
  EtcdService,
  HashKVRequest,
  HashKVResponse,
  HashResponse,
  MemberAddRequest,
  MemberAddResponse,
  MemberListResponse,
  MemberPromoteRequest,
  MemberRemoveRequest,
  MemberUpdateRequest,
  MoveLeaderRequest,
  MoveLeaderResponse,
  SnapshotResponse,
  StatusResponse,
  WatchStreamCallback,
  WatchStreamHandle,
} from '../../engine/api/service.ts';
import type * as a from '../../engine/auth/types.ts';
import type * as l from '../../engine/lease/types.ts';
import type * as kv from '../../engine/mvcc/rpc.ts';
import type { Wire } from '../grpc/codec-kv.ts';
import type { EtcdServiceName } from '../grpc/load.ts';
import { leaseToWire, u64ToWire } from '../grpc/ids.ts';
import * as ca from './codec-admin.ts';
import * as ck from './codec-kv.ts';
import type { CallSetup, RemoteEndpoint } from './endpoint.ts';
import { fromStatus } from './status.ts';
import { fetchSnapshot, keepAliveOnce, openWatch } from './streams.ts';

/**
 * Deadlines weeks away are the emulator's way of saying "none" (etcdctl's
 * context.Background(): txn, snapshot save), so no grpc-timeout is sent.
 */
const NO_DEADLINE_MS = 2 ** 30;

/** The client's clock (monotonic ms), and the wall clock gRPC deadlines are given in. */
export interface RemoteClock {
  now(): number;
  epochAt(at: number): number;
}

export class RemoteService implements EtcdService {
  constructor(
    private readonly ep: RemoteEndpoint,
    private readonly clock: RemoteClock,
    /** When calls give up, on the client's clock (undefined: no deadline). */
    private readonly deadline?: number,
  ) {}

  withDeadline(at: number): EtcdService {
    return new RemoteService(this.ep, this.clock, at);
  }

  private setup(token: string | undefined): CallSetup {
    const bounded = this.deadline !== undefined && this.deadline - this.clock.now() < NO_DEADLINE_MS;
    return { token, deadline: bounded ? this.clock.epochAt(this.deadline!) : undefined };
  }

  private call<T>(service: EtcdServiceName, method: string, req: Wire, decode: (w: Wire) => T, cb: Callback<T>, token?: string): void {
    this.ep.unary(service, method, req, this.setup(token), (err: ServiceError | null, resp?: Wire) => {
      if (err) return cb(fromStatus(err));
      let out: T;
      try {
        out = decode(resp);
      } catch (e) {
        return cb({ message: e instanceof Error ? e.message : String(e), code: 'Unknown' });
      }
      cb(undefined, out);
    });
  }

  // ---- KV ----

  range(r: kv.RangeRequest, cb: Callback<kv.RangeResponse>, token?: string): void {
    this.call('KV', 'Range', r, ck.rangeFromWire, cb, token);
  }

  put(r: kv.PutRequest, cb: Callback<kv.PutResponse>, token?: string): void {
    this.call('KV', 'Put', ck.putToWire(r), ck.putFromWire, cb, token);
  }

  deleteRange(r: kv.DeleteRangeRequest, cb: Callback<kv.DeleteRangeResponse>, token?: string): void {
    this.call('KV', 'DeleteRange', r, ck.deleteRangeFromWire, cb, token);
  }

  txn(r: kv.TxnRequest, cb: Callback<kv.TxnResponse>, token?: string): void {
    this.call('KV', 'Txn', ck.txnToWire(r), ck.txnFromWire, cb, token);
  }

  compact(r: kv.CompactionRequest, cb: Callback<kv.CompactionResponse>, token?: string): void {
    this.call('KV', 'Compact', r, ck.headerOnlyFromWire, cb, token);
  }

  // ---- Lease ----

  leaseGrant(r: l.LeaseGrantRequest, cb: Callback<l.LeaseGrantResponse>, token?: string): void {
    this.call('Lease', 'LeaseGrant', { TTL: r.TTL, ID: leaseToWire(r.ID) }, ca.leaseGrantFromWire, cb, token);
  }

  leaseRevoke(r: l.LeaseRevokeRequest, cb: Callback<l.LeaseRevokeResponse>, token?: string): void {
    this.call('Lease', 'LeaseRevoke', { ID: leaseToWire(r.ID) }, ck.headerOnlyFromWire, cb, token);
  }

  leaseKeepAlive(id: l.LeaseID, cb: Callback<l.LeaseKeepAliveResponse>): void {
    keepAliveOnce(this.ep, id, this.setup(undefined), cb);
  }

  leaseTimeToLive(r: l.LeaseTimeToLiveRequest, cb: Callback<l.LeaseTimeToLiveResponse>): void {
    this.call('Lease', 'LeaseTimeToLive', { ID: leaseToWire(r.ID), keys: r.keys }, ca.timeToLiveFromWire, cb);
  }

  leaseLeases(cb: Callback<l.LeaseLeasesResponse>): void {
    this.call('Lease', 'LeaseLeases', {}, ca.leasesFromWire, cb);
  }

  // ---- Cluster ----

  memberList(cb: Callback<MemberListResponse>): void {
    this.call('Cluster', 'MemberList', {}, ca.membersFromWire, cb);
  }

  memberAdd(r: MemberAddRequest, cb: Callback<MemberAddResponse>, token?: string): void {
    const req = { peerURLs: r.peerURLs, isLearner: !!r.isLearner };
    this.call('Cluster', 'MemberAdd', req, (w) => ca.membersFromWire(w) as MemberAddResponse, cb, token);
  }

  memberRemove(r: MemberRemoveRequest, cb: Callback<MemberListResponse>, token?: string): void {
    this.call('Cluster', 'MemberRemove', { ID: u64ToWire(r.ID) }, ca.membersFromWire, cb, token);
  }

  memberUpdate(r: MemberUpdateRequest, cb: Callback<MemberListResponse>, token?: string): void {
    this.call('Cluster', 'MemberUpdate', { ID: u64ToWire(r.ID), peerURLs: r.peerURLs }, ca.membersFromWire, cb, token);
  }

  memberPromote(r: MemberPromoteRequest, cb: Callback<MemberListResponse>, token?: string): void {
    this.call('Cluster', 'MemberPromote', { ID: u64ToWire(r.ID) }, ca.membersFromWire, cb, token);
  }

  // ---- Maintenance ----

  status(cb: Callback<StatusResponse>): void {
    this.call('Maintenance', 'Status', {}, ca.statusFromWire, cb);
  }

  hash(cb: Callback<HashResponse>, token?: string): void {
    this.call('Maintenance', 'Hash', {}, ca.hashFromWire, cb, token);
  }

  hashKV(r: HashKVRequest, cb: Callback<HashKVResponse>, token?: string): void {
    this.call('Maintenance', 'HashKV', { revision: r.revision ?? 0 }, ca.hashKVFromWire, cb, token);
  }

  defragment(cb: Callback<DefragmentResponse>, token?: string): void {
    this.call('Maintenance', 'Defragment', {}, ck.headerOnlyFromWire, cb, token);
  }

  alarm(r: AlarmRequest, cb: Callback<AlarmResponse>, token?: string): void {
    this.call('Maintenance', 'Alarm', { ...r, memberID: u64ToWire(r.memberID) }, ca.alarmFromWire, cb, token);
  }

  snapshot(cb: Callback<SnapshotResponse>, token?: string): void {
    fetchSnapshot(this.ep, this.setup(token), cb);
  }

  moveLeader(r: MoveLeaderRequest, cb: Callback<MoveLeaderResponse>): void {
    this.call('Maintenance', 'MoveLeader', { targetID: u64ToWire(r.targetID) }, ck.headerOnlyFromWire, cb);
  }

  // ---- Auth ----

  private auth<T extends a.AuthResponseBase>(method: string, req: Wire, cb: Callback<T>, token?: string): void {
    this.call('Auth', method, req, (w) => ca.authFromWire<T>(w), cb, token);
  }

  authEnable(cb: Callback<a.AuthEnableResponse>, token?: string): void {
    this.auth('AuthEnable', {}, cb, token);
  }

  authDisable(cb: Callback<a.AuthDisableResponse>, token?: string): void {
    this.auth('AuthDisable', {}, cb, token);
  }

  authenticate(r: a.AuthenticateRequest, cb: Callback<a.AuthenticateResponse>): void {
    this.auth('Authenticate', r, cb);
  }

  userAdd(r: a.AuthUserAddRequest, cb: Callback<a.AuthUserAddResponse>, token?: string): void {
    this.auth('UserAdd', r, cb, token);
  }

  userGet(r: a.AuthUserGetRequest, cb: Callback<a.AuthUserGetResponse>, token?: string): void {
    this.auth('UserGet', r, cb, token);
  }

  userList(cb: Callback<a.AuthUserListResponse>, token?: string): void {
    this.auth('UserList', {}, cb, token);
  }

  userDelete(r: a.AuthUserDeleteRequest, cb: Callback<a.AuthUserDeleteResponse>, token?: string): void {
    this.auth('UserDelete', r, cb, token);
  }

  userChangePassword(r: a.AuthUserChangePasswordRequest, cb: Callback<a.AuthUserChangePasswordResponse>, token?: string): void {
    this.auth('UserChangePassword', r, cb, token);
  }

  userGrantRole(r: a.AuthUserGrantRoleRequest, cb: Callback<a.AuthUserGrantRoleResponse>, token?: string): void {
    this.auth('UserGrantRole', r, cb, token);
  }

  userRevokeRole(r: a.AuthUserRevokeRoleRequest, cb: Callback<a.AuthUserRevokeRoleResponse>, token?: string): void {
    this.auth('UserRevokeRole', r, cb, token);
  }

  roleAdd(r: a.AuthRoleAddRequest, cb: Callback<a.AuthRoleAddResponse>, token?: string): void {
    this.auth('RoleAdd', r, cb, token);
  }

  roleGet(r: a.AuthRoleGetRequest, cb: Callback<a.AuthRoleGetResponse>, token?: string): void {
    this.call('Auth', 'RoleGet', r, ca.roleGetFromWire, cb, token);
  }

  roleList(cb: Callback<a.AuthRoleListResponse>, token?: string): void {
    this.auth('RoleList', {}, cb, token);
  }

  roleDelete(r: a.AuthRoleDeleteRequest, cb: Callback<a.AuthRoleDeleteResponse>, token?: string): void {
    this.auth('RoleDelete', r, cb, token);
  }

  roleGrantPermission(r: a.AuthRoleGrantPermissionRequest, cb: Callback<a.AuthRoleGrantPermissionResponse>, token?: string): void {
    this.auth('RoleGrantPermission', r, cb, token);
  }

  roleRevokePermission(r: a.AuthRoleRevokePermissionRequest, cb: Callback<a.AuthRoleRevokePermissionResponse>, token?: string): void {
    this.auth('RoleRevokePermission', r, cb, token);
  }

  // ---- Watch ----

  watch(cb: WatchStreamCallback, token?: string): WatchStreamHandle {
    return openWatch(this.ep, token, cb);
  }
}
