// The raft state machine of one node, after etcd-io/raft's raft.go: roles,
// terms, elections and the top-level Step. Replication lives in leader.ts,
// follower and candidate handling in follower.ts. No I/O: outputs are
// appended to `msgs` and the log's unstable tail, collected by RawNode.
import { type Config, type ResolvedConfig, validateConfig } from './config.ts';
import { stepCandidate, stepFollower } from './follower.ts';
import { campaign, handleVoteRequest, hup, isCampaignTransfer, poll } from './election.ts';
import { stepLeader } from './leader.ts';
import { applyConfChange, restoreConfState, restoreSnapshot } from './membership.ts';
import { RaftLog } from './log.ts';
import { Progress } from './progress.ts';
import { ReadOnly } from './readonly.ts';
import { ProgressTracker, type VoteResult } from './tracker.ts';
import {
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type MessageType,
  type NodeId,
  type ReadState,
  type SoftState,
  type Snapshot,
  type StateType,
  NONE,
  isEmptyHardState,
  msg,
} from './types.ts';

export type CampaignType = 'CampaignPreElection' | 'CampaignElection' | 'CampaignTransfer';
/** A step function returns an error text (e.g. ErrProposalDropped) or nothing. */
export type StepFn = (r: Raft, m: Message) => string | undefined;

const EMPTY = new Uint8Array(0);


