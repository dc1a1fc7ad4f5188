// The driver API, after etcd-io/raft's RawNode: inputs (tick, step, propose,
// ...) change the state machine; Ready hands the host what to persist, send
// and apply; advance acknowledges that the host did it.
import type { Config } from './config.ts';
import { encodeConfChange } from './confchange.ts';
import { Raft } from './raft.ts';
import type { ProgressStateType } from './progress.ts';
import {
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type Ready,
  type SoftState,
  ErrStepLocalMsg,
  ErrStepPeerNotFound,
  NONE,
  RaftError,
  emptyHardState,
  isEmptyHardState,
  isLocalMsg,
  isResponseMsg,
  msg,
} from './types.ts';

export interface ProgressStatus {
  match: number;
  next: number;
  state: ProgressStateType;
  isLearner: boolean;
  recentActive: boolean;
  pendingSnapshot: number;
  inflight: number;
  paused: boolean;
}

export interface Status {
  id: NodeId;
  hardState: HardState;
  softState: SoftState;
  applied: number;
  committed: number;
  firstIndex: number;
  lastIndex: number;
  leadTransferee: NodeId;
  isLearner: boolean;
  electionElapsed: number;
  randomizedElectionTimeout: number;
  heartbeatElapsed: number;
  voters: NodeId[];
  learners: NodeId[];
  /** Only on the leader: its view of every member. */
  progress: Record<NodeId, ProgressStatus>;
}

const sameHardState = (a: HardState, b: HardState) => a.term === b.term && a.vote === b.vote && a.commit === b.commit;

export class RawNode {
  readonly raft: Raft;
  private prevSoftSt: SoftState;
  private prevHardSt: HardState;

  constructor(c: Config) {
    this.raft = new Raft(c);
    this.prevSoftSt = this.raft.softState();
    const { hardState } = c.storage.initialState();
    this.prevHardSt = isEmptyHardState(hardState) ? emptyHardState() : this.raft.hardState();
  }

  /**
   * Starts a brand-new cluster: one committed ConfChangeAddNode entry per peer
   * at term 1, as etcd does for a statically configured --initial-cluster.
   */
  bootstrap(peers: { id: NodeId; context: Uint8Array }[]): void {
    const r = this.raft;
    if (r.raftLog.lastIndex() !== 0) throw new Error("can't bootstrap a nonempty Storage");
    if (peers.length === 0) throw new Error('must provide at least one peer to Bootstrap');
    r.becomeFollower(1, NONE);
    const ents: Entry[] = peers.map((p, i) => ({
      type: 'EntryConfChange',
      term: 1,
      index: i + 1,
      data: encodeConfChange({ type: 'ConfChangeAddNode', nodeId: p.id, context: p.context }),
    }));
    r.raftLog.append(ents);
    // The entries are committed by definition; the host persists and applies them.
    r.raftLog.committed = ents.length;
    for (const p of peers) r.applyConfChange({ type: 'ConfChangeAddNode', nodeId: p.id, context: p.context });
  }

  tick(): void {
    this.raft.tick();
  }

  campaign(): void {
    this.raft.step(msg({ type: 'MsgHup' }));
  }

  propose(data: Uint8Array): void {
    this.stepOrThrow(msg({ type: 'MsgProp', from: this.raft.id, entries: [{ term: 0, index: 0, type: 'EntryNormal', data }] }));
  }

  /** Proposes several entries in one message (one append round for all of them). */
  proposeBatch(datas: Uint8Array[]): void {
    const entries: Entry[] = datas.map((data) => ({ term: 0, index: 0, type: 'EntryNormal', data }));
    this.stepOrThrow(msg({ type: 'MsgProp', from: this.raft.id, entries }));
  }

  proposeConfChange(cc: ConfChange): void {
    this.stepOrThrow(
      msg({ type: 'MsgProp', from: this.raft.id, entries: [{ term: 0, index: 0, type: 'EntryConfChange', data: encodeConfChange(cc) }] }),
    );
  }

  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /** Steps a message from the network. */
  step(m: Message): void {
    if (isLocalMsg(m.type)) throw new RaftError(ErrStepLocalMsg);
    if (this.raft.prs.progress.has(m.from) || !isResponseMsg(m.type)) {
      this.stepOrThrow(m);
      return;
    }
    throw new RaftError(ErrStepPeerNotFound);
  }

  transferLeader(to: NodeId): void {
    this.raft.step(msg({ type: 'MsgTransferLeader', from: to }));
  }

