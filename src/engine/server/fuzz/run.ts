// One fuzz run: a random EtcdCluster under a random fault schedule while
// random clients and watches use it, with raft safety checked after every
// simulation step; then the faults stop, everything heals, and liveness,
// convergence, linearizability, serializable reads and the watch guarantees
// are checked. Everything is drawn from the seed: same options, same run.
import { RaftSafetyChecker, SafetyViolation } from '../../check/raft-safety.ts';
import { EtcdCluster } from '../etcd-cluster.ts';
import type { EtcdStateMachine } from '../statemachine.ts';
import { Prng } from '../../util/prng.ts';
import { checkLinearizable, checkSerializable } from './check-kv.ts';
import { checkWatches, watchCaughtUp } from './check-watch.ts';
import { MemberBugs } from './bugs.ts';
import { FaultScheduler } from './faults.ts';
import { LeaseObserver } from './leases.ts';
import { Stamper } from './history.ts';
import { HistoryRecorder } from './recorder.ts';
import { FAULT_KINDS, type FaultKind, type FuzzFailure, type FuzzOptions, type FuzzResult, type FuzzStats } from './types.ts';
import { Watchers } from './watches.ts';
import { Workload } from './workload.ts';

/** The fault phase ends when the clients spent their budget, or at this virtual time. */
const FAULT_MAX_MS = 60_000;
/** After healing: a leader must be elected within this. */
const LEADER_BOUND_MS = 10_000;
/** ... every client's put and get must then succeed within this ... */
const PROBE_BOUND_MS = 15_000;
/** ... every short lease granted must then expire within this ... */
const EXPIRY_BOUND_MS = 15_000;
/** ... and members and watches must catch up within this. */
const CATCHUP_BOUND_MS = 15_000;
/** Hard limit on simulation steps of one run. */
const MAX_STEPS = 5_000_000;

export const DEFAULT_OPS = 200;

/** The seed's fault kinds: each with probability 0.6, at least one. */
function drawKinds(p: Prng): FaultKind[] {
  const ks = FAULT_KINDS.filter(() => p.chance(0.6));
  return ks.length > 0 ? ks : [FAULT_KINDS[p.int(FAULT_KINDS.length)]!];
}

class Failed extends Error {
  constructor(readonly failure: FuzzFailure) {
    super(failure.witness);
  }
}

