// The Cluster service (etcdserver/api/v3rpc/member.go and server.go, 3.4):
// MemberList, MemberAdd, MemberRemove, MemberUpdate and MemberPromote, served
// by one member. Changes are conf changes through raft (cluster/membership.ts);
// the call answers once the serving member has applied it, with the member
// list as that member then knows it.
//
// Strict reconfig checking is on, as etcd's default: a voter may be added or
// removed only while enough voters are started and the serving member is
// connected to them (mayAddMember / mayRemoveMember / mayPromoteMember).
// etcd asks whether each peer stream has been up for 5 s (HealthInterval);
// the simulation asks whether the peer answers now.
//
// As with etcd, an added member is not started by the call: it stays
// "unstarted" (no name, no client URLs, as etcdctl member list shows) until
// its process is launched (Cluster.restart, e.g. the playground's `etcd`
// command) and has caught up with its own addition, as etcd's member
// publishes its name once it runs.
import type { ResponseHeader } from '../api/header.ts';
import type {
  MemberAddRequest,
  MemberAddResponse,
  MemberInfo,
  MemberListResponse,
  MemberPromoteResponse,
  MemberRemoveResponse,
  MemberUpdateResponse,
} from '../api/cluster.ts';
import type { Cluster } from '../cluster/cluster.ts';
import { ErrIDExists, ErrLearnerNotReady, ErrMemberNotFound, ErrMemberNotLearner, ErrPeerURLExists } from '../cluster/errors.ts';
import { type Member, encodeMemberContext } from '../cluster/member.ts';
import type { ConfState, NodeId } from '../raft/types.ts';
import { compareIds } from '../util/bytes.ts';
import type { GrpcCode } from './errors.ts';
import { type Callback, type RequestError, ErrNoLeader, ErrStopped, ErrTimeout, requestError } from './request-errors.ts';
import type { EtcdServer } from './server.ts';

export const ErrUnhealthy = 'etcdserver: unhealthy cluster';
export const ErrNotEnoughStartedMembers = 'etcdserver: re-configuration failed due to not enough started members';
export const ErrTooManyLearners = 'etcdserver: too many learner members in cluster';
export const ErrNotSupportedForLearner = 'etcdserver: rpc not supported for learner';
/** etcd 3.4's maxLearners. */
export const MAX_LEARNERS = 1;

export type {
  MemberAddRequest,
  MemberAddResponse,
  MemberInfo,
  MemberListResponse,
  MemberPromoteResponse,
  MemberRemoveResponse,
  MemberUpdateResponse,
};

/** rpctypes' codes for the membership errors. */
const CODES: Record<string, GrpcCode | 'Unavailable'> = {
  [ErrMemberNotFound]: 'NotFound',
  [ErrIDExists]: 'FailedPrecondition',
  [ErrPeerURLExists]: 'FailedPrecondition',
  [ErrMemberNotLearner]: 'FailedPrecondition',
  [ErrLearnerNotReady]: 'FailedPrecondition',
  [ErrTooManyLearners]: 'FailedPrecondition',
  [ErrNotEnoughStartedMembers]: 'FailedPrecondition',
  [ErrUnhealthy]: 'Unavailable',
};

export function clusterError(message: string): RequestError {
  const code = CODES[message];
  return code ? { message, code } : requestError(message);
}

/** The membership the serving member has applied. */
function confState(s: EtcdServer): ConfState {
  return s.cluster.nodes.get(s.id)?.confState ?? { voters: [], learners: [] };
}

/** A member has started once its own node has applied the change that added it. */
export function isStarted(c: Cluster, id: NodeId): boolean {
  const cs = c.nodes.get(id)?.confState;
  return cs !== undefined && (cs.voters.includes(id) || cs.learners.includes(id));
}

function info(c: Cluster, m: Member, isLearner: boolean): MemberInfo {
  const started = isStarted(c, m.id);
  return { ID: m.id, name: started ? m.name : '', peerURLs: [...m.peerURLs], clientURLs: started ? [...m.clientURLs] : [], isLearner };
}

/** RaftCluster.Members(): sorted by ID. */
export function members(s: EtcdServer): MemberInfo[] {
  const cs = confState(s);
  const out: MemberInfo[] = [];
  for (const id of [...cs.voters, ...cs.learners].sort(compareIds)) {
    const m = s.cluster.members.get(id);
    if (m) out.push(info(s.cluster, m, cs.learners.includes(id)));
  }
  return out;
}

/** The members this one has seen removed (etcd's members_removed bucket). */
export function removedMembers(s: EtcdServer): NodeId[] {
  const cs = confState(s);
  return [...s.cluster.removed].filter((id) => !cs.voters.includes(id) && !cs.learners.includes(id)).sort(compareIds);
}

