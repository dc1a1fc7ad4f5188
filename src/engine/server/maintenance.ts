// The Maintenance service (etcdserver/api/v3rpc/maintenance.go, 3.4), served
// by one member: Status, Hash, HashKV, Defragment and Snapshot read or change
// only that member (no raft); Alarm goes through raft like any request;
// MoveLeader asks this member's raft, which must lead, to hand leadership over.
// Snapshot blobs and restoring them into a new cluster are in snapshot-file.ts.
import type {
  DefragmentResponse,
  HashKVResponse,
  HashResponse,
  MoveLeaderResponse,
  SnapshotResponse,
  StatusResponse,
} from '../api/maintenance.ts';
import { NONE, type NodeId } from '../raft/types.ts';
import { members, removedMembers, unavailable } from './cluster-api.ts';
import { toApplyError } from './errors.ts';
import type { AlarmRequest, AlarmResponse } from './internal.ts';
import { type Callback, ErrNoLeader, ErrStopped, fromApplyError } from './request-errors.ts';
import type { EtcdServer } from './server.ts';
import { snapshotBlob } from './snapshot-file.ts';
import { ETCD_VERSION } from './version.ts';

/** The version every member reports. */
export { ETCD_VERSION };
export const ErrNotLeader = 'etcdserver: not leader';
export const ErrBadLeaderTransferee = 'etcdserver: bad leader transferee';
export const ErrTimeoutLeaderTransfer = 'etcdserver: request timed out, leader transfer took too long';

export type { DefragmentResponse, HashKVResponse, HashResponse, MoveLeaderResponse, SnapshotResponse, StatusResponse };

/** A member ID as Go prints a uint64 (protobuf text of AlarmMember). */
function decimalId(id: NodeId): string {
  return BigInt('0x' + id).toString();
}

/** AlarmMember.String() (gogoproto compact text). */
export function alarmText(a: { memberID: NodeId; alarm: string }): string {
  return `memberID:${decimalId(a.memberID)} alarm:${a.alarm} `;
}

/**
 * Runs serve() at once, or fails with ErrStopped (or, on a learner, unless
 * forLearner, ErrNotSupportedForLearner); a paused process answers when it resumes.
 */
function local<T>(s: EtcdServer, cb: Callback<T>, serve: () => T, forLearner = false): void {
  if (forLearner) {
    if (s.holdIfPaused(() => local(s, cb, serve, forLearner))) return;
    if (s.stopped || !s.node()) return s.fail(cb, ErrStopped);
  } else if (unavailable(s, () => local(s, cb, serve), cb)) {
    return;
  }
  let resp: T;
  try {
    resp = serve();
  } catch (e) {
    return s.complete(cb, fromApplyError(toApplyError(e)));
  }
  s.complete(cb, undefined, resp);
}

export function status(s: EtcdServer, cb: Callback<StatusResponse>): void {
  local(s, cb, () => {
    const n = s.node()!;
    const r = n.rn!.raft;
    const errors: string[] = [];
    if (r.lead === NONE) errors.push(ErrNoLeader);
    for (const a of s.sm.alarms.get('NONE')) errors.push(alarmText(a));
    return {
      header: s.header(),
      version: ETCD_VERSION,
      dbSize: s.sm.kv.dbSize,
      dbSizeInUse: s.sm.kv.dbSizeInUse,
      leader: r.lead,
      raftIndex: r.raftLog.committed,
      raftTerm: r.term,
      raftAppliedIndex: n.applied,
      errors,
      isLearner: n.confState.learners.includes(s.id),
    };
  }, true);
}

/** Hash of the member's whole store (etcd's bbolt hash; here the KV store's). */
export function hash(s: EtcdServer, cb: Callback<HashResponse>): void {
  local(s, cb, () => ({ header: s.header(), hash: s.sm.kv.hash() }));
}

/** HashKV: the kv history up to revision (0: all of it); equal on members that applied the same. */
export function hashKV(s: EtcdServer, r: { revision?: number }, cb: Callback<HashKVResponse>): void {
  local(s, cb, () => {
    const h = s.sm.hashKV(r.revision ?? 0);
    return { header: s.header(), hash: h.hash, compactRevision: h.compactRevision };
  });
}

/** Defragment rewrites this member's db file to its in-use size. */
export function defragment(s: EtcdServer, cb: Callback<DefragmentResponse>): void {
  local(s, cb, () => {
    s.sm.kv.defragment();
    return { header: s.header() };
  });
}

/** Alarm: GET lists, ACTIVATE/DEACTIVATE raise and disarm; every action goes through raft (3.4). */
export function alarm(s: EtcdServer, r: AlarmRequest, cb: Callback<AlarmResponse>): void {
  if (unavailable(s, () => alarm(s, r, cb), cb)) return;
  s.raftRequest('alarm', r, cb as Callback<unknown>);
}

/** Snapshot: the member's store as `etcdctl snapshot save` receives it. */
export function snapshot(s: EtcdServer, cb: Callback<SnapshotResponse>): void {
  local(s, cb, () => ({ header: s.header(), blob: snapshotBlob(s.sm.snapshot(), members(s), removedMembers(s)) }));
}

/**
 * MoveLeader: only the leader may hand leadership over, and only to a voter;
 * answers once this member sees the target lead, or fails after the
 * request timeout (etcd: the client's deadline).
 */
export function moveLeader(s: EtcdServer, r: { targetID: NodeId }, cb: Callback<MoveLeaderResponse>): void {
  if (unavailable(s, () => moveLeader(s, r, cb), cb)) return;
  if (!s.isLeader()) return s.complete(cb, { message: ErrNotLeader, code: 'FailedPrecondition' });
  const n = s.node()!;
  if (!n.confState.voters.includes(r.targetID)) return s.complete(cb, { message: ErrBadLeaderTransferee, code: 'FailedPrecondition' });
  const err = s.cluster.withNode(s.id, (x) => x.rn!.transferLeader(r.targetID));
  if (err) return s.fail(cb, err);
  const deadline = s.now() + s.requestTimeout();
  const poll = (): void => {
    if (s.stopped) return s.fail(cb, ErrStopped);
    if (s.node()?.rn!.raft.lead === r.targetID) return cb(undefined, { header: s.header() });
    // Not in v3rpc's error map: it travels as codes.Unknown with etcdserver's own text.
    if (s.now() >= deadline) return s.complete(cb, { message: ErrTimeoutLeaderTransfer, code: 'Unknown' });
    s.after(s.cluster.heartbeatInterval, poll);
  };
  s.after(0, poll);
}