  readIndex(ctx: Uint8Array): void {
    this.raft.step(msg({ type: 'MsgReadIndex', entries: [{ term: 0, index: 0, type: 'EntryNormal', data: ctx }] }));
  }

  reportUnreachable(id: NodeId): void {
    this.raft.step(msg({ type: 'MsgUnreachable', from: id }));
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.step(msg({ type: 'MsgSnapStatus', from: id, reject: !ok }));
  }

  private stepOrThrow(m: Message): void {
    const err = this.raft.step(m);
    if (err) throw new RaftError(err);
  }

  hasReady(): boolean {
    const r = this.raft;
    const ss = r.softState();
    if (ss.lead !== this.prevSoftSt.lead || ss.raftState !== this.prevSoftSt.raftState) return true;
    const hs = r.hardState();
    if (!isEmptyHardState(hs) && !sameHardState(hs, this.prevHardSt)) return true;
    if (r.raftLog.hasPendingSnapshot()) return true;
    if (r.msgs.length > 0 || r.raftLog.unstableEntries().length > 0 || r.raftLog.hasNextEnts()) return true;
    return r.readStates.length > 0;
  }

  ready(): Ready {
    const r = this.raft;
    const rd: Ready = {
      entries: r.raftLog.unstableEntries().slice(),
      committedEntries: r.raftLog.nextEnts(),
      messages: r.msgs,
      readStates: r.readStates,
      mustSync: false,
    };
    const ss = r.softState();
    if (ss.lead !== this.prevSoftSt.lead || ss.raftState !== this.prevSoftSt.raftState) {
      if (ss.lead !== this.prevSoftSt.lead) this.logLeaderChange(this.prevSoftSt.lead, ss.lead);
      rd.softState = ss;
      this.prevSoftSt = ss;
    }
    const hs = r.hardState();
    if (!sameHardState(hs, this.prevHardSt)) rd.hardState = hs;
    if (r.raftLog.hasPendingSnapshot()) rd.snapshot = r.raftLog.unstable.snapshot;
    // Term, vote and new entries must reach disk before anything depends on them.
    rd.mustSync = rd.entries.length > 0 || (rd.hardState !== undefined && (hs.term !== this.prevHardSt.term || hs.vote !== this.prevHardSt.vote));
    r.msgs = [];
    r.readStates = [];
    return rd;
  }

  private logLeaderChange(prev: NodeId, lead: NodeId): void {
    const r = this.raft;
    if (!r.log) return;
    if (lead !== NONE && prev === NONE) r.log(`raft.node: ${r.id} elected leader ${lead} at term ${r.term}`);
    else if (lead !== NONE) r.log(`raft.node: ${r.id} changed leader from ${prev} to ${lead} at term ${r.term}`);
    else r.log(`raft.node: ${r.id} lost leader ${prev} at term ${r.term}`);
  }

  /** The host has persisted, sent and applied everything in rd. */
  advance(rd: Ready): void {
    const r = this.raft;
    if (rd.hardState) this.prevHardSt = rd.hardState;
    const n = rd.committedEntries.length;
    let applied = n > 0 ? rd.committedEntries[n - 1]!.index : 0;
    if (rd.snapshot && rd.snapshot.metadata.index > applied) applied = rd.snapshot.metadata.index;
    if (applied > 0) r.raftLog.appliedTo(applied);
    if (rd.entries.length > 0) {
      const e = rd.entries[rd.entries.length - 1]!;
      r.raftLog.stableTo(e.index, e.term);
    }
    if (rd.snapshot) r.raftLog.stableSnapTo(rd.snapshot.metadata.index);
  }

  status(): Status {
    const r = this.raft;
    const progress: Record<NodeId, ProgressStatus> = {};
    if (r.state === 'StateLeader') {
      for (const [id, pr] of r.prs.progress) {
        progress[id] = {
          match: pr.match,
          next: pr.next,
          state: pr.state,
          isLearner: pr.isLearner,
          recentActive: pr.recentActive,
          pendingSnapshot: pr.pendingSnapshot,
          inflight: pr.inflights.count,
          paused: pr.isPaused(),
        };
      }
    }
    const cs = r.prs.confState();
    return {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      committed: r.raftLog.committed,
      firstIndex: r.raftLog.firstIndex(),
      lastIndex: r.raftLog.lastIndex(),
      leadTransferee: r.leadTransferee,
      isLearner: r.isLearner,
      electionElapsed: r.electionElapsed,
      randomizedElectionTimeout: r.randomizedElectionTimeout,
      heartbeatElapsed: r.heartbeatElapsed,
      voters: cs.voters,
      learners: cs.learners,
      progress,
    };
  }
}
