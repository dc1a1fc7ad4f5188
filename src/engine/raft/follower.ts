// Follower and (pre-)candidate handling: accepting appends, heartbeats and
// snapshots from the leader, forwarding requests to it, and counting votes.
import { bcastAppend } from './leader.ts';
import type { Raft } from './raft.ts';
import { type Message, ErrProposalDropped, NONE, msg } from './types.ts';

export function stepFollower(r: Raft, m: Message): string | undefined {
  switch (m.type) {
    case 'MsgProp':
      if (r.lead === NONE) {
        r.log?.(`${r.id} no leader at term ${r.term}; dropping proposal`);
        return ErrProposalDropped;
      }
      if (r.cfg.disableProposalForwarding) return ErrProposalDropped;
      r.send({ ...m, to: r.lead });
      return undefined;
    case 'MsgApp':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleAppendEntries(r, m);
      return undefined;
    case 'MsgHeartbeat':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleHeartbeat(r, m);
      return undefined;
    case 'MsgSnap':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleSnapshot(r, m);
      return undefined;
    case 'MsgTransferLeader':
      if (r.lead === NONE) {
        r.log?.(`${r.id} no leader at term ${r.term}; dropping leader transfer msg`);
        return undefined;
      }
      r.send({ ...m, to: r.lead });
      return undefined;
    case 'MsgTimeoutNow':
      // Leadership transfer: campaign at once, skipping pre-vote, and past any lease.
      r.log?.(`${r.id} [term ${r.term}] received MsgTimeoutNow from ${m.from} and starts an election to get leadership.`);
      r.hup('CampaignTransfer');
      return undefined;
    case 'MsgReadIndex':
      if (r.lead === NONE) {
        r.log?.(`${r.id} no leader at term ${r.term}; dropping index reading msg`);
        return undefined;
      }
      r.send({ ...m, to: r.lead });
      return undefined;
    case 'MsgReadIndexResp':
      if (m.entries.length !== 1) {
        r.log?.(`${r.id} invalid format of MsgReadIndexResp from ${m.from}, entries count: ${m.entries.length}`);
        return undefined;
      }
      r.readStates.push({ index: m.index, requestCtx: m.entries[0]!.data });
      return undefined;
    default:
      return undefined;
  }
}

export function stepCandidate(r: Raft, m: Message): string | undefined {
  const myVoteRespType = r.state === 'StatePreCandidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
  switch (m.type) {
    case 'MsgProp':
      r.log?.(`${r.id} no leader at term ${r.term}; dropping proposal`);
      return ErrProposalDropped;
    case 'MsgApp':
      r.becomeFollower(m.term, m.from); // always m.term === r.term here
      handleAppendEntries(r, m);
      return undefined;
    case 'MsgHeartbeat':
      r.becomeFollower(m.term, m.from);
      handleHeartbeat(r, m);
      return undefined;
    case 'MsgSnap':
      r.becomeFollower(m.term, m.from);
      handleSnapshot(r, m);
      return undefined;
    case myVoteRespType: {
      r.poll(m.from, m.type, !m.reject);
      const { granted, rejected, result } = r.prs.tallyVotes();
      r.log?.(`${r.id} has received ${granted} ${m.type} votes and ${rejected} vote rejections`);
      if (result === 'VoteWon') {
        if (r.state === 'StatePreCandidate') {
          r.campaign('CampaignElection');
        } else {
          r.becomeLeader();
          bcastAppend(r);
        }
      } else if (result === 'VoteLost') {
        // A pre-candidate that lost goes back to follower at its old term.
        r.becomeFollower(r.term, NONE);
      }
      return undefined;
    }
    case 'MsgTimeoutNow':
      return undefined;
    default:
      return undefined;
  }
}

function handleAppendEntries(r: Raft, m: Message): void {
  if (m.index < r.raftLog.committed) {
    r.send(msg({ type: 'MsgAppResp', to: m.from, index: r.raftLog.committed }));
    return;
  }
  const lastNew = r.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNew !== undefined) {
    r.send(msg({ type: 'MsgAppResp', to: m.from, index: lastNew }));
    return;
  }
  // Reject with a hint: the last index at or below the probe whose term is
  // not above the leader's, so the leader can skip whole divergent terms.
  const hintIndex = Math.min(m.index, r.raftLog.lastIndex());
  const hint = r.raftLog.findConflictByTerm(hintIndex, m.logTerm);
  r.send(msg({ type: 'MsgAppResp', to: m.from, index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term }));
}

function handleHeartbeat(r: Raft, m: Message): void {
  r.raftLog.commitTo(m.commit);
  r.send(msg({ type: 'MsgHeartbeatResp', to: m.from, context: m.context }));
}

function handleSnapshot(r: Raft, m: Message): void {
  const s = m.snapshot!;
  const { index, term } = s.metadata;
  if (r.restore(s)) {
    r.send(msg({ type: 'MsgAppResp', to: m.from, index: r.raftLog.lastIndex() }));
  } else {
    r.log?.(`${r.id} [commit: ${r.raftLog.committed}] ignored snapshot [index: ${index}, term: ${term}]`);
    r.send(msg({ type: 'MsgAppResp', to: m.from, index: r.raftLog.committed }));
  }
}
