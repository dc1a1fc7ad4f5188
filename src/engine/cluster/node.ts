// One simulated etcd member: a RawNode, its disk and its state machine, and the
// host loop that drives them (etcdserver/raft.go's raftNode.start in 3.4):
// persist each Ready, then send its messages, then apply committed entries,
// then advance, then maybe snapshot and compact the log.
import { decodeConfChange } from '../raft/confchange.ts';
import { RawNode } from '../raft/rawnode.ts';
import {
  type ConfChange,
  type ConfState,
  type Entry,
  type Message,
  type NodeId,
  type ReadState,
  type Ready,
  type StateType,
  NONE,
  isEmptySnapshot,
} from '../raft/types.ts';
import type { NodeDisk } from '../storage/disk.ts';
import { nextConfState, validConfChange } from './conf-state.ts';
import { ErrStopped } from './errors.ts';
import { bytesToHex } from '../util/bytes.ts';
import type { Prng } from '../util/prng.ts';
import type { StateMachine, StateMachineFactory } from './statemachine.ts';
import type { LogLevel, Role, Trace } from './trace.ts';

/** What a node needs from the cluster around it. */
export interface NodeHost {
  readonly trace: Trace;
  now(): number;
  clusterId(): NodeId;
  /** Hands a message to the network. */
  send(from: SimNode, m: Message): void;
  /** After a node applied a conf change: prev and cs are its configuration before and after. */
  confChangeApplied(node: SimNode, cc: ConfChange, prev: ConfState, cs: ConfState): void;
  /** Optional instrumentation: a node's fresh process, before it handles its first Ready. */
  readonly nodeStarting?: (node: SimNode) => void;
}

export interface NodeSettings {
  electionTick: number;
  heartbeatTick: number;
  preVote: boolean;
  checkQuorum: boolean;
  snapshotCount: number;
  snapshotCatchUpEntries: number;
  maxSizePerMsg?: number;
  maxInflightMsgs?: number;
}

/** running: live; paused: frozen like SIGSTOP; crashed: killed, disk kept; stopped: shut down after removal. */
export type NodeLife = 'running' | 'paused' | 'crashed' | 'stopped';

export type ReadCallback = (err: string | undefined, index: number) => void;

/** An injected crash in the host loop: after persisting a Ready (one `when` accepts), before sending; or after applying some entries. fire() crashes the node. */
export type CrashPoint = { at: 'after-persist'; when?: (rd: Ready) => boolean; fire(): void } | { at: 'after-apply'; entries: number; fire(): void };

const ROLE: Record<StateType, Role> = {
  StateLeader: 'leader',
  StateFollower: 'follower',
  StatePreCandidate: 'pre-candidate',
  StateCandidate: 'candidate',
};

export class SimNode {
  life: NodeLife = 'crashed';
  rn: RawNode | undefined;
  sm: StateMachine | undefined;
  /** Bumped on every start; events of an older incarnation are stale. */
  epoch = 0;
  applied = 0;
  /** The membership this node has applied (etcd's RaftCluster), restored from snapshots. */
  confState: ConfState = { voters: [], learners: [] };
  /** Messages (with their trace ids) that arrived while paused, delivered on resume. */
  inbox: { m: Message; mid: number }[] = [];
  /** Armed by fault injection; cleared when the node halts. */
  crashPoint: CrashPoint | undefined;
  /** Peer reports raised while a Ready was being handled, stepped after advance. */
  private reports: { id: NodeId; snapshot: boolean; ok: boolean }[] = [];
  private reads = new Map<string, ReadCallback[]>();
  private waitingReads: { index: number; cb: ReadCallback }[] = [];
  // Last traced raft state, to emit 'state' records only on change.
  private last = { role: '' as Role | '', term: -1, vote: '', lead: '', commit: -1 };

  constructor(
    readonly id: NodeId,
    readonly name: string,
    readonly disk: NodeDisk,
    private readonly host: NodeHost,
    private readonly settings: NodeSettings,
    private readonly smFactory: StateMachineFactory,
    private readonly rng: Prng,
  ) {}

  log(level: LogLevel, pkg: string, text: string): void {
    const tr = this.host.trace;
    if (tr.on) tr.push({ t: this.host.now(), kind: 'log', node: this.id, level, pkg, text });
  }

