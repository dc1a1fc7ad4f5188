// Seeded property test: random clusters under random crashes, restarts,
// pauses, partitions, one-way cuts, drops, duplicates, leader transfers and
// proposals, with Raft's safety properties checked after every single event.
// A failing seed names itself; replay it alone with
//   RAFT_SEED=<n> npx vitest run test/cluster/property.test.ts
import { describe, expect, it } from 'vitest';
import { RaftSafetyChecker } from '../../src/engine/check/raft-safety.ts';
import { Cluster } from '../../src/engine/cluster/cluster.ts';
import { CountingStateMachine } from '../../src/engine/cluster/statemachine.ts';
import type { NodeId } from '../../src/engine/raft/types.ts';
import { Prng } from '../../src/engine/util/prng.ts';

const FIRST = Number(process.env.RAFT_SEED ?? 1);
const COUNT = process.env.RAFT_SEED ? 1 : Number(process.env.RAFT_SEEDS ?? 300);
const FAULT_MS = 10000;
const SETTLE_MS = 15000;

interface RunResult {
  steps: number;
  committed: number;
  faults: Record<string, number>;
}

function run(seed: number): RunResult {
  const plan = new Prng(seed ^ 0x9e3779b9);
  const size = plan.chance(0.5) ? 3 : 5;
  const checker = new RaftSafetyChecker();
  const cluster = new Cluster({
    seed,
    nodes: size,
    traceCapacity: 0,
    snapshotCount: 5 + plan.int(40),
    snapshotCatchUpEntries: 1 + plan.int(10),
    preVote: plan.chance(0.8),
    checkQuorum: plan.chance(0.8),
    network: { latencyMin: 1, latencyMax: 1 + plan.int(30) },
    stateMachine: (ctx) => {
      const sm = new CountingStateMachine();
      const apply = sm.apply.bind(sm);
      sm.apply = (e) => {
        checker.observeApply(ctx.nodeId, e);
        apply(e);
      };
      return sm;
    },
  });
  const ids: NodeId[] = [...cluster.nodes.keys()];
  const faults: Record<string, number> = {};
  const pick = () => ids[plan.int(ids.length)]!;
  let proposals = 0;
  const observed = () => [...cluster.nodes.values()].map((n) => ({ id: n.id, rn: n.rn }));

  const act = () => {
    const r = plan.next();
    let kind: string;
    const id = pick();
    if (r < 0.6) {
      kind = 'propose';
      const target = plan.chance(0.7) ? (cluster.leader()?.id ?? id) : id;
      const n = 1 + plan.int(10);
      const datas = Array.from({ length: n }, () => new TextEncoder().encode(`${seed}/${proposals++}`));
      if (cluster.nodes.get(target)?.isUp()) cluster.proposeMany(target, datas);
    } else if (r < 0.66) {
      kind = 'crash';
      cluster.crash(id);
      checker.forget(id);
    } else if (r < 0.74) {
      kind = 'restart';
      cluster.restart(id);
    } else if (r < 0.77) {
      kind = 'pause';
      cluster.pause(id);
    } else if (r < 0.81) {
      kind = 'resume';
      cluster.resume(id);
    } else if (r < 0.86) {
      kind = 'partition';
      const groups: NodeId[][] = [[], []];
      for (const x of ids) groups[plan.int(2)]!.push(x);
      cluster.network.partition(groups.filter((g) => g.length > 0));
    } else if (r < 0.88) {
      kind = 'cut';
      const to = pick();
      if (to !== id) cluster.network.cut(id, to);
    } else if (r < 0.93) {
      kind = 'heal';
      cluster.network.heal();
    } else if (r < 0.97) {
      kind = 'lossy';
      cluster.network.setDefaults({ dropRate: plan.chance(0.5) ? 0 : plan.next() * 0.3, duplicateRate: plan.chance(0.7) ? 0 : 0.1 });
    } else {
      kind = 'transfer';
      cluster.transferLeader(id);
    }
    faults[kind] = (faults[kind] ?? 0) + 1;
  };

  let steps = 0;
  const stepChecked = (idleUntil: number) => {
    // With every node down nothing is scheduled: let time pass to the next action.
    if (!cluster.step()) cluster.advanceTo(idleUntil);
    steps++;
    checker.check(observed());
  };
  let nextAction = 100 + plan.int(300);
  while (cluster.now() < FAULT_MS) {
    while (cluster.now() >= nextAction) {
      act();
      checker.check(observed());
      nextAction += 10 + plan.int(150);
    }
    stepChecked(nextAction);
  }

  // Faults stop: heal everything and the cluster must converge.
  cluster.network.heal();
  cluster.network.setDefaults({ dropRate: 0, duplicateRate: 0 });
  for (const id of ids) {
    cluster.resume(id);
    cluster.restart(id);
  }
  const marker = new TextEncoder().encode(`${seed}/final`);
  let proposed = false;
  const converged = () => {
    const l = cluster.leader();
    if (!l) return false;
    if (!proposed) {
      proposed = cluster.propose(l.id, marker) === undefined;
      return false;
    }
    const c = l.rn!.raft.raftLog.committed;
    if (c < l.rn!.raft.raftLog.lastIndex()) return false;
    return ids.every((x) => {
      const n = cluster.nodes.get(x)!;
      return n.isUp() && n.rn!.raft.raftLog.applied === c && n.rn!.raft.lead === l.id;
    });
  };
  const deadline = cluster.now() + SETTLE_MS;
  while (!converged()) {
    if (cluster.now() > deadline) {
      const st = ids.map((x) => {
        const r = cluster.nodes.get(x)!.rn?.raft;
        return r ? `${x} ${r.state} term=${r.term} lead=${r.lead} commit=${r.raftLog.committed} applied=${r.raftLog.applied} last=${r.raftLog.lastIndex()}` : `${x} down`;
      });
      const l = cluster.leader()?.rn?.raft;
      const prs = l ? [...l.prs.progress].map(([id, p]) => `${id}: ${p}`).join('; ') : '';
      throw new Error(`seed ${seed}: no convergence within ${SETTLE_MS} ms after faults stopped: ${st.join(' | ')} || ${prs}`);
    }
    stepChecked(deadline + 1);
  }
  // Every node applied the same entries in the same order.
  const hashes = new Set(ids.map((x) => (cluster.nodes.get(x)!.sm as CountingStateMachine).hash));
  if (hashes.size !== 1) throw new Error(`seed ${seed}: state machines diverged after convergence`);
  return { steps, committed: checker.committedIndex, faults };
}

