// The leader's half of raft: replicating the log (appends, snapshots,
// heartbeats), flow control, commit, ReadIndex and leadership transfer.
import type { Raft } from './raft.ts';
import {
  type Message,
  type NodeId,
  ErrCompacted,
  ErrProposalDropped,
  ErrSnapshotTemporarilyUnavailable,
  NONE,
  RaftError,
  msg,
} from './types.ts';

export function sendAppend(r: Raft, to: NodeId): void {
  maybeSendAppend(r, to, true);
}

/**
 * Sends the next MsgApp (or MsgSnap if the entries were compacted away) to a
 * follower. With sendIfEmpty false, nothing is sent when there is nothing new.
 */
export function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = r.prs.progress.get(to);
  if (!pr || pr.isPaused()) return false;
  const log = r.raftLog;
  const prevTerm = log.termOrUndefined(pr.next - 1);
  let ents: Message['entries'] | undefined;
  if (prevTerm !== undefined) {
    try {
      ents = log.entries(pr.next, r.cfg.maxSizePerMsg);
    } catch (err) {
      if (!(err instanceof RaftError && err.message === ErrCompacted)) throw err;
    }
  }
  if (prevTerm === undefined || ents === undefined) {
    // The follower needs entries we no longer have: send a snapshot instead.
    if (!pr.recentActive) {
      r.log?.(`${r.id} ignore sending snapshot to ${to} since it is not recently active`);
      return false;
    }
    let snapshot;
    try {
      snapshot = log.snapshot();
    } catch (err) {
      if (err instanceof RaftError && err.message === ErrSnapshotTemporarilyUnavailable) return false;
      throw err;
    }
    if (snapshot.metadata.index === 0) throw new Error('need non-empty snapshot');
    const { index, term } = snapshot.metadata;
    r.log?.(
      `${r.id} [firstindex: ${log.firstIndex()}, commit: ${log.committed}] sent snapshot[index: ${index}, term: ${term}] to ${to} [${pr}]`,
    );
    pr.becomeSnapshot(index);
    r.log?.(`${r.id} paused sending replication messages to ${to} [${pr}]`);
    r.send(msg({ type: 'MsgSnap', to, snapshot }));
    return true;
  }
  if (ents.length === 0 && !sendIfEmpty) return false;
  r.send(msg({ type: 'MsgApp', to, index: pr.next - 1, logTerm: prevTerm, entries: ents, commit: log.committed }));
  if (ents.length > 0) {
    if (pr.state === 'StateReplicate') {
      const last = ents[ents.length - 1]!.index;
      pr.optimisticUpdate(last);
      pr.inflights.add(last);
    } else if (pr.state === 'StateProbe') {
      pr.probeSent = true;
    }
  }
  return true;
}

function sendHeartbeat(r: Raft, to: NodeId, ctx: Uint8Array | undefined): void {
  // Never tell a follower to commit beyond what it is known to have: it may
  // not have those entries yet.
  const commit = Math.min(r.prs.progress.get(to)!.match, r.raftLog.committed);
  r.send(msg({ type: 'MsgHeartbeat', to, commit, context: ctx }));
}

export function bcastAppend(r: Raft): void {
  for (const id of r.prs.ids) if (id !== r.id) sendAppend(r, id);
}

function bcastHeartbeat(r: Raft, ctx: Uint8Array | undefined): void {
  for (const id of r.prs.ids) if (id !== r.id) sendHeartbeat(r, id, ctx);
}

/** ReadOnlySafe: remember the read at the commit index and confirm leadership with a heartbeat round. */
function sendMsgReadIndexResponse(r: Raft, m: Message): void {
  const ctx = m.entries[0]?.data;
  r.readOnly.addRequest(r.raftLog.committed, m);
  r.readOnly.recvAck(r.id, ctx);
  bcastHeartbeat(r, ctx);
}

/** Serves ReadIndex requests that waited for this leader's first commit. */
export function releasePendingReadIndexMessages(r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0 || !r.committedEntryInCurrentTerm()) return;
  const msgs = r.pendingReadIndexMessages;
  r.pendingReadIndexMessages = [];
  for (const m of msgs) sendMsgReadIndexResponse(r, m);
}

function quorumAcked(r: Raft, acks: Set<NodeId>): boolean {
  let n = 0;
  for (const id of acks) if (r.prs.voters.has(id)) n++;
  return n >= r.prs.quorum();
}