  /**
   * Starts the process from its disk: a fresh member bootstraps with peers,
   * a joining member starts empty, a restarted one replays its disk.
   */
  start(bootstrapPeers?: { id: NodeId; context: Uint8Array }[]): void {
    this.epoch++;
    this.life = 'running';
    const st = this.disk.raft;
    const snap = st.snapshot();
    this.sm = this.smFactory({
      nodeId: this.id,
      name: this.name,
      disk: this.disk,
      log: (l, p, t) => this.log(l, p, t),
      now: () => this.host.now(),
      clusterId: this.host.clusterId(),
    });
    this.applied = 0;
    this.confState = { voters: [], learners: [] };
    if (!isEmptySnapshot(snap)) {
      this.sm.restore(snap.data);
      this.applied = snap.metadata.index;
      this.confState = snap.metadata.confState;
    }
    const restarting = st.lastIndex() > 0 || st.hardState.term > 0;
    if (restarting) {
      this.log('I', 'etcdserver', `restarting member ${this.id} in cluster ${this.host.clusterId()} at commit index ${st.hardState.commit}`);
    } else {
      this.log('I', 'etcdserver', `starting member ${this.id} in cluster ${this.host.clusterId()}`);
    }
    const s = this.settings;
    // Each incarnation draws its election timeouts from its own stream.
    const rand = this.rng.fork(`incarnation/${this.epoch}`);
    this.rn = new RawNode({
      id: this.id,
      electionTick: s.electionTick,
      heartbeatTick: s.heartbeatTick,
      storage: st,
      applied: this.applied,
      maxSizePerMsg: s.maxSizePerMsg,
      maxInflightMsgs: s.maxInflightMsgs,
      checkQuorum: s.checkQuorum,
      preVote: s.preVote,
      rand: (n) => rand.int(n),
      logger: (line) => this.log('I', 'raft', line),
    });
    if (bootstrapPeers && !restarting) this.rn.bootstrap(bootstrapPeers);
    this.host.nodeStarting?.(this);
    this.handleReady();
  }

  /** Kills the process: everything but the disk is gone. */
  crash(): void {
    this.life = 'crashed';
    this.halt();
  }

  /** Shuts down for good (this member was removed from the cluster). */
  stop(): void {
    this.life = 'stopped';
    this.halt();
  }

  private halt(): void {
    this.epoch++;
    this.crashPoint = undefined;
    this.rn = undefined;
    this.sm = undefined;
    this.inbox = [];
    this.reports = [];
    const reads = [...this.reads.values()].flat().concat(this.waitingReads.map((w) => w.cb));
    this.reads.clear();
    this.waitingReads = [];
    for (const cb of reads) cb(ErrStopped, 0);
  }

  isUp(): boolean {
    return this.rn !== undefined && this.life === 'running';
  }

  tick(): void {
    if (!this.isUp()) return;
    this.rn!.tick();
    this.handleReady();
  }

  /** Steps a message from the network; errors (e.g. a response from an unknown peer) are dropped like etcd does. */
  receive(m: Message): void {
    if (!this.isUp()) return;
    try {
      this.rn!.step(m);
    } catch {
      // raft refuses local messages and responses from peers it doesn't know
    }
    this.handleReady();
  }

  /** Queues a report about a peer; stepped once the current Ready is done. */
  report(id: NodeId, snapshot: boolean, ok: boolean): void {
    if (!this.rn) return;
    // A paused process hears the outcome when it resumes; losing the report
    // would leave a snapshot forever pending in the leader's progress.
    this.reports.push({ id, snapshot, ok });
    if (this.life === 'running' && !this.inReady) this.handleReady();
  }

  readIndex(ctx: Uint8Array, cb: ReadCallback): void {
    if (!this.isUp()) {
      cb(ErrStopped, 0);
      return;
    }
    const key = bytesToHex(ctx);
    const cbs = this.reads.get(key);
    if (cbs) cbs.push(cb);
    else this.reads.set(key, [cb]);
    this.rn!.readIndex(ctx);
    this.handleReady();
  }

  role(): Role {
    if (this.life === 'paused') return 'paused';
    if (!this.rn) return 'stopped';
    const r = this.rn.raft;
    if (r.isLearner) return 'learner';
    return ROLE[r.state];
  }

  private inReady = false;

  /** The host loop: runs until raft has nothing more to hand over. */
  handleReady(): void {
    if (this.inReady) return;
    this.inReady = true;
    try {
      for (;;) {
        const rn = this.rn;
        if (!rn || this.life !== 'running') return;
        if (this.reports.length > 0) this.stepReports(rn);
        if (!rn.hasReady()) return;
        this.handleOne(rn, rn.ready());
      }
    } finally {
      this.inReady = false;
    }
  }

  private stepReports(rn: RawNode): void {
    const reps = this.reports;
    this.reports = [];
    for (const r of reps) {
      if (r.snapshot) rn.reportSnapshot(r.id, r.ok);
      else rn.reportUnreachable(r.id);
    }
  }

