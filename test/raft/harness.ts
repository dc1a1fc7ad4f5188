// A synchronous in-test network of raft nodes, like etcd-io/raft's test
// `network`: messages are delivered immediately, in order, unless dropped.
import { RawNode, MemoryStorage, type Config, type Message, type NodeId, type Ready, type ReadState, decodeConfChange } from '../../src/engine/raft/index.ts';

export interface TestNode {
  id: NodeId;
  rn: RawNode;
  storage: MemoryStorage;
  applied: { index: number; term: number; data: string }[];
  logs: string[];
  /** ReadIndex results handed out in Ready.readStates, in order. */
  readStates: ReadState[];
}

/** A tiny deterministic PRNG so tests never depend on Math.random. */
export function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    // The high bits: an LCG's low bits cycle with short periods.
    return Math.floor((s / 2 ** 32) * n);
  };
}

export const ids = (n: number): NodeId[] => Array.from({ length: n }, (_, i) => (i + 1).toString(16));

export function newNode(id: NodeId, peers: NodeId[], opts: Partial<Config> = {}, storage = new MemoryStorage()): TestNode {
  const logs: string[] = [];
  const rn = new RawNode({
    id,
    electionTick: 10,
    heartbeatTick: 1,
    storage,
    rand: lcg(parseInt(id, 16) * 7919),
    logger: (l) => logs.push(l),
    ...opts,
  });
  if (peers.length > 0 && storage.lastIndex() === 0) {
    rn.bootstrap(peers.map((p) => ({ id: p, context: new Uint8Array(0) })));
  }
  const n: TestNode = { id, rn, storage, applied: [], logs, readStates: [] };
  return n;
}

const dec = new TextDecoder();

/** Persists, applies and returns the messages of every pending Ready of one node. */
export function drain(n: TestNode): Message[] {
  const out: Message[] = [];
  while (n.rn.hasReady()) {
    const rd: Ready = n.rn.ready();
    if (rd.snapshot) n.storage.applySnapshot(rd.snapshot);
    if (rd.hardState) n.storage.setHardState(rd.hardState);
    n.storage.append(rd.entries);
    out.push(...rd.messages);
    n.readStates.push(...rd.readStates);
    for (const e of rd.committedEntries) {
      if (e.type === 'EntryConfChange') n.rn.applyConfChange(decodeConfChange(e.data));
      n.applied.push({ index: e.index, term: e.term, data: dec.decode(e.data) });
    }
    n.rn.advance(rd);
  }
  return out;
}

export class Network {
  nodes = new Map<NodeId, TestNode>();
  /** Messages from->to that are dropped. */
  cut = new Set<string>();
  dropTypes = new Set<string>();
  delivered: Message[] = [];
  /** Sees every message about to be delivered; return false to drop it. */
  hook: ((m: Message) => boolean) | undefined;

  constructor(n: number, opts: Partial<Config> = {}) {
    const all = ids(n);
    for (const id of all) this.nodes.set(id, newNode(id, all, opts));
    this.settle();
  }

  node(id: NodeId): TestNode {
    return this.nodes.get(id)!;
  }

  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}>${other}`);
      this.cut.add(`${other}>${id}`);
    }
  }

  partition(...groups: NodeId[][]): void {
    for (const a of groups) for (const b of groups) {
      if (a === b) continue;
      for (const x of a) for (const y of b) this.cut.add(`${x}>${y}`);
    }
  }

  heal(): void {
    this.cut.clear();
  }

  /** Delivers messages until the network is quiet. */
  send(msgs: Message[]): void {
    const queue = [...msgs];
    let steps = 0;
    while (queue.length > 0) {
      if (++steps > 100000) throw new Error('network did not quiesce');
      const m = queue.shift()!;
      if (this.cut.has(`${m.from}>${m.to}`) || this.dropTypes.has(m.type)) continue;
      if (this.hook && !this.hook(m)) continue;
      const to = this.nodes.get(m.to);
      if (!to) continue;
      this.delivered.push(m);
      try {
        to.rn.step(m);
      } catch {
        continue;
      }
      queue.push(...drain(to));
    }
  }

  settle(): void {
    const msgs: Message[] = [];
    for (const n of this.nodes.values()) msgs.push(...drain(n));
    this.send(msgs);
  }

  /** Forces node id to campaign (like MsgHup) and delivers everything. */
  campaign(id: NodeId): void {
    this.node(id).rn.campaign();
    this.send(drain(this.node(id)));
  }

  propose(id: NodeId, data: string): void {
    this.node(id).rn.propose(new TextEncoder().encode(data));
    this.send(drain(this.node(id)));
  }

  tick(id: NodeId, times = 1): void {
    for (let i = 0; i < times; i++) {
      this.node(id).rn.tick();
      this.send(drain(this.node(id)));
    }
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) for (const id of this.nodes.keys()) this.tick(id);
  }

  leader(): TestNode | undefined {
    let best: TestNode | undefined;
    for (const n of this.nodes.values()) {
      if (n.rn.raft.state === 'StateLeader' && (!best || n.rn.raft.term > best.rn.raft.term)) best = n;
    }
    return best;
  }
}