export function runFuzz(opts: FuzzOptions): FuzzResult {
  const seed = opts.seed >>> 0;
  const root = new Prng(seed);
  // Size and fault kinds come from streams of their own, so that naming them
  // explicitly (as a replay command does) leaves the rest of the run unchanged.
  const nodes = opts.nodes ?? (root.fork('fuzz/nodes').chance(0.5) ? 3 : 5);
  const kinds = opts.faults ? [...opts.faults] : drawKinds(root.fork('fuzz/kinds'));
  const plan = root.fork('fuzz/plan');
  const bugs = opts.bugs ?? [];
  const lowSnap = kinds.includes('snapshot');
  // A crash after applying needs applied state that is durable apart from raft
  // snapshots: the backend is committed every few entries, as etcd's batches do.
  const backend = kinds.includes('crash-after-apply') ? { backendBatchLimit: 1 + root.fork('fuzz/backend').int(8) } : undefined;
  const ec = new EtcdCluster({
    seed,
    nodes,
    traceCapacity: 0,
    snapshotCount: lowSnap ? 5 + plan.int(30) : 100,
    snapshotCatchUpEntries: lowSnap ? 1 + plan.int(8) : 20,
    network: { latencyMin: 1, latencyMax: 1 + plan.int(20) },
    stateMachine: backend,
    // Half the seeds send about one entry per message: catching up a follower then takes many rounds.
    maxSizePerMsg: root.fork('fuzz/msgsize').chance(0.5) ? 1 + root.fork('fuzz/msgsize/bytes').int(64) : undefined,
  });
  const c = ec.cluster;
  const safety = new RaftSafetyChecker();
  const ref = new HistoryRecorder(ec, safety);
  const endpoints = [...c.members.values()].map((m) => m.name);
  const stamper = new Stamper(() => c.now());
  const work = new Workload({
    ec,
    prng: plan.fork('clients'),
    stamper,
    endpoints,
    clients: 3 + plan.int(3),
    ops: opts.ops ?? DEFAULT_OPS,
    compact: kinds.includes('compact'),
    staleReads: bugs.includes('stale-read'),
  });
  const leases = new LeaseObserver(c, work.leaseInfo);
  const memberBugs = new MemberBugs(c, bugs);
  // Bugs first: the observers must see what the (buggy) member does.
  const attach = (): void => {
    memberBugs.attachAll();
    ref.attachAll();
    leases.attachAll();
  };
  attach();
  // A restarting member replays its log in its first Ready: hook it before that.
  c.nodeStarting = attach;
  const watchers = new Watchers(ec, plan.fork('watches'), endpoints, bugs.includes('watch-skip'));
  const faults = new FaultScheduler(c, plan.fork('faults'), kinds, { crashed: (id) => safety.forget(id), started: attach }, bugs.includes('no-fsync'));

  const stats: FuzzStats = {
    nodes,
    faultKinds: kinds,
    ops: 0,
    unknown: 0,
    faults: faults.counts,
    schedule: faults.log,
    finalRevision: 1,
    leaderChanges: 0,
    watches: 0,
    watchEvents: 0,
    watchResumes: 0,
    steps: 0,
    virtualMs: 0,
    linSteps: 0,
    linVerdict: 'unknown',
    leaseExpiries: 0,
    keepAlives: 0,
    expiryEventsWatched: 0,
  };
  /** " [etcd1 is removed, follower at term 3]": what a client's endpoint is now. */
  const memberInfo = (ep: string | undefined): string => {
    const id = ep === undefined ? undefined : ec.resolve(ep);
    const n = id === undefined ? undefined : c.nodes.get(id);
    return n ? ` [${ep} is ${c.memberStatus(n.id)}, ${n.role()}${n.rn ? ` at term ${n.rn.raft.term}, revision ${(n.sm as EtcdStateMachine).kv.rev}` : ''}]` : '';
  };
  const observed = () => [...c.nodes.values()].map((n) => ({ id: n.id, rn: n.rn, disk: n.life === 'crashed' ? n.disk.raft : undefined }));

  /** Steps until done() or the virtual deadline; raft safety after every step. */
  const runUntil = (done: () => boolean, deadline: number): boolean => {
    while (!done()) {
      if (c.now() >= deadline) return false;
      if (stats.steps >= MAX_STEPS) throw new Error(`run exceeded ${MAX_STEPS} steps`);
      const next = c.nextEventTime();
      if (next === undefined || next > deadline) c.advanceTo(deadline);
      else c.step();
      stats.steps++;
      safety.check(observed());
      if (ref.failure) throw new Failed({ check: 'mvcc-agreement', witness: ref.failure });
      if (leases.failure) throw new Failed({ check: 'lease-expiry', witness: leases.failure });
    }
    return true;
  };

  const finish = (failure?: FuzzFailure): FuzzResult => {
    stats.ops = work.history.ops.length + work.history.serial.length;
    stats.unknown = work.history.unknown;
    stats.finalRevision = ref.lastRevision();
    stats.leaderChanges = ref.leaderTerms.size;
    stats.watches = watchers.records.length;
    stats.watchEvents = watchers.records.reduce((s, w) => s + w.responses.reduce((t, r) => t + r.events.length, 0), 0);
    stats.watchResumes = watchers.records.reduce((s, w) => s + w.cw.resumes, 0);
    stats.virtualMs = c.now();
    stats.leaseExpiries = leases.expired.size;
    stats.keepAlives = work.keepAlives;
    stats.expiryEventsWatched = watchers.records.reduce(
      (s, w) => s + w.responses.reduce((t, r) => t + r.events.filter((e) => e.type === 'DELETE' && leases.expiryRevisions.has(e.kv.modRevision)).length, 0),
      0,
    );
    return failure ? { seed, stats, failure } : { seed, stats };
  };

  try {
    watchers.start(2 + plan.int(3), 3000);
    work.start();
    faults.start();
    runUntil(() => work.finished(), FAULT_MAX_MS);
    work.stop();
    runUntil(() => work.finished(), c.now() + 10_000);
    faults.stopAndHeal();

    // Liveness: a leader, then every client's put and get complete.
    const healedAt = c.now();
    if (!runUntil(() => c.leader() !== undefined, healedAt + LEADER_BOUND_MS)) {
      return finish({ check: 'liveness', witness: `no leader within ${LEADER_BOUND_MS} ms after the faults stopped (at ${healedAt} ms)` });
    }
    let failedClients: number[] | undefined;
    work.probe(c.now() + PROBE_BOUND_MS, (f) => (failedClients = f));
    runUntil(() => failedClients !== undefined, c.now() + PROBE_BOUND_MS + 1000);
    if (failedClients === undefined || failedClients.length > 0) {
      const why = (failedClients ?? []).map((i) => `client ${i}: ${work.clients[i]!.lastError}${memberInfo(work.clients[i]!.client.activeEndpoint())}`);
      return finish({
        check: 'liveness',
        witness: `clients could not put and get within ${PROBE_BOUND_MS} ms after a leader was elected (faults stopped at ${healedAt.toFixed(0)} ms): ${why.join('; ')}`,
      });
    }
    // Keep-alives stopped with the workload: every short lease must now expire.
    if (!runUntil(() => leases.unexpired().length === 0, c.now() + EXPIRY_BOUND_MS)) {
      return finish({ check: 'liveness', witness: `leases ${leases.unexpired().join(', ')} were not revoked within ${EXPIRY_BOUND_MS} ms after the clients' probes succeeded` });
    }
    // Convergence: every member applies everything; open watches deliver it.
    // Members of the leader's configuration (a member whose addition never committed is not one).
    const running = () => {
      const cs = c.leader()?.confState;
      return [...c.nodes.values()].filter((n) => n.isUp() && (cs?.voters.includes(n.id) || cs?.learners.includes(n.id)));
    };
    const caughtUp = () => {
      const top = ref.lastRevision();
      return running().every((n) => (n.sm as EtcdStateMachine).kv.rev === top);
    };
    if (!runUntil(caughtUp, c.now() + CATCHUP_BOUND_MS)) {
      const revs = running().map((n) => `${n.id}@${(n.sm as EtcdStateMachine).kv.rev}`);
      return finish({ check: 'convergence', witness: `members did not reach revision ${ref.lastRevision()} within ${CATCHUP_BOUND_MS} ms: ${revs.join(' ')}` });
    }
    const endRev = ref.lastRevision();
    const watchesDone = () => watchers.records.every((w) => watchCaughtUp(ref, w, endRev));
    runUntil(watchesDone, c.now() + CATCHUP_BOUND_MS);
    watchers.stop();
  } catch (e) {
    if (e instanceof Failed) return finish(e.failure);
    if (e instanceof SafetyViolation) return finish({ check: 'raft-safety', witness: e.message });
    throw e;
  }

  const gap = ref.firstGap();
  if (gap !== undefined) return finish({ check: 'mvcc-agreement', witness: `revision ${gap} was never applied by any member (last ${ref.lastRevision()})` });
  const twice = ref.appliedTwice();
  if (twice) return finish({ check: 'applied-twice', witness: twice });
  const lin = checkLinearizable(work.history, ref, leases.expiryOps());
  stats.linSteps = lin.steps;
  stats.linVerdict = lin.verdict;
  if (lin.failure) return finish(lin.failure);
  const ser = checkSerializable(work.history, ref);
  if (ser) return finish(ser);
  const wf = checkWatches(ref, watchers.records, ref.lastRevision(), work.history.compactions, opts.strict === true);
  if (wf) return finish({ ...wf, witness: `${wf.witness}${wf.watch ? `; the watch is on${memberInfo(wf.watch.cw.endpoint)}` : ''}` });
  return finish();
}

