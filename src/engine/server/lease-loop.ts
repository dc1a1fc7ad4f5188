// The leader's side of leases (etcd 3.4 lessor.runLoop, v3_server.go
// LeaseRenew/LeaseTimeToLive). Only the primary lessor (the leader's, promoted
// when it applies its first entry of the term) runs lease clocks: every
// 500 ms it hands out up to half the revoke rate of expired leases, and the
// server proposes a LeaseRevoke for each, as root. Keep-alives and
// time-to-live are answered by the leader; a follower forwards them (etcd
// POSTs to the leader's peer URL), retrying every 50 ms within the request
// timeout, and a member that sees no leader waits an election timeout at a time.
import { ErrLeaseNotFound } from '../lease/errors.ts';
import { LESSOR_LOOP_INTERVAL_MS, REVOKE_BATCH_LIMIT } from '../lease/config.ts';
import type { LeaseID, LeaseKeepAliveResponse, LeaseTimeToLiveRequest, LeaseTimeToLiveResponse } from '../lease/types.ts';
import { NONE, type NodeId } from '../raft/types.ts';
import { type Callback, ErrNoLeader, ErrStopped, ErrTimeout } from './request-errors.ts';
import type { EtcdServer, RequestAuth } from './server.ts';

/** Starts the member's lessor loop; it ends with the server. */
export function startLessorLoop(s: EtcdServer): void {
  const loop = (): void => {
    if (s.stopped) return;
    // A paused process runs no loop; it scans again once resumed.
    if (s.cluster.nodes.get(s.id)?.life !== 'paused') revokeExpiredLeases(s);
    s.after(LESSOR_LOOP_INTERVAL_MS, loop);
  };
  s.after(LESSOR_LOOP_INTERVAL_MS, loop);
}

/** One scan: expired leases are revoked through raft (empty unless this lessor is primary). */
export function revokeExpiredLeases(s: EtcdServer): LeaseID[] {
  const ids = s.sm.lessor.findExpiredLeases(s.now(), REVOKE_BATCH_LIMIT);
  // etcd revokes with the auth store's root context.
  const auth: RequestAuth | undefined = s.sm.auth.isAuthEnabled() ? { username: 'root', authRevision: s.sm.auth.revision() } : undefined;
  for (const ID of ids) {
    s.leaseRevoke(
      { ID },
      (err) => {
        if (err) s.node()?.log('W', 'etcdserver', `failed to revoke lease ${ID}: ${err.message}`);
      },
      auth,
    );
  }
  return ids;
}

/**
 * LeaseKeepAlive as v3rpc serves one request of the stream: renewed by the
 * primary lessor (here, or forwarded to the leader); a lease that does not
 * exist answers TTL 0 rather than an error.
 */
export function leaseKeepAlive(s: EtcdServer, id: LeaseID, cb: Callback<LeaseKeepAliveResponse>): void {
  if (s.stopped) return s.fail(cb, ErrStopped);
  if (s.holdIfPaused(() => leaseKeepAlive(s, id, cb))) return;
  const answer = (ttl: number): void => s.complete(cb, undefined, { header: s.header(), ID: id, TTL: ttl });
  const local = s.sm.lessor.renew(id, s.now());
  if (local.ok) return answer(local.value);
  if (local.error === ErrLeaseNotFound) return answer(0);
  // Not primary: renewals don't go through raft; ask the leader.
  forwardToLeader(
    s,
    (leader) => {
      const r = leader.sm.lessor.renew(id, s.now());
      if (r.ok) answer(r.value);
      else if (r.error === ErrLeaseNotFound) answer(0);
      else return false; // it is not (yet) the primary: try again
      return true;
    },
    (err) => s.fail(cb, err),
  );
}

/** LeaseTimeToLive: the leader answers from its lessor; others forward. Header from the serving member. */
export function leaseTimeToLive(s: EtcdServer, r: LeaseTimeToLiveRequest, cb: Callback<LeaseTimeToLiveResponse>): void {
  if (s.stopped) return s.fail(cb, ErrStopped);
  if (s.holdIfPaused(() => leaseTimeToLive(s, r, cb))) return;
  const answer = (from: EtcdServer): void =>
    s.complete(cb, undefined, { ...from.sm.lessor.timeToLive(r.ID, r.keys, s.now()), header: s.header() });
  if (s.node()?.rn!.raft.lead === s.id) return answer(s);
  forwardToLeader(
    s,
    (leader) => {
      answer(leader);
      return true;
    },
    (err) => s.fail(cb, err),
  );
}

/**
 * etcd's forwarding loop: until the request timeout, wait for a leader and
 * try it; a leader that cannot be reached (or declines) is tried again after
 * 50 ms. attempt returns whether it answered.
 */
function forwardToLeader(s: EtcdServer, attempt: (leader: EtcdServer) => boolean, fail: (err: string) => void): void {
  const deadline = s.now() + s.requestTimeout();
  const loop = (): void => {
    if (s.stopped) return fail(ErrStopped);
    if (s.now() >= deadline) return fail(ErrTimeout);
    waitLeader(s, deadline, (err, lead) => {
      if (err) return fail(err);
      const ls = s.host.server(lead!);
      const up = ls !== undefined && !ls.stopped && (lead === s.id || s.reachable(lead!));
      if (up && attempt(ls)) return;
      s.after(50, loop);
    });
  };
  loop();
}

/** waitLeader: the leader this member knows of, polling each election timeout; ErrNoLeader at the deadline. */
function waitLeader(s: EtcdServer, deadline: number, cb: (err: string | undefined, lead?: NodeId) => void): void {
  const check = (): void => {
    if (s.stopped) return cb(ErrStopped);
    const lead = s.node()?.rn!.raft.lead ?? NONE;
    if (lead !== NONE && s.cluster.members.has(lead)) return cb(undefined, lead);
    if (s.now() >= deadline) return cb(ErrNoLeader);
    s.after(Math.min(s.electionTimeout(), deadline - s.now()), check);
  };
  check();
}
