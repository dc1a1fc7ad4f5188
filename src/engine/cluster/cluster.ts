// A deterministic simulated etcd cluster: nodes, the network between them and
// the event loop that moves virtual time. Same options (seed included) and
// same calls => the same run, bit for bit.
import type { ConfChange, ConfState, Message, NodeId } from '../raft/types.ts';
import { MemoryDisk, type NodeDisk } from '../storage/disk.ts';
import { Prng } from '../util/prng.ts';
import { EventLoop } from './eventloop.ts';
import { type ClusterImage, type ClusterSettings, type ClusterState, checkClusterImage, clusterState, settingsOf } from './image.ts';
import type { ClusterOptions } from './options.ts';
import { type Member, clusterId, encodeMemberContext, initialMembers } from './member.ts';
import { Network } from './network.ts';
import { ErrMemberNotFound, ErrNoLeader, ErrRemoved, ErrStopped } from './errors.ts';
import { type AddMemberOptions, type MemberStatus, RemovalStops, type Result, addLearner, addMember } from './membership.ts';
import { memberStatus, membershipApplied, promoteMember, removeMember } from './membership.ts';
import { type NodeHost, type NodeSettings, type ReadCallback, SimNode } from './node.ts';
import { type StateMachineFactory, countingStateMachine } from './statemachine.ts';
import { type ClusterSnapshot, snapshotCluster } from './snapshot.ts';
import { adjustTicks } from './ticks.ts';
import { Trace } from './trace.ts';
import { EV_ACTION, EV_DELIVER, EV_TICK, type SimEvent, type TimerHandle, Transport, cancelAction, isCanceled } from './transport.ts';

export { type ClusterOptions, restoreOptions } from './options.ts';

export type { TimerHandle };

export class Cluster implements NodeHost {
  readonly seed: number;
  readonly trace: Trace;
  readonly network: Network;
  readonly loop: EventLoop<SimEvent>;
  readonly heartbeatInterval: number;
  readonly electionTimeout: number;
  readonly clusterToken: string;
  /** Every member ever created, in creation order (removed ones stay, marked stopped). */
  readonly nodes = new Map<NodeId, SimNode>();
  /** Member records (name, URLs) by ID, as the cluster's membership knows them. */
  readonly members = new Map<NodeId, Member>();
  /** Members whose removal has been applied; their messages are refused. */
  readonly removed = new Set<NodeId>();
  /** Instrumentation (checkers, fault injection): sees each node's fresh process before its first Ready. */
  nodeStarting: ((node: SimNode) => void) | undefined;
  private readonly cid: NodeId;
  private readonly rng: Prng;
  private readonly tickRng: Prng;
  private readonly settings: NodeSettings;
  private readonly smFactory: StateMachineFactory;
  private readonly startUnix: number;
  private readonly transport: Transport;
  private nextIndex = 0;

