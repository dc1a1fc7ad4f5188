// Membership as raft applies it: one conf change at a time (add a voter or a
// learner, promote a learner, remove a member), and the configuration a
// follower takes over from a leader's snapshot.
import { bcastAppend } from './leader.ts';
import { Progress } from './progress.ts';
import type { Raft } from './raft.ts';
import { ProgressTracker } from './tracker.ts';
import { type ConfChange, type ConfState, type NodeId, type Snapshot, NONE } from './types.ts';

export function applyConfChange(r: Raft, cc: ConfChange): ConfState {
  const id = cc.nodeId;
  // etcd turns a rejected conf change into one with no node: it changes nothing.
  if (id === NONE) return r.prs.confState();
  switch (cc.type) {
    case 'ConfChangeAddNode':
      addNode(r, id, false);
      break;
    case 'ConfChangeAddLearnerNode':
      addNode(r, id, true);
      break;
    case 'ConfChangeRemoveNode':
      removeNode(r, id);
      break;
    case 'ConfChangeUpdateNode':
      break;
  }
  r.prs.refresh();
  r.log?.(`${r.id} switched to configuration ${r.prs.describe()}`);
  return r.prs.confState();
}

export function restoreConfState(r: Raft, cs: ConfState): void {
  for (const id of cs.voters) addNode(r, id, false);
  for (const id of cs.learners) addNode(r, id, true);
  r.prs.refresh();
}

function addNode(r: Raft, id: NodeId, isLearner: boolean): void {
  const pr = r.prs.progress.get(id);
  if (pr) {
    if (isLearner && !pr.isLearner) {
      r.log?.(`${r.id} ignored addLearner: do not support changing ${id} from raft peer to learner.`);
      return;
    }
    if (isLearner === pr.isLearner) return; // ignore redundant add
    // Promote a learner to a voter.
    pr.isLearner = false;
    r.prs.learners.delete(id);
    r.prs.voters.add(id);
  } else {
    const p = new Progress(r.raftLog.lastIndex() + 1, r.cfg.maxInflightMsgs, isLearner);
    // A new member counts as active so check-quorum does not depose us at once.
    p.recentActive = true;
    r.prs.progress.set(id, p);
    (isLearner ? r.prs.learners : r.prs.voters).add(id);
  }
  if (id === r.id) r.isLearner = isLearner;
}

function removeNode(r: Raft, id: NodeId): void {
  r.prs.progress.delete(id);
  r.prs.voters.delete(id);
  r.prs.learners.delete(id);
  r.prs.refresh();
  if (r.prs.voters.size === 0) return;
  // The quorum shrank: pending entries may now be committed.
  if (r.state === 'StateLeader' && r.maybeCommit()) bcastAppend(r);
  if (r.state === 'StateLeader' && r.leadTransferee === id) r.abortLeaderTransfer();
}

/** A follower installs a leader's snapshot; false if it is stale or already covered by the log. */
export function restoreSnapshot(r: Raft, s: Snapshot): boolean {
  const { index, term, confState } = s.metadata;
  if (index <= r.raftLog.committed) return false;
  if (r.state !== 'StateFollower') {
    // Only a follower may install a snapshot; anything else means a newer leader exists.
    r.log?.(`${r.id} attempted to restore snapshot as leader; should never happen`);
    r.becomeFollower(r.term + 1, NONE);
    return false;
  }
  if (!confState.voters.includes(r.id) && !confState.learners.includes(r.id)) {
    r.log?.(`${r.id} attempted to restore snapshot but it is not in the ConfState; should never happen`);
    return false;
  }
  const log = r.raftLog;
  if (log.matchTerm(index, term)) {
    r.log?.(
      `${r.id} [commit: ${log.committed}, lastindex: ${log.lastIndex()}, lastterm: ${log.lastTerm()}] fast-forwarded commit to snapshot [index: ${index}, term: ${term}]`,
    );
    log.commitTo(index);
    return false;
  }
  log.restore(s);
  r.prs = new ProgressTracker(r.cfg.maxInflightMsgs);
  restoreConfState(r, confState);
  r.log?.(
    `${r.id} [commit: ${log.committed}, lastindex: ${log.lastIndex()}, lastterm: ${log.lastTerm()}] restored snapshot [index: ${index}, term: ${term}]`,
  );
  return true;
}
