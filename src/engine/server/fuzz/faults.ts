// The fault scheduler: while the fault phase lasts, every few hundred ms one
// random fault of the seed's kinds, each undone after a random while (a
// crashed member restarts from its own disk, a paused one resumes, a
// partition heals, a lossy network recovers, a removed member is replaced).
// When the phase ends, everything is healed at once. With the no-fsync bug a
// crash also loses the newest entries of the member's raft log. A crash point
// is a crash armed inside a member's host loop: it strikes when the member
// next persisted a Ready (before sending it) or applied a few entries (before
// the applied state is durable).
import type { Cluster } from '../../cluster/cluster.ts';
import type { LinkConditions } from '../../cluster/network.ts';
import type { CrashPoint } from '../../cluster/node.ts';
import type { NodeId, Ready } from '../../raft/types.ts';
import type { Prng } from '../../util/prng.ts';
import type { FaultKind } from './types.ts';

export interface FaultHooks {
  /** A member crashed (its volatile state is gone). */
  crashed(id: NodeId): void;
  /** Members may have (re)started: hook their new state machines. */
  started(): void;
}

export class FaultScheduler {
  readonly counts: Record<string, number> = {};
  /** Every fault injected, in order: "<virtual ms>ms <kind>". */
  readonly log: string[] = [];
  private active = false;
  private readonly base: LinkConditions;
  /** Initial members the fuzz may still remove (clients know only the initial members). */
  private removable: number;
  private memberChange = false;
  /** Members replaced as failed machines: never restarted. */
  private readonly dead = new Set<NodeId>();

  constructor(
    private readonly c: Cluster,
    private readonly prng: Prng,
    private readonly kinds: readonly FaultKind[],
    private readonly hooks: FaultHooks,
    private readonly loseUnsynced: boolean,
  ) {
    this.base = c.network.getDefaults();
    this.removable = Math.floor((c.nodes.size - 1) / 2);
  }

  private count(kind: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    this.log.push(`${Math.round(this.c.now())}ms ${kind}`);
  }

  start(): void {
    this.active = true;
    this.schedule();
  }

  private schedule(): void {
    this.c.after(100 + this.prng.int(700), () => {
      if (!this.active) return;
      this.act();
      this.schedule();
    });
  }

  /** Later, even after the phase ended: undoing a fault only helps the cluster heal. */
  private later(lo: number, hi: number, fn: () => void): void {
    this.c.after(lo + this.prng.int(hi - lo), fn);
  }

  /** Members that are in the cluster (not removed). */
  private members(): NodeId[] {
    return [...this.c.nodes.values()].filter((n) => n.life !== 'stopped' && !this.c.removed.has(n.id) && !this.dead.has(n.id)).map((n) => n.id);
  }

  private pick(ids: NodeId[]): NodeId | undefined {
    return ids.length === 0 ? undefined : ids[this.prng.int(ids.length)];
  }

  private act(): void {
    const kinds = this.kinds.filter((k) => k !== 'compact' && k !== 'snapshot');
    if (kinds.length === 0) return;
    const kind = kinds[this.prng.int(kinds.length)]!;
    switch (kind) {
      case 'crash':
        return this.crash();
      case 'crash-after-persist':
      case 'crash-after-apply':
        return this.armCrash(kind);
      case 'pause': {
        const id = this.pick(this.members().filter((x) => this.c.nodes.get(x)!.life === 'running'));
        if (id === undefined) return;
        this.c.pause(id);
        this.count('pause');
        return this.later(100, 3000, () => this.c.resume(id));
      }
      case 'partition':
        return this.partition();
      case 'lossy': {
        const p = this.prng;
        this.c.network.setDefaults({ dropRate: p.next() * 0.3, latencyMax: this.base.latencyMax + (p.chance(0.5) ? p.int(100) : 0) });
        this.count('lossy');
        return this.later(500, 3000, () => this.c.network.setDefaults(this.base));
      }
      case 'duplicate': {
        this.c.network.setDefaults({ duplicateRate: 0.02 + this.prng.next() * 0.2 });
        this.count('duplicate');
        return this.later(500, 3000, () => this.c.network.setDefaults(this.base));
      }
      case 'transfer': {
        // Counted only when asked of a live leader for another member.
        const l = this.c.leader()?.id;
        const id = this.pick(this.members().filter((x) => x !== l));
        if (l === undefined || id === undefined || this.c.transferLeader(id) !== undefined) return;
        return this.count('transfer');
      }
      case 'member':
        return this.member();
    }
  }

  private crash(): void {
    const id = this.pick(this.members().filter((x) => this.c.nodes.get(x)!.life !== 'crashed'));
    if (id !== undefined) this.crashNow(id, 'crash');
  }

  /**
   * Arms a crash point: in the leader half the time (its persisted-but-unsent
   * entries are the interesting ones), else in a random member; during an
   * election, in every member for whichever of them becomes leader (its first
   * entry persisted, never sent: Raft's Figure 8). Counted when it strikes;
   * disarmed if the member stops first or the fault phase ends.
   */
  private armCrash(kind: 'crash-after-persist' | 'crash-after-apply'): void {
    const up = this.members().filter((x) => this.c.nodes.get(x)!.life === 'running' && !this.c.nodes.get(x)!.crashPoint);
    const l = this.c.leader()?.id;
    const armed = new Set<CrashPoint>();
    const arm = (id: NodeId, when?: (rd: Ready) => boolean): void => {
      const fire = (): void => {
        // One crash per arming: the others armed with it stand down.
        for (const n of this.c.nodes.values()) if (n.crashPoint && armed.has(n.crashPoint)) n.crashPoint = undefined;
        // A quick restart: the point is what the disk held at that instant, not a long outage.
        this.crashNow(id, kind, 1000);
      };
      const cp: CrashPoint = kind === 'crash-after-persist' ? { at: 'after-persist', when, fire } : { at: 'after-apply', entries: 1 + this.prng.int(6), fire };
      armed.add(cp);
      this.c.nodes.get(id)!.crashPoint = cp;
    };
    if (l === undefined) {
      if (kind === 'crash-after-persist') for (const x of up) arm(x, (rd) => rd.softState?.raftState === 'StateLeader');
      return;
    }
    const id = up.includes(l) && this.prng.chance(0.5) ? l : this.pick(up);
    if (id !== undefined) arm(id);
  }