  constructor(opts: ClusterOptions = {}) {
    if (opts.restore) {
      checkClusterImage(opts.restore);
      opts = { ...opts, ...opts.restore.settings, nodes: undefined, names: undefined, members: undefined };
    }
    this.seed = (opts.seed ?? 1) >>> 0;
    const n = opts.restore ? opts.restore.nodes.length : (opts.members?.length ?? opts.nodes ?? 3);
    if (!opts.restore && !Number.isInteger(n) || n < 1 || n > 7) throw new Error(`cluster size must be 1..7, got ${n}`);
    this.heartbeatInterval = opts.heartbeatInterval ?? 100;
    this.electionTimeout = opts.electionTimeout ?? 1000;
    if (this.electionTimeout < 5 * this.heartbeatInterval) {
      throw new Error(
        `--election-timeout[${this.electionTimeout}ms] should be at least as 5 times as --heartbeat-interval[${this.heartbeatInterval}ms]`,
      );
    }
    this.clusterToken = opts.clusterToken ?? 'etcd-cluster';
    this.startUnix = opts.startUnix ?? 1_600_000_000;
    this.rng = new Prng(this.seed);
    this.tickRng = this.rng.fork('ticks');
    this.trace = new Trace(opts.traceCapacity ?? 10000);
    this.network = new Network(this.rng.fork('network'), opts.network);
    this.network.observer = (change) => {
      if (this.trace.on) this.trace.push({ t: this.now(), kind: 'net', change });
    };
    this.loop = new EventLoop<SimEvent>((e) => this.dispatch(e), isCanceled);
    this.transport = new Transport(this.loop, this.network, this.trace, this.nodes, this.removed, (id) => {
      const n = this.nodes.get(id);
      if (n) this.removalStops.schedule(n);
    });
    this.smFactory = opts.stateMachine ?? countingStateMachine;
    this.settings = {
      electionTick: Math.floor(this.electionTimeout / this.heartbeatInterval),
      heartbeatTick: 1,
      preVote: opts.preVote ?? true,
      checkQuorum: opts.checkQuorum ?? true,
      snapshotCount: opts.snapshotCount ?? 100,
      snapshotCatchUpEntries: opts.snapshotCatchUpEntries ?? 20,
      maxSizePerMsg: opts.maxSizePerMsg,
      maxInflightMsgs: opts.maxInflightMsgs,
    };

    if (opts.restore) {
      this.cid = opts.restore.clusterId;
      this.restoreImage(opts.restore);
      return;
    }
    const initial = initialMembers({ nodes: n, clusterToken: this.clusterToken, names: opts.names, members: opts.members }, () => this.nextIndex++);
    this.cid = clusterId(initial.map((m) => m.id));
    const peers = initial.map((m) => ({ id: m.id, context: encodeMemberContext(m) }));
    for (const m of initial) this.members.set(m.id, m);
    for (const m of initial) this.startNode(this.createNode(m), 'start', peers);
  }

  // ---- time ----

  now(): number {
    return this.loop.now();
  }

  clusterId(): NodeId {
    return this.cid;
  }

  /** Runs exactly one event; false if nothing is scheduled. */
  step(): boolean {
    return this.loop.step();
  }

  advanceTo(t: number): void {
    this.loop.advanceTo(t);
  }

  /** When the next event is due, if any is scheduled. */
  nextEventTime(): number | undefined {
    return this.loop.nextTime();
  }

  advance(ms: number): void {
    this.loop.advanceTo(this.now() + ms);
  }

  /** Runs until pred() holds or maxMs pass; returns whether it held. */
  runUntil(pred: () => boolean, maxMs: number): boolean {
    return this.loop.runUntil(pred, maxMs);
  }

  /** Schedules fn at virtual time t (or now, if t has passed); cancel() takes the handle. */
  at(t: number, fn: () => void): TimerHandle {
    const e: SimEvent = { time: t, seq: 0, kind: EV_ACTION, node: '', epoch: 0, msg: undefined, mid: 0, fn };
    this.loop.push(e);
    return e;
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.at(this.now() + ms, fn);
  }

  /** fn will not run; what it holds is freed now (see cancelAction). */
  cancel(t: TimerHandle): void {
    cancelAction(t);
    this.loop.noteCanceled();
  }

  // ---- events ----

  private dispatch(e: SimEvent): void {
    if (e.kind === EV_DELIVER) this.transport.deliver(e.msg!, e.mid);
    else if (e.kind === EV_TICK) this.tickEvent(e);
    else e.fn!();
  }

  private tickEvent(e: SimEvent): void {
    const n = this.nodes.get(e.node);
    if (!n || n.epoch !== e.epoch) return; // an older incarnation's timer
    n.tick(); // a paused node skips the tick
    if (n.epoch !== e.epoch) return;
    e.time += this.heartbeatInterval;
    this.loop.push(e);
  }

  /** NodeHost: a node hands a message to the network. */
  send(from: SimNode, m: Message): void {
    this.transport.send(from, m);
  }