/** The command that replays a run exactly (size and fault kinds spelled out). */
export function replayCommand(r: FuzzResult, opts: FuzzOptions): string {
  const parts = ['npm run fuzz -- --seeds', String(r.seed), '--nodes', String(r.stats.nodes), '--faults', r.stats.faultKinds.join(',') || 'none'];
  if (opts.ops !== undefined && opts.ops !== DEFAULT_OPS) parts.push('--ops', String(opts.ops));
  if (opts.bugs && opts.bugs.length > 0) parts.push('--bug', opts.bugs.join(','));
  if (opts.strict) parts.push('--strict');
  return parts.join(' ');
}

/** The one-line summary of a run: "seed N: ok (...)" or "seed N: FAIL check: witness". */
export function summarize(r: FuzzResult): string {
  const s = r.stats;
  if (r.failure) return `seed ${r.seed}: FAIL ${r.failure.check}: ${r.failure.witness}`;

  const faults = Object.entries(s.faults)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const lin = s.linVerdict === 'linearizable' ? '' : `, linearizability ${s.linVerdict} after ${s.linSteps} steps`;
  return `seed ${r.seed}: ok (${s.nodes} nodes, ${s.ops} ops (${s.unknown} unknown), faults [${faults || 'none'}], final revision ${s.finalRevision}, ${s.leaderChanges} leader changes, ${s.watches} watches/${s.watchEvents} events/${s.watchResumes} resumes, ${s.leaseExpiries} leases expired${lin})`;
}