  private crashNow(id: NodeId, kind: string, maxDownMs = 3000): void {
    this.c.crash(id);
    if (this.loseUnsynced) this.loseTail(id);
    this.hooks.crashed(id);
    this.count(kind);
    this.later(50, maxDownMs, () => {
      if (this.dead.has(id)) return;
      this.c.restart(id);
      this.hooks.started();
    });
  }

  /** The no-fsync bug: the newest entries never reached the disk, nor did a commit index covering them. */
  private loseTail(id: NodeId): void {
    const st = this.c.nodes.get(id)!.disk.raft;
    const floor = Math.max(st.snapshot().metadata.index, st.firstIndex() - 1);
    const lose = Math.min(st.lastIndex() - floor, 1 + this.prng.int(8));
    if (lose <= 0) return;
    st.ents.length -= lose;
    st.hardState = { ...st.hardState, commit: Math.min(st.hardState.commit, st.lastIndex()) };
  }

  private partition(): void {
    const ids = this.members();
    const net = this.c.network;
    const leader = this.c.leader()?.id;
    const shape = this.prng.int(4);
    if (shape === 0) {
      // Two random halves (one may be empty: then nothing is cut).
      const groups: NodeId[][] = [[], []];
      for (const x of ids) groups[this.prng.int(2)]!.push(x);
      net.partition(groups.filter((g) => g.length > 0));
      this.count('partition-halves');
    } else if (shape === 1 && leader !== undefined) {
      net.isolate(leader);
      this.count('partition-leader');
    } else if (shape === 2 && ids.length >= 3) {
      // A bridge: two sides that cannot talk, and one member both reach.
      const order = [...ids];
      for (let i = order.length - 1; i > 0; i--) {
        const j = this.prng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const half = Math.floor((order.length - 1) / 2);
      const a = order.slice(1, 1 + half);
      const b = order.slice(1 + half);
      for (const x of a) for (const y of b) {
        net.cut(x, y);
        net.cut(y, x);
      }
      this.count('partition-bridge');
    } else {
      const from = this.prng.chance(0.5) && leader !== undefined ? leader : this.pick(ids);
      const to = this.pick(ids.filter((x) => x !== from));
      if (from === undefined || to === undefined) return;
      net.cut(from, to);
      this.count('partition-oneway');
    }
    this.later(300, 4000, () => net.heal());
  }

  /**
   * One membership change at a time: etcd's repair procedure for a failed
   * machine (the member crashes for good, is removed, and a new member with
   * an empty data dir is added), the removal of a live member (which stops
   * once it learns of it) followed by an addition, or a learner added and
   * promoted once it caught up.
   */
  private member(): void {
    if (this.memberChange || this.c.leader() === undefined) return;
    const r = this.prng.int(3);
    if (this.removable > 0 && r < 2) {
      const victim = this.pick(this.members().filter((x) => this.c.memberStatus(x) === 'voter'));
      if (victim === undefined) return;
      const failed = r === 0;
      if (this.c.removeMember(victim) !== undefined) return;
      if (failed) {
        this.c.crash(victim);
        this.hooks.crashed(victim);
        this.dead.add(victim);
      }
      this.removable--;
      this.memberChange = true;
      this.count(failed ? 'member-replace' : 'member-remove');
      this.later(300, 2000, () => this.addUntilDone(false, 10));
      return;
    }
    this.memberChange = true;
    this.count('member-learner');
    this.addUntilDone(true, 10);
  }

  /** Adds a member (retrying while there is no leader); a learner gets promoted once caught up. */
  private addUntilDone(learner: boolean, tries: number): void {
    const r = learner ? this.c.addLearner() : this.c.addMember();
    this.hooks.started();
    if (!r.ok) {
      if (tries > 0) this.later(200, 600, () => this.addUntilDone(learner, tries - 1));
      else this.memberChange = false;
      return;
    }
    if (!learner) {
      this.memberChange = false;
      return;
    }
    const id = r.value.id;
    const promote = (left: number): void => {
      const err = this.c.promoteMember(id);
      if (err !== undefined && left > 0) this.later(200, 800, () => promote(left - 1));
      else this.memberChange = false;
    };
    this.later(300, 1500, () => promote(20));
  }

  /** The fault phase is over: no new faults; heal the network, resume and restart every member. */
  stopAndHeal(): void {
    this.active = false;
    this.c.network.heal();
    this.c.network.setDefaults(this.base);
    for (const n of this.c.nodes.values()) {
      n.crashPoint = undefined;
      if (n.life === 'paused') this.c.resume(n.id);
      if (n.life === 'crashed' && !this.c.removed.has(n.id) && !this.dead.has(n.id)) this.c.restart(n.id);
    }
    this.hooks.started();
  }
}