export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  readStates: ReadState[] = [];
  raftLog: RaftLog;
  prs: ProgressTracker;
  state: StateType = 'StateFollower';
  isLearner = false;
  msgs: Message[] = [];
  lead: NodeId = NONE;
  /** The node leadership is being handed to, or NONE. */
  leadTransferee: NodeId = NONE;
  /** Index of the latest proposed conf change; only one may be unapplied at a time. */
  pendingConfIndex = 0;
  readOnly = new ReadOnly();
  /** ReadIndex requests held until this leader commits an entry of its own term. */
  pendingReadIndexMessages: Message[] = [];
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  readonly cfg: ResolvedConfig;
  readonly log: ((line: string) => void) | undefined;
  private tickFn: () => void = () => this.tickElection();
  private stepFn: StepFn = stepFollower;

  constructor(c: Config) {
    this.cfg = validateConfig(c);
    this.id = c.id;
    this.log = c.logger;
    this.raftLog = new RaftLog(c.storage);
    this.prs = new ProgressTracker(this.cfg.maxInflightMsgs);
    const { hardState, confState } = c.storage.initialState();
    restoreConfState(this, confState);
    this.log?.(`${this.id} switched to configuration ${this.prs.describe()}`);
    if (!isEmptyHardState(hardState)) this.loadState(hardState);
    if (this.cfg.applied > 0) this.raftLog.appliedTo(this.cfg.applied);
    this.becomeFollower(this.term, NONE);
    this.log?.(
      `newRaft ${this.id} [peers: [${this.prs.ids.join(',')}], term: ${this.term}, commit: ${this.raftLog.committed}, applied: ${this.raftLog.applied}, lastindex: ${this.raftLog.lastIndex()}, lastterm: ${this.raftLog.lastTerm()}]`,
    );
  }

  get heartbeatTimeout(): number {
    return this.cfg.heartbeatTick;
  }

  get electionTimeout(): number {
    return this.cfg.electionTick;
  }

  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  private loadState(hs: HardState): void {
    if (hs.commit < this.raftLog.committed || hs.commit > this.raftLog.lastIndex()) {
      throw new Error(`${this.id} state.commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`);
    }
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  /** Queues a message, stamping it with this node's id and term as raft does. */
  send(m: Message): void {
    if (m.from === NONE) m.from = this.id;
    const t = m.type;
    if (t === 'MsgVote' || t === 'MsgVoteResp' || t === 'MsgPreVote' || t === 'MsgPreVoteResp') {
      // Vote messages carry the term they are about, not necessarily ours.
      if (m.term === 0) throw new Error(`term should be set when sending ${t}`);
    } else {
      if (m.term !== 0) throw new Error(`term should not be set when sending ${t} (was ${m.term})`);
      // Proposals and read requests are forwarded as local messages.
      if (t !== 'MsgProp' && t !== 'MsgReadIndex') m.term = this.term;
    }
    this.msgs.push(m);
  }

  tick(): void {
    this.tickFn();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.step(msg({ type: 'MsgHup', from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) this.step(msg({ type: 'MsgCheckQuorum', from: this.id }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.state === 'StateLeader' && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.state !== 'StateLeader') return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(msg({ type: 'MsgBeat', from: this.id }));
    }
  }

  /** Whether this node may campaign: a voter of the current configuration. */
  promotable(): boolean {
    return this.prs.progress.has(this.id) && !this.isLearner && !this.raftLog.hasPendingSnapshot();
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.cfg.rand(this.electionTimeout);
  }

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.prs.resetVotes();
    const last = this.raftLog.lastIndex();
    for (const id of this.prs.ids) {
      const old = this.prs.progress.get(id)!;
      const pr = new Progress(last + 1, this.cfg.maxInflightMsgs, old.isLearner);
      if (id === this.id) pr.match = last;
      this.prs.progress.set(id, pr);
    }
    this.pendingConfIndex = 0;
    this.readOnly = new ReadOnly();
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.stepFn = stepFollower;
    this.reset(term);
    this.tickFn = () => this.tickElection();
    this.lead = lead;
    this.state = 'StateFollower';
    this.log?.(`${this.id} became follower at term ${this.term}`);
  }

  becomeCandidate(): void {
    if (this.state === 'StateLeader') throw new Error('invalid transition [leader -> candidate]');
    this.stepFn = stepCandidate;
    this.reset(this.term + 1);
    this.tickFn = () => this.tickElection();
    this.vote = this.id;
    this.state = 'StateCandidate';
    this.log?.(`${this.id} became candidate at term ${this.term}`);
  }

  becomePreCandidate(): void {
    if (this.state === 'StateLeader') throw new Error('invalid transition [leader -> pre-candidate]');
    // A pre-candidate changes neither its term nor its vote: it only asks.
    this.stepFn = stepCandidate;
    this.prs.resetVotes();
    this.tickFn = () => this.tickElection();
    this.lead = NONE;
    this.state = 'StatePreCandidate';
    this.log?.(`${this.id} became pre-candidate at term ${this.term}`);
  }

  becomeLeader(): void {
    if (this.state === 'StateFollower') throw new Error('invalid transition [follower -> leader]');
    this.stepFn = stepLeader;
    this.reset(this.term);
    this.tickFn = () => this.tickHeartbeat();
    this.lead = this.id;
    this.state = 'StateLeader';
    this.prs.progress.get(this.id)?.becomeReplicate();
    // There may be an unapplied conf change in the log; hold new ones until it is applied.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // The empty entry lets the new leader commit everything before its term (§5.4.2).
    this.appendEntry([{ term: 0, index: 0, type: 'EntryNormal', data: EMPTY }]);
    this.log?.(`${this.id} became leader at term ${this.term}`);
  }

  /**
   * Appends new entries to the leader's own log, stamped with its term and the
   * next indexes; the leader acks them for itself at once. The proposal's
   * entries are copied, never stamped in place: the same message object may
   * be delivered again (a duplicating network) and must not change.
   */
  appendEntry(es: Entry[]): boolean {
    let li = this.raftLog.lastIndex();
    const ents: Entry[] = new Array<Entry>(es.length);
    for (let i = 0; i < es.length; i++) {
      const e = es[i]!;
      ents[i] = { term: this.term, index: ++li, type: e.type, data: e.data };
    }
    li = this.raftLog.append(ents);
    this.prs.progress.get(this.id)?.maybeUpdate(li);
    this.maybeCommit();
    return true;
  }

  /** Advances the commit index to what a quorum has matched, if it is of this term. */
  maybeCommit(): boolean {
    const idx = this.prs.committed();
    // Without the current-term rule the quorum index commits whatever its term (unsafe, tests only).
    const term = this.cfg.unsafeCommitPriorTerms && idx > this.raftLog.committed ? this.raftLog.term(idx) : this.term;
    return this.raftLog.maybeCommit(idx, term);
  }

  committedEntryInCurrentTerm(): boolean {
    return this.raftLog.term(this.raftLog.committed) === this.term;
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  hup(t: CampaignType): void {
    hup(this, t);
  }

  campaign(t: CampaignType): void {
    campaign(this, t);
  }

  poll(id: NodeId, t: MessageType, granted: boolean): VoteResult {
    return poll(this, id, t, granted);
  }

  /** Steps one message; returns an error text such as ErrProposalDropped. */
  step(m: Message): string | undefined {
    if (m.term === 0) {
      // local message
    } else if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        const force = isCampaignTransfer(m.context);
        const inLease = this.cfg.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        if (!force && inLease) {
          // We heard from a live leader within the election timeout: a
          // partitioned node's campaign must not disrupt the cluster.
          this.log?.(
            `${this.id} [logterm: ${this.raftLog.lastTerm()}, index: ${this.raftLog.lastIndex()}, vote: ${this.vote}] ignored ${m.type} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}: lease is not expired (remaining ticks: ${this.electionTimeout - this.electionElapsed})`,
          );
          return undefined;
        }
      }
      if (m.type === 'MsgPreVote') {
        // Never change our term in response to a pre-vote.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // The term in a granted pre-vote response is the one we will campaign at.
      } else {
        this.log?.(`${this.id} [term: ${this.term}] received a ${m.type} message with higher term from ${m.from} [term: ${m.term}]`);
        const fromLeader = m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap';
        this.becomeFollower(m.term, fromLeader ? m.from : NONE);
      }
    } else if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A stale leader cut off by a partition: tell it about the newer term
        // so it steps down (it would otherwise never learn, with pre-vote or
        // check-quorum keeping our term from reaching it).
        this.send(msg({ type: 'MsgAppResp', to: m.from }));
      } else if (m.type === 'MsgPreVote') {
        this.log?.(
          `${this.id} [logterm: ${this.raftLog.lastTerm()}, index: ${this.raftLog.lastIndex()}, vote: ${this.vote}] rejected ${m.type} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}`,
        );
        this.send(msg({ type: 'MsgPreVoteResp', to: m.from, term: this.term, reject: true }));
      } else {
        this.log?.(`${this.id} [term: ${this.term}] ignored a ${m.type} message with lower term from ${m.from} [term: ${m.term}]`);
      }
      return undefined;
    }

    switch (m.type) {
      case 'MsgHup':
        this.hup(this.cfg.preVote ? 'CampaignPreElection' : 'CampaignElection');
        return undefined;
      case 'MsgVote':
      case 'MsgPreVote':
        handleVoteRequest(this, m);
        return undefined;
      default:
        return this.stepFn(this, m);
    }
  }

  /** A follower installs a leader's snapshot; false if it is stale or already covered by the log. */
  restore(s: Snapshot): boolean {
    return restoreSnapshot(this, s);
  }

  applyConfChange(cc: ConfChange): ConfState {
    return applyConfChange(this, cc);
  }

  /** Answers a ReadIndex request at readIndex: locally if it is ours, else by message. */
  responseToReadIndexReq(req: Message, readIndex: number): Message | undefined {
    if (req.from === NONE || req.from === this.id) {
      this.readStates.push({ index: readIndex, requestCtx: req.entries[0]?.data ?? EMPTY });
      return undefined;
    }
    return msg({ type: 'MsgReadIndexResp', to: req.from, index: readIndex, entries: req.entries });
  }

  sendTimeoutNow(to: NodeId): void {
    this.send(msg({ type: 'MsgTimeoutNow', to }));
  }
}