  // ---- nodes ----

  private createNode(m: { id: NodeId; name: string }, disk: NodeDisk = new MemoryDisk(m.id)): SimNode {
    const node = new SimNode(m.id, m.name, disk, this, this.settings, this.smFactory, this.rng.fork(`raft/${m.id}`));
    this.nodes.set(m.id, node);
    return node;
  }

  private startNode(node: SimNode, event: 'start' | 'restart', peers?: { id: NodeId; context: Uint8Array }[]): void {
    node.start(peers);
    this.traceNode(node, event);
    const epoch = node.epoch;
    const phase = this.tickRng.range(0, this.heartbeatInterval);
    this.loop.push({ time: this.now() + phase, seq: 0, kind: EV_TICK, node: node.id, epoch, msg: undefined, mid: 0, fn: undefined });
    adjustTicks(this, node, epoch, this.settings.electionTick);
  }

  private traceNode(node: SimNode, event: 'start' | 'crash' | 'restart' | 'pause' | 'resume' | 'stop'): void {
    if (!this.trace.on && !this.trace.lifecycle) return;
    this.trace.push({ t: this.now(), kind: 'node', node: node.id, event });
    node.traceState();
  }

  private get(id: NodeId): SimNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`unknown node ${id}`);
    return n;
  }

  /** Kills a node: volatile state is lost, its disk survives. */
  crash(id: NodeId): void {
    const n = this.get(id);
    if (n.life === 'crashed' || n.life === 'stopped') return;
    this.transport.dropInbox(n);
    n.crash();
    this.traceNode(n, 'crash');
  }

  /** Starts a crashed node again from its own disk (or, if it never ran, for the first time). */
  restart(id: NodeId): string | undefined {
    const n = this.get(id);
    if (n.life === 'stopped') return ErrRemoved;
    if (n.life !== 'crashed') return undefined;
    this.startNode(n, n.epoch === 0 ? 'start' : 'restart');
    return undefined;
  }

  /** Freezes a node like SIGSTOP: no ticks, inbound messages buffered (bounded) until resume. */
  pause(id: NodeId): void {
    const n = this.get(id);
    if (n.life !== 'running') return;
    n.life = 'paused';
    this.traceNode(n, 'pause');
  }

  resume(id: NodeId): void {
    const n = this.get(id);
    if (n.life !== 'paused') return;
    n.life = 'running';
    const inbox = n.inbox;
    n.inbox = [];
    this.traceNode(n, 'resume');
    for (const { m, mid } of inbox) this.transport.schedule(this.now(), m, mid);
  }

  /** The live node that believes it leads at the highest term, if any. */
  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) {
      if (!n.isUp()) continue;
      const r = n.rn!.raft;
      if (r.state === 'StateLeader' && (!best || r.term > best.rn!.raft.term)) best = n;
    }
    return best;
  }

  // ---- client operations ----

  /** Proposes data at node id (a follower forwards it); returns an error text if dropped. */
  propose(id: NodeId, data: Uint8Array): string | undefined {
    return this.withNode(id, (n) => n.rn!.propose(data));
  }

  /** Proposes many entries in one raft message (one append round for the batch). */
  proposeMany(id: NodeId, datas: Uint8Array[]): string | undefined {
    return this.withNode(id, (n) => n.rn!.proposeBatch(datas));
  }

  proposeConfChange(id: NodeId, cc: ConfChange): string | undefined {
    return this.withNode(id, (n) => n.rn!.proposeConfChange(cc));
  }

  /** Leadership transfer, asked of the current leader (etcdctl move-leader). */
  transferLeader(to: NodeId): string | undefined {
    const l = this.leader();
    if (!l) return ErrNoLeader;
    return this.withNode(l.id, (n) => n.rn!.transferLeader(to));
  }

  /** A linearizable read: cb gets the read index once node id has applied up to it. */
  readIndex(id: NodeId, ctx: Uint8Array, cb: ReadCallback): void {
    const n = this.nodes.get(id);
    if (!n) cb(ErrMemberNotFound, 0);
    else n.readIndex(ctx, cb);
  }

  withNode(id: NodeId, fn: (n: SimNode) => void): string | undefined {
    const n = this.nodes.get(id);
    if (!n) return ErrMemberNotFound;
    if (!n.isUp()) return ErrStopped;
    try {
      fn(n);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    } finally {
      n.handleReady();
    }
    return undefined;
  }

  // ---- membership (see membership.ts for the operations) ----

  /** Creates a member that joins with an empty disk (started now, or later by restart); the leader catches it up. */
  spawnJoiningNode(m: Member, start = true): SimNode {
    this.members.set(m.id, m);
    const node = this.createNode(m);
    if (start) this.startNode(node, 'start');
    return node;
  }

  /** The next free member index (for default names and ports). */
  allocIndex(): number {
    return this.nextIndex++;
  }

  /** The slot allocIndex hands out next (without taking it). */
  peekIndex(): number {
    return this.nextIndex;
  }

  unixNow(): number {
    return this.startUnix + Math.floor(this.now() / 1000);
  }

  /** NodeHost: update the member list; a member that applied its own removal stops. */
  confChangeApplied(node: SimNode, cc: ConfChange, prev: ConfState): void {
    if (membershipApplied(this, node, cc, prev)) this.removalStops.schedule(node);
  }

  addMember(opts?: AddMemberOptions): Result<Member> {
    return addMember(this, opts);
  }

  addLearner(opts?: AddMemberOptions): Result<Member> {
    return addLearner(this, opts);
  }

  promoteMember(id: NodeId): string | undefined {
    return promoteMember(this, id);
  }

  removeMember(id: NodeId, via?: NodeId): string | undefined {
    return removeMember(this, id, via);
  }

  memberStatus(id: NodeId): MemberStatus {
    return memberStatus(this, id);
  }

  private readonly removalStops = new RemovalStops(
    (ms, fn) => this.after(ms, fn),
    (node) => {
      this.transport.dropInbox(node);
      node.stop();
      this.traceNode(node, 'stop');
    },
  );

  // ---- images (save and load the whole cluster) ----

  settingsImage(): ClusterSettings {
    return settingsOf(this.seed, this.heartbeatInterval, this.electionTimeout, this.clusterToken, this.startUnix, this.settings);
  }

  /** Everything but the disks, as plain data. */
  exportState(): ClusterState {
    return clusterState(this, this.settingsImage(), this.nextIndex);
  }

  /** The whole cluster as plain data: what `new Cluster({ restore })` starts from. */
  exportImage(): ClusterImage {
    return { ...this.exportState(), disks: [...this.nodes.values()].map((n) => n.disk.export()) };
  }

  private restoreImage(img: ClusterImage): void {
    this.nextIndex = img.nextIndex;
    this.loop.clock.set(img.now);
    for (const m of img.members) this.members.set(m.id, { ...m, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs] });
    for (const id of img.removed) this.removed.add(id);
    const up: SimNode[] = [];
    img.nodes.forEach((rec, i) => {
      const node = this.createNode(rec, MemoryDisk.import(img.disks[i]!));
      node.epoch = rec.epoch;
      // Processes do not survive: what ran restarts, what was down stays down.
      node.life = rec.life === 'stopped' ? 'stopped' : 'crashed';
      if (rec.life === 'running' || rec.life === 'paused') up.push(node);
    });
    // As the first event rather than now: a restart applies committed entries
    // at once, and whoever builds on this cluster (EtcdCluster's servers) must
    // be wired up before anything is applied.
    this.at(this.now(), () => {
      for (const node of up) if (node.life === 'crashed') this.startNode(node, 'restart');
    });
  }

  // ---- views ----

  /** Plain data for the UI: no engine objects inside. */
  snapshot(): ClusterSnapshot {
    return snapshotCluster(this);
  }
}
