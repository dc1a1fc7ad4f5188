// Raft throughput of the simulated cluster: committed proposals per second of
// wall time on a zero-latency network, one at a time and in pipelined batches.
//
// Virtual time never moves during a measurement (every message arrives "now"),
// so no ticks fire: the figures are the pure cost of the raft + host hot path
// (propose, persist to MemoryStorage, send, step, commit, apply, snapshot and
// compact every snapshotCount entries — the cluster's default, 100). Each
// proposal is the same 16-byte payload; the default counting state machine
// hashes it on every node. Only proposals applied on the leader are counted,
// and the count is checked against what was proposed after every run.
//
// Batched mode keeps `depth` batches of `batchSize` in flight (a sliding
// window, like a client pipeline over raft's inflight limit) rather than
// waiting for each batch: that is the realistic pipelined figure. With zero
// latency, depth 1..8 measured within noise of each other here.
import { Cluster, CountingStateMachine, type SimNode } from '../src/engine/cluster/index.ts';
import { nowMs } from './util.ts';

export interface RaftBenchOptions {
  seed: number;
  /** Wall seconds of each measured run, after a warm-up run of warmSec on the same cluster. */
  targetSec: number;
  warmSec: number;
  batchSize: number;
  /** Batches in flight at once in the batched run (a sliding window). */
  depth: number;
}

export const DEFAULT_RAFT_OPTIONS: RaftBenchOptions = { seed: 42, targetSec: 1.5, warmSec: 0.5, batchSize: 1000, depth: 4 };

/** One measured run. */
export interface RunFigures {
  proposals: number;
  wallMs: number;
  proposalsPerSec: number;
  /** Event-loop events per wall second; with time frozen these are all message deliveries. */
  eventsPerSec: number;
  /** Process CPU time (all threads, GC included); less noisy than wall time on a busy machine. */
  cpuMs: number;
}

const PAYLOAD = new Uint8Array(16).fill(7);
/** Upper bound of virtual ms for one wait; time only moves if something went wrong. */
const WAIT_MS = 5_000;

/** A cluster with an elected, caught-up leader, counting what it applies. */
export class RaftBench {
  readonly cluster: Cluster;
  readonly leader: SimNode;
  private readonly sm: CountingStateMachine;
  private readonly term: number;
  private readonly base: number;
  /** Proposals issued (and, once each run returns, applied on the leader). */
  proposed = 0;

  constructor(nodes: number, seed: number) {
    const c = new Cluster({
      seed,
      nodes,
      traceCapacity: 0,
      network: { latencyMin: 0, latencyMax: 0, dropRate: 0, duplicateRate: 0 },
    });
    const settled = () => {
      const l = c.leader();
      return l !== undefined && l.applied === l.disk.raft.lastIndex();
    };
    if (!c.runUntil(settled, 30_000)) throw new Error(`${nodes}-node cluster elected no leader`);
    this.cluster = c;
    this.leader = c.leader()!;
    if (!(this.leader.sm instanceof CountingStateMachine)) throw new Error('expected the counting state machine');
    this.sm = this.leader.sm;
    this.term = this.leader.rn!.raft.term;
    this.base = this.sm.count;
  }

  /** Applied on the leader since the cluster settled. */
  applied(): number {
    return this.sm.count - this.base;
  }

  private wait(target: number): void {
    const sm = this.sm;
    const want = this.base + target;
    if (!this.cluster.runUntil(() => sm.count >= want, WAIT_MS)) {
      throw new Error(`proposal ${target} not applied on the leader (applied ${this.applied()})`);
    }
  }

  private propose(datas: Uint8Array[] | undefined): void {
    const id = this.leader.id;
    const err = datas === undefined ? this.cluster.propose(id, PAYLOAD) : this.cluster.proposeMany(id, datas);
    if (err !== undefined) throw new Error(`proposal dropped: ${err}`);
    this.proposed += datas === undefined ? 1 : datas.length;
  }

  /** Proposals one at a time, each proposed once the previous one is applied on the leader, for about ms of wall time. */
  single(ms: number): RunFigures {
    return this.measure(() => {
      const deadline = nowMs() + ms;
      do {
        for (let i = 0; i < 100; i++) {
          this.propose(undefined);
          this.wait(this.proposed);
        }
      } while (nowMs() < deadline);
    });
  }

  /**
   * Proposals in batches of `batch` (one proposeMany = one MsgProp each),
   * keeping up to `depth` batches in flight: whenever the oldest batch is
   * applied on the leader the next one is proposed, like a client pipeline.
   * New batches stop after about ms of wall time; the window then drains.
   */
  batched(ms: number, batch: number, depth: number): RunFigures {
    const datas = new Array<Uint8Array>(batch).fill(PAYLOAD);
    return this.measure(() => {
      const deadline = nowMs() + ms;
      const start = this.proposed;
      let open = true;
      while (open || this.applied() < this.proposed) {
        open &&= nowMs() < deadline;
        while (open && this.proposed - this.applied() < depth * batch) this.propose(datas);
        // Wait for the oldest outstanding batch.
        this.wait(Math.min(this.proposed, start + (Math.floor((this.applied() - start) / batch) + 1) * batch));
      }
    });
  }

  private measure(body: () => void): RunFigures {
    const p0 = this.proposed;
    const ev0 = this.cluster.loop.eventsRun;
    const cpu0 = process.cpuUsage();
    const t0 = nowMs();
    body();
    const wallMs = nowMs() - t0;
    const cpu = process.cpuUsage(cpu0);
    const events = this.cluster.loop.eventsRun - ev0;
    this.verify();
    const n = this.proposed - p0;
    const sec = wallMs / 1000;
    return { proposals: n, wallMs, proposalsPerSec: n / sec, eventsPerSec: events / sec, cpuMs: (cpu.user + cpu.system) / 1000 };
  }

  /** Every proposal issued is applied on the leader exactly once, under the same leader. */
  verify(): void {
    const l = this.cluster.leader();
    if (l !== this.leader || l.rn!.raft.term !== this.term) throw new Error('leadership changed during the benchmark');
    if (this.applied() !== this.proposed) {
      throw new Error(`applied ${this.applied()} proposals on the leader, proposed ${this.proposed}`);
    }
  }
}