describe(`raft safety under random faults (seeds ${FIRST}..${FIRST + COUNT - 1})`, () => {
  const totals = { steps: 0, committed: 0, faults: {} as Record<string, number> };
  const seeds = Array.from({ length: COUNT }, (_, i) => FIRST + i);
  it.each(seeds)('seed %i', (seed) => {
    let res: RunResult;
    try {
      res = run(seed);
    } catch (err) {
      throw new Error(`seed ${seed} failed (replay: RAFT_SEED=${seed} npx vitest run test/cluster/property.test.ts): ${(err as Error).message}`, {
        cause: err,
      });
    }
    totals.steps += res.steps;
    totals.committed += res.committed;
    for (const [k, v] of Object.entries(res.faults)) totals.faults[k] = (totals.faults[k] ?? 0) + v;
    expect(res.committed).toBeGreaterThan(size0(seed));
  });

  it('exercised every kind of fault', () => {
    console.log(`raft property runs: ${COUNT} seeds, ${totals.steps} checked steps, ${totals.committed} committed entries, faults ${JSON.stringify(totals.faults)}`);
    if (COUNT < 50) return;
    for (const k of ['propose', 'crash', 'restart', 'pause', 'resume', 'partition', 'cut', 'heal', 'lossy', 'transfer']) {
      expect(totals.faults[k] ?? 0).toBeGreaterThan(10);
    }
    expect(totals.steps).toBeGreaterThan(COUNT * 100);
  });
});

/** Bootstrap entries alone are not progress: each run must commit more than them. */
function size0(seed: number): number {
  return new Prng(seed ^ 0x9e3779b9).chance(0.5) ? 3 : 5;
}
