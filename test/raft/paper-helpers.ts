// Helpers for the Raft-paper tests (paper-*.test.ts), after the helpers of
// etcd-io/raft's raft_paper_test.go: a Raft built straight on a MemoryStorage
// with the paper's defaults (no pre-vote, no check-quorum), message plumbing,
// and a tiny synchronous network of bare Raft instances with message filters.
import type { Config } from '../../src/engine/raft/config.ts';
import { bcastAppend } from '../../src/engine/raft/leader.ts';
import { Raft } from '../../src/engine/raft/raft.ts';
import { MemoryStorage } from '../../src/engine/raft/storage.ts';
import { type Entry, type Message, type NodeId, msg } from '../../src/engine/raft/types.ts';
import { Prng } from '../../src/engine/util/prng.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A MemoryStorage whose (empty) snapshot names the cluster, like etcd's withPeers. */
export function newStorage(voters: NodeId[], learners: NodeId[] = []): MemoryStorage {
  const s = new MemoryStorage();
  s.snap.metadata.confState = { voters: [...voters], learners: [...learners] };
  return s;
}

/** The engine's own seeded PRNG, one stream per node id. */
export function rngFor(id: NodeId, seed = 1): (n: number) => number {
  const p = new Prng(seed).fork(id);
  return (n) => p.int(n);
}

/** A raft node with the paper's behaviour: pre-vote and check-quorum off unless asked. */
export function newTestRaft(
  id: NodeId,
  electionTick: number,
  heartbeatTick: number,
  storage: MemoryStorage,
  opts: Partial<Config> = {},
): Raft {
  return new Raft({
    id,
    electionTick,
    heartbeatTick,
    storage,
    rand: rngFor(id),
    preVote: false,
    checkQuorum: false,
    ...opts,
  });
}

export function entry(index: number, term: number, data = ''): Entry {
  return { index, term, type: 'EntryNormal', data: enc.encode(data) };
}

/** Entries first, first+1, ... with the given terms (etcd's index(first).terms(...)). */
export function ents(first: number, ...terms: number[]): Entry[] {
  return terms.map((t, i) => entry(first + i, t));
}

export function prop(data = '', to: NodeId = '1'): Message {
  return msg({ type: 'MsgProp', from: to, to, entries: [{ index: 0, term: 0, type: 'EntryNormal', data: enc.encode(data) }] });
}

export function text(e: Entry): string {
  return dec.decode(e.data);
}

/** Takes the messages raft queued, as etcd's readMessages. */
export function readMessages(r: Raft): Message[] {
  const m = r.msgs;
  r.msgs = [];
  return m;
}

export function sortMsgs(ms: Message[]): Message[] {
  return [...ms].sort((a, b) => (a.to === b.to ? a.type.localeCompare(b.type) : a.to.localeCompare(b.to)));
}

/** The follower's "yes" to a MsgApp: it now has everything up to the last entry sent. */
export function acceptAndReply(m: Message): Message {
  if (m.type !== 'MsgApp') throw new Error(`type should be MsgApp, got ${m.type}`);
  return msg({ type: 'MsgAppResp', from: m.to, to: m.from, term: m.term, index: m.index + m.entries.length });
}

/** Persists the unstable tail to storage and applies what is committed; returns the applied entries. */
export function nextEnts(r: Raft, s: MemoryStorage): Entry[] {
  const un = r.raftLog.unstableEntries().slice();
  s.append(un);
  if (un.length > 0) r.raftLog.stableTo(un[un.length - 1]!.index, un[un.length - 1]!.term);
  const es = r.raftLog.nextEnts();
  r.raftLog.appliedTo(r.raftLog.committed);
  return es;
}

/** Has every follower ack the new leader's empty entry, then persists and applies it. */
export function commitNoopEntry(r: Raft, s: MemoryStorage): void {
  if (r.state !== 'StateLeader') throw new Error('commitNoopEntry needs a leader');
  readMessages(r);
  bcastAppend(r);
  for (const m of readMessages(r)) {
    if (m.type !== 'MsgApp' || m.entries.length !== 1 || m.entries[0]!.data.length !== 0) {
      throw new Error('not a message to append the noop entry');
    }
    r.step(acceptAndReply(m));
  }
  if (r.raftLog.committed !== r.raftLog.lastIndex()) throw new Error('noop entry not committed');
  readMessages(r);
  nextEnts(r, s);
}

/** (index, term) of every entry in the log, for comparing logs. */
export function logOf(r: Raft): [number, number][] {
  return r.raftLog.allEntries().map((e) => [e.index, e.term]);
}

/**
 * A synchronous network of bare Raft instances (etcd's test `network`).
 * Messages to ids without a node vanish (a crashed or absent peer).
 */
export class RaftNet {
  peers = new Map<NodeId, Raft>();
  cut = new Set<string>();
  /** Rewrites a message in flight; return undefined to drop it. */
  filter: ((m: Message) => Message | undefined) | undefined;
  delivered: Message[] = [];

  constructor(rafts: Raft[]) {
    for (const r of rafts) this.peers.set(r.id, r);
  }

  get(id: NodeId): Raft {
    return this.peers.get(id)!;
  }

  isolate(id: NodeId): void {
    for (const other of this.peers.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}>${other}`);
      this.cut.add(`${other}>${id}`);
    }
  }

  heal(): void {
    this.cut.clear();
  }

  send(...msgs: Message[]): void {
    const queue = [...msgs];
    let steps = 0;
    while (queue.length > 0) {
      if (++steps > 100000) throw new Error('network did not quiesce');
      let m: Message | undefined = queue.shift()!;
      if (this.cut.has(`${m.from}>${m.to}`)) continue;
      if (this.filter) m = this.filter(m);
      if (!m) continue;
      const r = this.peers.get(m.to);
      if (!r) continue;
      this.delivered.push(m);
      r.step(m);
      queue.push(...readMessages(r));
    }
  }

  campaign(id: NodeId): void {
    this.send(msg({ type: 'MsgHup', from: id, to: id }));
  }

  propose(id: NodeId, data: string): void {
    this.send(prop(data, id));
  }
}