export function stepLeader(r: Raft, m: Message): string | undefined {
  // Messages that need no progress entry for the sender.
  switch (m.type) {
    case 'MsgBeat':
      bcastHeartbeat(r, r.readOnly.lastPendingRequestCtx());
      return undefined;
    case 'MsgCheckQuorum':
      if (!r.prs.quorumActive(r.id)) {
        r.log?.(`${r.id} stepped down to follower since quorum is not active`);
        r.becomeFollower(r.term, NONE);
      }
      // Everyone must prove they are alive again during the next round.
      for (const [id, pr] of r.prs.progress) if (id !== r.id) pr.recentActive = false;
      return undefined;
    case 'MsgProp': {
      if (m.entries.length === 0) throw new Error(`${r.id} stepped empty MsgProp`);
      if (!r.prs.progress.has(r.id)) return ErrProposalDropped; // removed from the cluster
      if (r.leadTransferee !== NONE) {
        r.log?.(`${r.id} [term ${r.term}] transfer leadership to ${r.leadTransferee} is in progress; dropping proposal`);
        return ErrProposalDropped;
      }
      let entries = m.entries;
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!;
        if (e.type !== 'EntryConfChange') continue;
        if (r.pendingConfIndex > r.raftLog.applied) {
          // One membership change at a time: a second one becomes a no-op entry.
          r.log?.(
            `${r.id} ignoring conf change at config ${r.prs.describe()}: possible unapplied conf change at index ${r.pendingConfIndex} (applied to ${r.raftLog.applied})`,
          );
          if (entries === m.entries) entries = entries.slice(); // the message itself stays as sent
          entries[i] = { term: 0, index: 0, type: 'EntryNormal', data: new Uint8Array(0) };
        } else {
          r.pendingConfIndex = r.raftLog.lastIndex() + i + 1;
        }
      }
      r.appendEntry(entries);
      bcastAppend(r);
      return undefined;
    }
    case 'MsgReadIndex':
      if (r.prs.isSingleton()) {
        const resp = r.responseToReadIndexReq(m, r.raftLog.committed);
        if (resp) r.send(resp);
        return undefined;
      }
      // A new leader does not know the commit index until it commits in its own term.
      if (!r.committedEntryInCurrentTerm()) {
        r.pendingReadIndexMessages.push(m);
        return undefined;
      }
      sendMsgReadIndexResponse(r, m);
      return undefined;
    default:
      break;
  }

  const pr = r.prs.progress.get(m.from);
  if (!pr) return undefined;
  switch (m.type) {
    case 'MsgAppResp': {
      pr.recentActive = true;
      if (m.reject) {
        let nextProbeIdx = m.rejectHint;
        if (m.logTerm > 0) nextProbeIdx = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index;
        if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
          if (pr.state === 'StateReplicate') pr.becomeProbe();
          sendAppend(r, m.from);
        }
        return undefined;
      }
      const oldPaused = pr.isPaused();
      if (!pr.maybeUpdate(m.index)) return undefined;
      if (pr.state === 'StateProbe') {
        pr.becomeReplicate();
      } else if (pr.state === 'StateSnapshot' && pr.match + 1 >= r.raftLog.firstIndex()) {
        // The follower caught up (by the snapshot or otherwise); the log can take over.
        r.log?.(`${r.id} recovered from needing snapshot, resumed sending replication messages to ${m.from} [${pr}]`);
        pr.becomeProbe();
        pr.becomeReplicate();
      } else if (pr.state === 'StateReplicate') {
        pr.inflights.freeLE(m.index);
      }
      if (r.maybeCommit()) {
        releasePendingReadIndexMessages(r);
        bcastAppend(r);
      } else if (oldPaused) {
        sendAppend(r, m.from);
      }
      // Keep the pipeline full while there is more to send.
      while (maybeSendAppend(r, m.from, false)) {
        /* send the next batch */
      }
      if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) {
        r.log?.(`${r.id} sent MsgTimeoutNow to ${m.from} after received MsgAppResp`);
        r.sendTimeoutNow(m.from);
      }
      return undefined;
    }
    case 'MsgHeartbeatResp': {
      pr.recentActive = true;
      pr.probeSent = false;
      // A heartbeat answer frees one slot so a stalled pipeline makes progress.
      if (pr.state === 'StateReplicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
      if (pr.match < r.raftLog.lastIndex()) sendAppend(r, m.from);
      if (!m.context || m.context.length === 0) return undefined;
      const acks = r.readOnly.recvAck(m.from, m.context);
      if (!acks || !quorumAcked(r, acks)) return undefined;
      for (const rs of r.readOnly.advance(m.context)) {
        const resp = r.responseToReadIndexReq(rs.req, rs.index);
        if (resp) r.send(resp);
      }
      return undefined;
    }
    case 'MsgSnapStatus':
      if (pr.state !== 'StateSnapshot') return undefined;
      if (!m.reject) {
        pr.becomeProbe();
        r.log?.(`${r.id} snapshot succeeded, resumed sending replication messages to ${m.from} [${pr}]`);
      } else {
        pr.pendingSnapshot = 0;
        pr.becomeProbe();
        r.log?.(`${r.id} snapshot failed, resumed sending replication messages to ${m.from} [${pr}]`);
      }
      // Wait for the follower's MsgAppResp before sending more.
      pr.probeSent = true;
      return undefined;
    case 'MsgUnreachable':
      if (pr.state === 'StateReplicate') pr.becomeProbe();
      return undefined;
    case 'MsgTransferLeader': {
      if (pr.isLearner) {
        r.log?.(`${r.id} is learner. Ignored transferring leadership`);
        return undefined;
      }
      const transferee = m.from;
      const last = r.leadTransferee;
      if (last !== NONE) {
        if (last === transferee) {
          r.log?.(`${r.id} [term ${r.term}] transfer leadership to ${transferee} is in progress, ignores request to same node ${transferee}`);
          return undefined;
        }
        r.abortLeaderTransfer();
        r.log?.(`${r.id} [term ${r.term}] abort previous transferring leadership to ${last}`);
      }
      if (transferee === r.id) {
        r.log?.(`${r.id} is already leader. Ignored transferring leadership to self`);
        return undefined;
      }
      r.log?.(`${r.id} [term ${r.term}] starts to transfer leadership to ${transferee}`);
      // The transfer must finish within one election timeout.
      r.electionElapsed = 0;
      r.leadTransferee = transferee;
      if (pr.match === r.raftLog.lastIndex()) {
        r.sendTimeoutNow(transferee);
        r.log?.(`${r.id} sends MsgTimeoutNow to ${transferee} immediately as ${transferee} already has up-to-date log`);
      } else {
        sendAppend(r, transferee);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
