// clientv3's Client (etcd 3.4): the core (core.ts: call path, credentials,
// KV, Lease, Cluster, Watch) plus the Maintenance and Auth APIs.
//
// Maintenance calls that clientv3 makes against a named endpoint (Status,
// HashKV, Defragment; Hash likewise) go to that member only: a member that
// is down makes the call wait until its deadline, so etcdctl prints "context
// deadline exceeded" for it, as it does against a real stopped member. The
// others (Snapshot, MoveLeader, Alarm) and every Auth call use the pinned
// endpoint as KV calls do.
import type { Callback } from '../api/service.ts';
import type {
  AlarmMember,
  AlarmResponse,
  DefragmentResponse,
  HashKVResponse,
  HashResponse,
  MoveLeaderResponse,
  SnapshotResponse,
  StatusResponse,
} from '../api/maintenance.ts';
import type * as a from '../auth/types.ts';
import type { NodeId } from '../raft/types.ts';
import { type CallOptions, ClientCore } from './core.ts';

/** Options of userAdd. */
export interface UserAddCallOptions extends CallOptions {
  /** A user that cannot authenticate with a password (etcdctl user add --no-password). */
  noPassword?: boolean;
}

export class Client extends ClientCore {
  // ---- Maintenance ----

  /** Status of the member at endpoint (never another one). */
  status(endpoint: string, cb: Callback<StatusResponse>, o?: CallOptions): void {
    this.callAt(endpoint, (s, done) => s.status(done), cb, o);
  }

  /** Hash of the member's whole store at endpoint. */
  hash(endpoint: string, cb: Callback<HashResponse>, o?: CallOptions): void {
    this.callAt(endpoint, (s, done, tok) => s.hash(done, tok), cb, o);
  }

  /** HashKV of the member at endpoint, up to rev (0: all of its history). */
  hashKV(endpoint: string, rev: number, cb: Callback<HashKVResponse>, o?: CallOptions): void {
    this.callAt(endpoint, (s, done, tok) => s.hashKV({ revision: rev }, done, tok), cb, o);
  }

  /** Defragments the member at endpoint. */
  defragment(endpoint: string, cb: Callback<DefragmentResponse>, o?: CallOptions): void {
    this.callAt(endpoint, (s, done, tok) => s.defragment(done, tok), cb, o);
  }

  /** The pinned member's store as `etcdctl snapshot save` writes it. */
  snapshot(cb: Callback<SnapshotResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.snapshot(done, tok), true, cb, o);
  }

  /** Asks the pinned member, which must lead, to hand leadership to targetID. */
  moveLeader(targetID: NodeId, cb: Callback<MoveLeaderResponse>, o?: CallOptions): void {
    this.call((s, done) => s.moveLeader({ targetID }, done), false, cb, o);
  }

  /** Every alarm raised in the cluster. */
  alarmList(cb: Callback<AlarmResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.alarm({ action: 'GET', memberID: '0', alarm: 'NONE' }, done, tok), true, cb, o);
  }

  /**
   * Disarms one alarm; with member '0' and alarm NONE (clientv3's empty
   * AlarmMember, what `etcdctl alarm disarm` sends) every listed alarm, one
   * after the other, answering with those disarmed and the list's header.
   */
  alarmDisarm(m: AlarmMember, cb: Callback<AlarmResponse>, o?: CallOptions): void {
    if (m.memberID !== '0' || m.alarm !== 'NONE') {
      const r = { action: 'DEACTIVATE' as const, memberID: m.memberID, alarm: m.alarm };
      this.call((s, done, tok) => s.alarm(r, done, tok), false, cb, o);
      return;
    }
    this.alarmList((err, list) => {
      if (err) return cb(err);
      const out: AlarmResponse = { header: list!.header, alarms: [] };
      const next = (i: number): void => {
        if (i >= list!.alarms.length) return cb(undefined, out);
        this.alarmDisarm(list!.alarms[i]!, (derr, d) => {
          if (derr) return cb(derr);
          out.alarms.push(...d!.alarms);
          next(i + 1);
        }, o);
      };
      next(0);
    }, o);
  }

  // ---- Auth ----

  authEnable(cb: Callback<a.AuthEnableResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.authEnable(done, tok), false, cb, o);
  }

  authDisable(cb: Callback<a.AuthDisableResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.authDisable(done, tok), false, cb, o);
  }

  /** Authenticate: a token for name (the client's own credentials are separate: ClientOptions). */
  authenticate(name: string, password: string, cb: Callback<a.AuthenticateResponse>, o?: CallOptions): void {
    this.call((s, done) => s.authenticate({ name, password }, done), false, cb, o);
  }

  userAdd(name: string, password: string, cb: Callback<a.AuthUserAddResponse>, o?: UserAddCallOptions): void {
    const r: a.AuthUserAddRequest = { name, password, options: { noPassword: o?.noPassword === true } };
    this.call((s, done, tok) => s.userAdd(r, done, tok), false, cb, o);
  }

  userGet(name: string, cb: Callback<a.AuthUserGetResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.userGet({ name }, done, tok), true, cb, o);
  }

  userList(cb: Callback<a.AuthUserListResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.userList(done, tok), true, cb, o);
  }

  userDelete(name: string, cb: Callback<a.AuthUserDeleteResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.userDelete({ name }, done, tok), false, cb, o);
  }

  userChangePassword(name: string, password: string, cb: Callback<a.AuthUserChangePasswordResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.userChangePassword({ name, password }, done, tok), false, cb, o);
  }

  userGrantRole(user: string, role: string, cb: Callback<a.AuthUserGrantRoleResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.userGrantRole({ user, role }, done, tok), false, cb, o);
  }

  userRevokeRole(name: string, role: string, cb: Callback<a.AuthUserRevokeRoleResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.userRevokeRole({ name, role }, done, tok), false, cb, o);
  }

  roleAdd(name: string, cb: Callback<a.AuthRoleAddResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.roleAdd({ name }, done, tok), false, cb, o);
  }

  roleGet(role: string, cb: Callback<a.AuthRoleGetResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.roleGet({ role }, done, tok), true, cb, o);
  }

  roleList(cb: Callback<a.AuthRoleListResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.roleList(done, tok), true, cb, o);
  }

  roleDelete(role: string, cb: Callback<a.AuthRoleDeleteResponse>, o?: CallOptions): void {
    this.call((s, done, tok) => s.roleDelete({ role }, done, tok), false, cb, o);
  }

  /** Grants [key, rangeEnd) (empty rangeEnd: the key alone; "\0": every key >= key). */
  roleGrantPermission(
    role: string,
    key: Uint8Array,
    rangeEnd: Uint8Array,
    permType: a.PermissionType,
    cb: Callback<a.AuthRoleGrantPermissionResponse>,
    o?: CallOptions,
  ): void {
    const r: a.AuthRoleGrantPermissionRequest = { name: role, perm: { permType, key: key.slice(), rangeEnd: rangeEnd.slice() } };
    this.call((s, done, tok) => s.roleGrantPermission(r, done, tok), false, cb, o);
  }

  /** Revokes the permission with exactly this key and rangeEnd. */
  roleRevokePermission(role: string, key: Uint8Array, rangeEnd: Uint8Array, cb: Callback<a.AuthRoleRevokePermissionResponse>, o?: CallOptions): void {
    const r: a.AuthRoleRevokePermissionRequest = { role, key: key.slice(), rangeEnd: rangeEnd.slice() };
    this.call((s, done, tok) => s.roleRevokePermission(r, done, tok), false, cb, o);
  }
}