/** Member responses carry no revision (etcd fills cluster ID, member ID and term only). */
function header(s: EtcdServer): ResponseHeader {
  return { ...s.header(), revision: 0 };
}

/**
 * Fails cb if the server cannot serve now; holds the call while its process
 * is paused. A learner serves only Status and serializable ranges (3.4's
 * isRPCSupportedForLearner): every other call gets ErrNotSupportedForLearner.
 */
export function unavailable<T>(s: EtcdServer, retry: () => void, cb: Callback<T>): boolean {
  if (s.holdIfPaused(retry)) return true;
  if (s.stopped || !s.node()) {
    s.fail(cb, ErrStopped);
    return true;
  }
  return refusedByLearner(s, cb);
}

/**
 * etcd 3.4's gRPC interceptors, before any handler: a learner refuses every
 * call but Status and serializable ranges, and every stream, with
 * ErrNotSupportedForLearner (Unavailable, so clients retry repeatable calls).
 */
export function refusedByLearner<T>(s: EtcdServer, cb: Callback<T>): boolean {
  if (!confState(s).learners.includes(s.id)) return false;
  s.complete(cb, { message: ErrNotSupportedForLearner, code: 'Unavailable' });
  return true;
}

export function memberList(s: EtcdServer, cb: Callback<MemberListResponse>): void {
  if (unavailable(s, () => memberList(s, cb), cb)) return;
  s.complete(cb, undefined, { header: header(s), members: members(s) });
}

/** Whether every other voter answers the serving member (isConnectedFullySince). */
function connectedToAll(s: EtcdServer): boolean {
  return confState(s).voters.every((v) => v === s.id || s.reachable(v));
}

function startedVoters(s: EtcdServer, except?: NodeId): { n: number; started: number } {
  let n = 0;
  let started = 0;
  for (const v of confState(s).voters) {
    if (v === except) continue;
    n++;
    if (isStarted(s.cluster, v)) started++;
  }
  return { n, started };
}

/** mayAddMember (strict reconfig check). */
function mayAddMember(s: EtcdServer, isLearner: boolean): string | undefined {
  if (!isLearner) {
    // IsReadyToAddVotingMember: quorum of the grown cluster must be started (a lone member may add).
    const { n, started } = startedVoters(s);
    if (!(started === 1 && n === 1) && started < Math.floor((n + 1) / 2) + 1) return ErrNotEnoughStartedMembers;
  }
  return connectedToAll(s) ? undefined : ErrUnhealthy;
}

/** mayRemoveMember: a learner or a member that is down may go; else quorum must stay connected. */
function mayRemoveMember(s: EtcdServer, id: NodeId): string | undefined {
  const cs = confState(s);
  if (cs.learners.includes(id)) return undefined;
  const { n, started } = startedVoters(s, id);
  if (started < Math.floor(n / 2) + 1) return ErrNotEnoughStartedMembers;
  if (id !== s.id && !s.reachable(id)) return undefined;
  const active = cs.voters.filter((v) => v === s.id || s.reachable(v)).length;
  if (active - 1 < 1 + Math.floor((cs.voters.length - 1) / 2)) return ErrUnhealthy;
  return undefined;
}

/**
 * Waits (in virtual time) until the serving member has applied the change,
 * then answers with its member list; etcd's request timeout otherwise.
 */
function waitApplied<T>(s: EtcdServer, done: () => boolean, reply: () => T, cb: Callback<T>): void {
  const deadline = s.now() + s.requestTimeout();
  const poll = (): void => {
    if (s.stopped) return s.fail(cb, ErrStopped);
    if (done()) return cb(undefined, reply());
    if (s.now() >= deadline) return s.fail(cb, ErrTimeout);
    s.after(s.cluster.heartbeatInterval / 10, poll);
  };
  s.after(0, poll);
}

function failWith<T>(s: EtcdServer, cb: Callback<T>, message: string): void {
  s.complete(cb, clusterError(message));
}

function peerURLsTaken(c: Cluster, urls: readonly string[], except?: NodeId): boolean {
  for (const [id, m] of c.members) {
    if (id === except || c.removed.has(id)) continue;
    if (m.peerURLs.some((u) => urls.includes(u))) return true;
  }
  return false;
}