  private handleOne(rn: RawNode, rd: Ready): void {
    const st = this.disk.raft;
    // 1. Persist: snapshot, hard state, entries (a node must not vote or ack before its disk has them).
    if (rd.snapshot && !isEmptySnapshot(rd.snapshot)) {
      const idx = rd.snapshot.metadata.index;
      st.applySnapshot(rd.snapshot);
      this.log('I', 'etcdserver', `applying snapshot at index ${idx}...`);
      this.sm!.restore(rd.snapshot.data);
      this.applied = idx;
      this.confState = rd.snapshot.metadata.confState;
      this.log('I', 'etcdserver', `finished applying incoming snapshot at index ${idx}`);
    }
    if (rd.hardState) st.setHardState(rd.hardState);
    if (rd.entries.length > 0) st.append(rd.entries);
    this.disk.flush?.();
    const cp = this.crashPoint;
    if (cp?.at === 'after-persist' && rd.messages.length > 0 && (rd.hardState || rd.entries.length > 0) && (!cp.when || cp.when(rd))) return cp.fire();
    // 2. Send. Snapshots wait until this Ready's entries are applied (see mergedSnapshot).
    let snaps: Message[] | undefined;
    for (const m of rd.messages) {
      if (m.type === 'MsgSnap') (snaps ??= []).push(m);
      else this.host.send(this, m);
    }
    // 3. Apply.
    for (const e of rd.committedEntries) {
      if (!this.rn) break; // stopped while applying (removed member)
      if (e.index <= this.applied) continue;
      if (e.type === 'EntryConfChange') this.applyConfChange(rn, e);
      else this.sm!.apply(e);
      this.applied = e.index;
      if (cp?.at === 'after-apply' && --cp.entries <= 0) return cp.fire();
    }
    if (snaps) for (const m of snaps) this.host.send(this, this.mergedSnapshot(m));
    if (rd.readStates.length > 0) this.queueReads(rd.readStates);
    if (this.waitingReads.length > 0) this.releaseReads();
    const tr = this.host.trace;
    if ((tr.on || tr.lifecycle) && (rd.softState || rd.hardState)) this.traceState();
    if (!this.rn) return;
    rn.advance(rd);
    this.maybeSnapshot();
  }

  private applyConfChange(rn: RawNode, e: Entry): void {
    const cc = decodeConfChange(e.data);
    // Like etcd's ValidateConfigurationChange, checked against the membership
    // this node has applied (not raft's view, which bootstrap already filled):
    // an invalid change is committed but leaves the configuration alone.
    const prev = this.confState;
    if (!validConfChange(cc, prev)) return;
    rn.applyConfChange(cc);
    const cs = nextConfState(prev, cc);
    this.confState = cs;
    this.sm!.applyConfChange?.(e, cc, cs);
    this.host.confChangeApplied(this, cc, prev, cs);
  }

  /**
   * etcd's createMergedSnapshotMessage: the snapshot a leader sends is cut
   * fresh from its state machine at the applied index with the current
   * configuration, not the older one raft found in storage. That is what lets
   * a just-added member (whose addition is newer than the stored snapshot)
   * find itself in the snapshot's ConfState.
   */
  private mergedSnapshot(m: Message): Message {
    const st = this.disk.raft;
    const index = this.applied;
    return {
      ...m,
      snapshot: {
        data: this.sm!.snapshot(),
        metadata: { index, term: st.term(index), confState: this.confState },
      },
    };
  }

  /** etcd 3.4's triggerSnapshot: snapshot once more than snapshotCount entries were applied since the last one. */
  private maybeSnapshot(): void {
    const st = this.disk.raft;
    const snapi = st.snapshot().metadata.index;
    if (this.applied - snapi <= this.settings.snapshotCount) return;
    const sm = this.sm!;
    const snap = st.createSnapshot(this.applied, this.confState, sm.freeze ? sm.freeze() : sm.snapshot());
    this.log('I', 'etcdserver', `saved snapshot at index ${snap.metadata.index}`);
    // Keep some entries so slow followers can catch up without a snapshot.
    const catchUp = this.settings.snapshotCatchUpEntries;
    const compacti = this.applied > catchUp ? this.applied - catchUp : 1;
    if (compacti <= st.firstIndex() - 1) return; // raft.ErrCompacted: nothing to do
    st.compact(compacti);
    this.log('I', 'etcdserver', `compacted raft log at ${compacti}`);
  }

  private queueReads(rss: ReadState[]): void {
    for (const rs of rss) {
      const key = bytesToHex(rs.requestCtx);
      const cbs = this.reads.get(key);
      if (!cbs) continue;
      const cb = cbs.shift()!;
      if (cbs.length === 0) this.reads.delete(key);
      // etcd's linearizable read waits until the state machine has caught up with the read index.
      this.waitingReads.push({ index: rs.index, cb });
    }
  }

  private releaseReads(): void {
    const ready = this.waitingReads.filter((w) => w.index <= this.applied);
    if (ready.length === 0) return;
    this.waitingReads = this.waitingReads.filter((w) => w.index > this.applied);
    for (const w of ready) w.cb(undefined, w.index);
  }

  traceState(): void {
    const rn = this.rn;
    const role = this.role();
    const hs = rn ? rn.raft.hardState() : this.disk.raft.hardState;
    const lead = rn ? rn.raft.lead : NONE;
    const l = this.last;
    if (l.role === role && l.term === hs.term && l.vote === hs.vote && l.lead === lead && l.commit === hs.commit) return;
    l.role = role;
    l.term = hs.term;
    l.vote = hs.vote;
    l.lead = lead;
    l.commit = hs.commit;
    this.host.trace.push({ t: this.host.now(), kind: 'state', node: this.id, role, term: hs.term, vote: hs.vote, lead, commit: hs.commit });
  }
}
