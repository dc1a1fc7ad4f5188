// The simulated network between nodes. Decides, for every message sent, whether
// it arrives, when, and how many times; all of its settings can change while the
// cluster runs. Its randomness is its own PRNG stream, so latency draws never
// disturb the nodes' election timeouts.
import type { NodeId } from '../raft/types.ts';
import type { Prng } from '../util/prng.ts';

export interface LinkConditions {
  /**
   * One-way delay in ms, drawn uniformly from [latencyMin, latencyMax] for each
   * message; the spread is the jitter. With jitter, messages on one link can
   * overtake each other (etcd's stream and pipeline transports reorder too)
   * unless the network is FIFO.
   */
  latencyMin: number;
  latencyMax: number;
  /** Probability a message is lost. */
  dropRate: number;
  /** Probability a delivered message arrives a second time (with its own delay). */
  duplicateRate: number;
}

export type DropReason =
  | 'partition'
  | 'cut'
  | 'drop-rate'
  | 'node-down'
  | 'paused-buffer-full'
  | 'unknown-node'
  | 'removed-member';

export const DEFAULT_LINK: LinkConditions = { latencyMin: 1, latencyMax: 5, dropRate: 0, duplicateRate: 0 };

export interface NetworkOptions extends Partial<LinkConditions> {
  /** Keep per-link send order even under jitter (like a single TCP stream). Default false. */
  fifo?: boolean;
}

export class Network {
  private defaults: LinkConditions;
  private readonly links = new Map<NodeId, Map<NodeId, LinkConditions>>();
  /** node -> partition group; nodes in no listed group share the implicit group -1. */
  private groups: Map<NodeId, number> | undefined;
  private readonly cuts = new Map<NodeId, Set<NodeId>>();
  private readonly lastArrival = new Map<NodeId, Map<NodeId, number>>();
  fifo: boolean;
  /** Told about every change (the cluster traces them). */
  observer: ((change: string) => void) | undefined;

  constructor(
    private readonly rng: Prng,
    opts: NetworkOptions = {},
  ) {
    const { fifo, ...link } = opts;
    this.defaults = checkLink({ ...DEFAULT_LINK, ...link });
    this.fifo = fifo ?? false;
  }

  getDefaults(): LinkConditions {
    return { ...this.defaults };
  }

  /** Changes the conditions of every link without its own override. */
  setDefaults(c: Partial<LinkConditions>): void {
    this.defaults = checkLink({ ...this.defaults, ...c });
    this.observer?.(`defaults ${describe(this.defaults)}`);
  }

  /** Overrides the one-way link from -> to; undefined removes the override. */
  setLink(from: NodeId, to: NodeId, c: Partial<LinkConditions> | undefined): void {
    let m = this.links.get(from);
    if (c === undefined) {
      m?.delete(to);
      this.observer?.(`link ${from}->${to} reset`);
      return;
    }
    if (m === undefined) this.links.set(from, (m = new Map()));
    const lc = checkLink({ ...(m.get(to) ?? this.defaults), ...c });
    m.set(to, lc);
    this.observer?.(`link ${from}->${to} ${describe(lc)}`);
  }

  /** Overrides both directions between a and b. */
  setLinks(a: NodeId, b: NodeId, c: Partial<LinkConditions> | undefined): void {
    this.setLink(a, b, c);
    this.setLink(b, a, c);
  }

  link(from: NodeId, to: NodeId): LinkConditions {
    return this.links.get(from)?.get(to) ?? this.defaults;
  }

  /**
   * Splits the nodes into groups that can only talk within themselves. Nodes
   * not named in any group form one more group together, so partition([[a]])
   * isolates a from everyone else. Replaces any earlier partition.
   */
  partition(groups: NodeId[][]): void {
    const g = new Map<NodeId, number>();
    groups.forEach((grp, i) => grp.forEach((id) => g.set(id, i)));
    this.groups = g;
    this.observer?.(`partition ${groups.map((grp) => `[${grp.join(' ')}]`).join(' ')}`);
  }

  isolate(id: NodeId): void {
    this.partition([[id]]);
  }

  /** Removes the partition and every one-way cut. */
  heal(): void {
    this.groups = undefined;
    this.cuts.clear();
    this.observer?.('heal');
  }

  /** Drops everything sent from -> to (the other direction keeps working). */
  cut(from: NodeId, to: NodeId): void {
    let s = this.cuts.get(from);
    if (s === undefined) this.cuts.set(from, (s = new Set()));
    s.add(to);
    this.observer?.(`cut ${from}->${to}`);
  }

  restore(from: NodeId, to: NodeId): void {
    this.cuts.get(from)?.delete(to);
    this.observer?.(`restore ${from}->${to}`);
  }

  partitioned(): boolean {
    return this.groups !== undefined;
  }

  /** Why from cannot reach to right now, or undefined if it can. */
  blocked(from: NodeId, to: NodeId): 'partition' | 'cut' | undefined {
    const g = this.groups;
    if (g !== undefined && (g.get(from) ?? -1) !== (g.get(to) ?? -1)) return 'partition';
    if (this.cuts.size > 0 && this.cuts.get(from)?.has(to) === true) return 'cut';
    return undefined;
  }

  /**
   * Decides a message's fate at send time: a drop reason, or the number of
   * copies to deliver with their arrival times written to out[0..n).
   */
  route(from: NodeId, to: NodeId, now: number, out: number[]): DropReason | number {
    const b = this.blocked(from, to);
    if (b !== undefined) return b;
    const lc = this.link(from, to);
    if (this.rng.chance(lc.dropRate)) return 'drop-rate';
    const n = this.rng.chance(lc.duplicateRate) ? 2 : 1;
    for (let i = 0; i < n; i++) {
      let t = now + this.rng.range(lc.latencyMin, lc.latencyMax);
      if (this.fifo) t = this.keepOrder(from, to, t);
      out[i] = t;
    }
    return n;
  }

  private keepOrder(from: NodeId, to: NodeId, t: number): number {
    let m = this.lastArrival.get(from);
    if (m === undefined) this.lastArrival.set(from, (m = new Map()));
    const last = m.get(to) ?? 0;
    if (t < last) t = last;
    m.set(to, t);
    return t;
  }
}

function checkLink(c: LinkConditions): LinkConditions {
  if (!(c.latencyMin >= 0) || !(c.latencyMax >= c.latencyMin)) {
    throw new Error(`invalid latency range [${c.latencyMin}, ${c.latencyMax}]`);
  }
  if (!(c.dropRate >= 0 && c.dropRate <= 1)) throw new Error(`invalid drop rate ${c.dropRate}`);
  if (!(c.duplicateRate >= 0 && c.duplicateRate <= 1)) throw new Error(`invalid duplicate rate ${c.duplicateRate}`);
  return c;
}

function describe(c: LinkConditions): string {
  return `latency ${c.latencyMin}-${c.latencyMax}ms drop ${c.dropRate} dup ${c.duplicateRate}`;
}