/** MemberAdd: the new member (ID from its peer URLs and the time) and the list once applied here. */
export function memberAdd(s: EtcdServer, r: MemberAddRequest, cb: Callback<MemberAddResponse>): void {
  if (unavailable(s, () => memberAdd(s, r, cb), cb)) return;
  const isLearner = r.isLearner === true;
  const c = s.cluster;
  const refused =
    mayAddMember(s, isLearner) ??
    (peerURLsTaken(c, r.peerURLs) ? ErrPeerURLExists : undefined) ??
    (isLearner && confState(s).learners.length + 1 > MAX_LEARNERS ? ErrTooManyLearners : undefined);
  if (refused) return failWith(s, cb, refused);
  const res = isLearner ? c.addLearner({ peerURLs: r.peerURLs, name: r.name, via: s.id, start: false }) : c.addMember({ peerURLs: r.peerURLs, name: r.name, via: s.id, start: false });
  if (!res.ok) return failWith(s, cb, res.error);
  const m = res.value;
  const cs = (): ConfState => confState(s);
  waitApplied(
    s,
    () => cs().voters.includes(m.id) || cs().learners.includes(m.id),
    () => ({ header: header(s), member: info(c, m, isLearner), members: members(s) }),
    cb,
  );
}

export function memberRemove(s: EtcdServer, r: { ID: NodeId }, cb: Callback<MemberRemoveResponse>): void {
  if (unavailable(s, () => memberRemove(s, r, cb), cb)) return;
  const cs = confState(s);
  if (!cs.voters.includes(r.ID) && !cs.learners.includes(r.ID)) return failWith(s, cb, ErrMemberNotFound);
  const refused = mayRemoveMember(s, r.ID);
  if (refused) return failWith(s, cb, refused);
  const err = s.cluster.removeMember(r.ID, s.id);
  if (err) return failWith(s, cb, err);
  const gone = (): boolean => !confState(s).voters.includes(r.ID) && !confState(s).learners.includes(r.ID);
  waitApplied(s, gone, () => ({ header: header(s), members: members(s) }), cb);
}

/** MemberUpdate: new peer URLs through ConfChangeUpdateNode (no strict reconfig check, as in etcd). */
export function memberUpdate(s: EtcdServer, r: { ID: NodeId; peerURLs: string[] }, cb: Callback<MemberUpdateResponse>): void {
  if (unavailable(s, () => memberUpdate(s, r, cb), cb)) return;
  const c = s.cluster;
  const cs = confState(s);
  const m = c.members.get(r.ID);
  if (!m || (!cs.voters.includes(r.ID) && !cs.learners.includes(r.ID))) return failWith(s, cb, ErrMemberNotFound);
  if (peerURLsTaken(c, r.peerURLs, r.ID)) return failWith(s, cb, ErrPeerURLExists);
  const want = [...r.peerURLs];
  const err = c.proposeConfChange(s.id, { type: 'ConfChangeUpdateNode', nodeId: r.ID, context: encodeMemberContext({ ...m, peerURLs: want }) });
  if (err) return failWith(s, cb, err);
  const done = (): boolean => {
    const cur = c.members.get(r.ID)?.peerURLs ?? [];
    return cur.length === want.length && cur.every((u, i) => u === want[i]);
  };
  waitApplied(s, done, () => ({ header: header(s), members: members(s) }), cb);
}

/**
 * MemberPromote: decided by the leader (etcd forwards it there): the learner
 * must be within 90% of the leader's log, and the grown voter set must keep
 * quorum started and connected.
 */
export function memberPromote(s: EtcdServer, r: { ID: NodeId }, cb: Callback<MemberPromoteResponse>): void {
  if (unavailable(s, () => memberPromote(s, r, cb), cb)) return;
  const c = s.cluster;
  const leader = c.leader();
  const ls = leader ? s.host.server(leader.id) : undefined;
  if (!leader || !ls) return s.fail(cb, ErrNoLeader);
  const refused = mayPromoteMember(ls, r.ID);
  if (refused) return failWith(s, cb, refused);
  const err = c.promoteMember(r.ID);
  if (err) return failWith(s, cb, err);
  waitApplied(s, () => confState(s).voters.includes(r.ID), () => ({ header: header(s), members: members(s) }), cb);
}

/** mayPromoteMember on the leader: isLearnerReady, IsReadyToPromoteMember, connectivity. */
function mayPromoteMember(ls: EtcdServer, id: NodeId): string | undefined {
  const cs = confState(ls);
  if (cs.voters.includes(id)) return ErrMemberNotLearner;
  if (!cs.learners.includes(id)) return ErrMemberNotFound;
  const prs = ls.node()!.rn!.status().progress;
  const lm = prs[id]?.match ?? 0;
  const leaderMatch = prs[ls.id]?.match ?? 0;
  if (leaderMatch > 0 && lm / leaderMatch < 0.9) return ErrLearnerNotReady;
  // The learner counts as a started member of the grown cluster.
  const { n, started } = startedVoters(ls);
  if (started + 1 < Math.floor((n + 1) / 2) + 1) return ErrNotEnoughStartedMembers;
  return connectedToAll(ls) ? undefined : ErrUnhealthy;
}
