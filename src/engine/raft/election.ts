// Elections: campaigning (pre-vote, vote, or a forced campaign for a
// leadership transfer), counting votes, and answering vote requests.
import type { Raft, CampaignType } from './raft.ts';
import type { VoteResult } from './tracker.ts';
import { type Message, type MessageType, type NodeId, NONE, msg, voteRespMsgType } from './types.ts';

const CAMPAIGN_TRANSFER = new TextEncoder().encode('CampaignTransfer');

/** A vote request sent for a leadership transfer may override a follower's leader lease. */
export function isCampaignTransfer(ctx: Uint8Array | undefined): boolean {
  if (!ctx || ctx.length !== CAMPAIGN_TRANSFER.length) return false;
  for (let i = 0; i < ctx.length; i++) if (ctx[i] !== CAMPAIGN_TRANSFER[i]) return false;
  return true;
}

export function hup(r: Raft, t: CampaignType): void {
  if (r.state === 'StateLeader') return;
  if (!r.promotable()) {
    r.log?.(`${r.id} is unpromotable and can not campaign`);
    return;
  }
  const pending = r.raftLog.hasNextEnts()
    ? r.raftLog.slice(r.raftLog.applied + 1, r.raftLog.committed + 1, Number.MAX_SAFE_INTEGER)
    : [];
  const n = pending.filter((e) => e.type === 'EntryConfChange').length;
  if (n > 0) {
    r.log?.(`${r.id} cannot campaign at term ${r.term} since there are still ${n} pending configuration changes to apply`);
    return;
  }
  r.log?.(`${r.id} is starting a new election at term ${r.term}`);
  campaign(r, t);
}

export function campaign(r: Raft, t: CampaignType): void {
  let voteMsg: MessageType;
  let term: number;
  if (t === 'CampaignPreElection') {
    r.becomePreCandidate();
    voteMsg = 'MsgPreVote';
    // Pre-votes ask about the next term without moving to it.
    term = r.term + 1;
  } else {
    r.becomeCandidate();
    voteMsg = 'MsgVote';
    term = r.term;
  }
  if (poll(r, r.id, voteRespMsgType(voteMsg), true) === 'VoteWon') {
    // A single-node cluster wins at once.
    if (t === 'CampaignPreElection') campaign(r, 'CampaignElection');
    else r.becomeLeader();
    return;
  }
  const lastIndex = r.raftLog.lastIndex();
  const lastTerm = r.raftLog.lastTerm();
  for (const id of r.prs.ids) {
    if (id === r.id || !r.prs.voters.has(id)) continue;
    r.log?.(`${r.id} [logterm: ${lastTerm}, index: ${lastIndex}] sent ${voteMsg} request to ${id} at term ${r.term}`);
    r.send(
      msg({
        type: voteMsg,
        to: id,
        term,
        index: lastIndex,
        logTerm: lastTerm,
        context: t === 'CampaignTransfer' ? CAMPAIGN_TRANSFER : undefined,
      }),
    );
  }
}

export function poll(r: Raft, id: NodeId, t: MessageType, granted: boolean): VoteResult {
  if (granted) r.log?.(`${r.id} received ${t} from ${id} at term ${r.term}`);
  else r.log?.(`${r.id} received ${t} rejection from ${id} at term ${r.term}`);
  r.prs.recordVote(id, granted);
  return r.prs.tallyVotes().result;
}

/** Grants or refuses a (pre-)vote; the caller has already dealt with its term. */
export function handleVoteRequest(r: Raft, m: Message): void {
  const canVote =
    r.vote === m.from ||
    (r.vote === NONE && r.lead === NONE) ||
    (m.type === 'MsgPreVote' && m.term > r.term);
  const resp = voteRespMsgType(m.type);
  if (canVote && r.raftLog.isUpToDate(m.index, m.logTerm)) {
    r.log?.(
      `${r.id} [logterm: ${r.raftLog.lastTerm()}, index: ${r.raftLog.lastIndex()}, vote: ${r.vote}] cast ${m.type} for ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${r.term}`,
    );
    // The response carries the candidate's term so it is not ignored as stale.
    r.send(msg({ type: resp, to: m.from, term: m.term }));
    if (m.type === 'MsgVote') {
      r.electionElapsed = 0;
      r.vote = m.from;
    }
  } else {
    r.log?.(
      `${r.id} [logterm: ${r.raftLog.lastTerm()}, index: ${r.raftLog.lastIndex()}, vote: ${r.vote}] rejected ${m.type} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${r.term}`,
    );
    r.send(msg({ type: resp, to: m.from, term: r.term, reject: true }));
  }
}
