// The Cluster, Maintenance and Auth services of one member (etcdserverpb),
// over the member's EtcdService. Snapshot is a server stream cut in 32 KiB
// pieces like etcd's, the sha256 of the data coming last on its own.
import type { ServiceImpl, StreamCall } from './server-call.ts';
import { u64FromWire } from './ids.ts';
import { type MemberBinding, failMalformed, failStream, send, tokenOf, unary } from './call.ts';
import {
  alarmFromWire,
  alarmToWire,
  grantPermissionFromWire,
  membersToWire,
  revokePermissionFromWire,
  roleGetToWire,
  statusToWire,
  withHeader,
} from './codec-admin.ts';
import { STOPPED } from './status.ts';

export function clusterHandlers(m: MemberBinding): ServiceImpl {
  return {
    MemberAdd: unary(m, (s, req, cb, t) => s.memberAdd({ peerURLs: req.peerURLs ?? [], isLearner: !!req.isLearner }, cb, t), membersToWire),
    MemberRemove: unary(m, (s, req, cb, t) => s.memberRemove({ ID: u64FromWire(req.ID) }, cb, t), membersToWire),
    MemberUpdate: unary(m, (s, req, cb, t) => s.memberUpdate({ ID: u64FromWire(req.ID), peerURLs: req.peerURLs ?? [] }, cb, t), membersToWire),
    MemberList: unary(m, (s, _req, cb) => s.memberList(cb), membersToWire),
    MemberPromote: unary(m, (s, req, cb, t) => s.memberPromote({ ID: u64FromWire(req.ID) }, cb, t), membersToWire),
  };
}

/** etcd's snapshotSendBufferSize. */
const SNAPSHOT_CHUNK = 32 * 1024;
const SHA256_LEN = 32;

export function maintenanceHandlers(m: MemberBinding): ServiceImpl {
  return {
    Alarm: unary(m, (s, req, cb, t) => s.alarm(alarmFromWire(req), cb, t), alarmToWire),
    Status: unary(m, (s, _req, cb) => s.status(cb), statusToWire),
    // etcd 3.4 answers Defragment and MoveLeader with an empty message, no header
    // (etcdctl defrag -w json prints {}); the engine's responses carry one.
    Defragment: unary(m, (s, _req, cb, t) => s.defragment(cb, t), () => ({})),
    Hash: unary(m, (s, _req, cb, t) => s.hash(cb, t), withHeader),
    HashKV: unary(m, (s, req, cb, t) => s.hashKV({ revision: Number(req.revision ?? 0) }, cb, t), withHeader),
    MoveLeader: unary(m, (s, req, cb) => s.moveLeader({ targetID: u64FromWire(req.targetID) }, cb), () => ({})),
    Snapshot: (call: StreamCall) => snapshotStream(m, call),
  };
}

/**
 * The engine's blob is the store followed by its sha256, as the file
 * `etcdctl snapshot save` writes; etcd streams the store with the bytes
 * still to come in each piece, then the digest with remaining_bytes 0.
 */
function snapshotStream(m: MemberBinding, call: StreamCall): void {
  if (failMalformed(call, call.request)) return;
  const token = tokenOf(call.metadata);
  m.rt.enter(() => {
    const svc = m.connect();
    if (!svc) return failStream(call, STOPPED);
    svc.snapshot((err, resp) => {
      if (err) return failStream(call, err);
      const blob = resp!.blob;
      // etcd 3.4 sends its snapshot pieces without a header.
      const header = null;
      const data = blob.subarray(0, Math.max(0, blob.length - SHA256_LEN));
      for (let sent = 0; sent < data.length; ) {
        const piece = data.subarray(sent, sent + SNAPSHOT_CHUNK);
        sent += piece.length;
        send(call, { header, remainingBytes: data.length - sent, blob: piece });
      }
      send(call, { header, remainingBytes: 0, blob: blob.subarray(data.length) });
      call.end();
    }, token);
  });
}

export function authHandlers(m: MemberBinding): ServiceImpl {
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    AuthEnable: unary(m, (s, _req, cb, t) => s.authEnable(cb, t), withHeader),
    AuthDisable: unary(m, (s, _req, cb, t) => s.authDisable(cb, t), withHeader),
    Authenticate: unary(m, (s, req, cb) => s.authenticate({ name: str(req.name), password: str(req.password) }, cb), withHeader),
    UserAdd: unary(
      m,
      (s, req, cb, t) => s.userAdd({ name: str(req.name), password: str(req.password), options: { noPassword: !!req.options?.noPassword } }, cb, t),
      withHeader,
    ),
    UserGet: unary(m, (s, req, cb, t) => s.userGet({ name: str(req.name) }, cb, t), withHeader),
    UserList: unary(m, (s, _req, cb, t) => s.userList(cb, t), withHeader),
    UserDelete: unary(m, (s, req, cb, t) => s.userDelete({ name: str(req.name) }, cb, t), withHeader),
    UserChangePassword: unary(m, (s, req, cb, t) => s.userChangePassword({ name: str(req.name), password: str(req.password) }, cb, t), withHeader),
    UserGrantRole: unary(m, (s, req, cb, t) => s.userGrantRole({ user: str(req.user), role: str(req.role) }, cb, t), withHeader),
    UserRevokeRole: unary(m, (s, req, cb, t) => s.userRevokeRole({ name: str(req.name), role: str(req.role) }, cb, t), withHeader),
    RoleAdd: unary(m, (s, req, cb, t) => s.roleAdd({ name: str(req.name) }, cb, t), withHeader),
    RoleGet: unary(m, (s, req, cb, t) => s.roleGet({ role: str(req.role) }, cb, t), roleGetToWire),
    RoleList: unary(m, (s, _req, cb, t) => s.roleList(cb, t), withHeader),
    RoleDelete: unary(m, (s, req, cb, t) => s.roleDelete({ role: str(req.role) }, cb, t), withHeader),
    RoleGrantPermission: unary(m, (s, req, cb, t) => s.roleGrantPermission(grantPermissionFromWire(req), cb, t), withHeader),
    RoleRevokePermission: unary(m, (s, req, cb, t) => s.roleRevokePermission(revokePermissionFromWire(req), cb, t), withHeader),
  };
}
