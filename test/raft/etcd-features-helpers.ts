// Helpers for the etcd-features-*.test.ts files (etcd-io/raft's raft_test.go
// re-created): bare Raft instances on a MemoryStorage for fine control, and
// Networks of RawNodes built from hand-made storages (custom logs, learners).
import type { Config } from '../../src/engine/raft/config.ts';
import { Raft } from '../../src/engine/raft/raft.ts';
import { MemoryStorage } from '../../src/engine/raft/storage.ts';
import { type HardState, type Message, type NodeId, type Snapshot, msg } from '../../src/engine/raft/types.ts';
import { Network, type TestNode, drain, lcg, newNode } from './harness.ts';

import { ents, readMessages as readMsgs } from './paper-helpers.ts';

// Shared with the paper tests.
export { entry, ents, logOf, text } from './paper-helpers.ts';
export { readMsgs };

const enc = new TextEncoder();

export interface StorageSpec {
  voters: NodeId[];
  learners?: NodeId[];
  /** Terms of entries 1, 2, 3, ... (etcd's index(1).terms(...)). */
  terms?: number[];
  hardState?: Partial<HardState>;
}

/** A MemoryStorage whose empty snapshot names the members (etcd's withPeers/withLearners). */
export function newStorage(spec: StorageSpec): MemoryStorage {
  const s = new MemoryStorage();
  s.snap.metadata.confState = { voters: [...spec.voters], learners: [...(spec.learners ?? [])] };
  if (spec.terms) s.append(ents(1, ...spec.terms));
  if (spec.hardState) s.setHardState({ term: 0, vote: '0', commit: 0, ...spec.hardState });
  return s;
}

/** Like etcd's newTestRaft: no pre-vote or check-quorum unless asked. */
export function newRaft(id: NodeId, storage: MemoryStorage, opts: Partial<Config> = {}): { r: Raft; logs: string[] } {
  const logs: string[] = [];
  const r = new Raft({
    id,
    electionTick: 10,
    heartbeatTick: 1,
    storage,
    rand: lcg(parseInt(id, 16) * 104729),
    preVote: false,
    checkQuorum: false,
    logger: (l) => logs.push(l),
    ...opts,
  });
  return { r, logs };
}

/** A bare Raft that has just won an election (becomeCandidate + becomeLeader), with its outbox emptied. */
export function newLeader(spec: StorageSpec, opts: Partial<Config> = {}): { r: Raft; logs: string[]; storage: MemoryStorage } {
  const storage = newStorage(spec);
  const { r, logs } = newRaft('1', storage, opts);
  r.becomeCandidate();
  r.becomeLeader();
  readMsgs(r);
  return { r, logs, storage };
}

export function propMsg(data = 'somedata', from: NodeId = '1'): Message {
  return msg({ type: 'MsgProp', from, to: from, entries: [{ index: 0, term: 0, type: 'EntryNormal', data: enc.encode(data) }] });
}

export function snapshot(index: number, term: number, voters: NodeId[], learners: NodeId[] = []): Snapshot {
  return { data: new Uint8Array(0), metadata: { index, term, confState: { voters, learners } } };
}

/** A Network of RawNodes over the given storages (no bootstrap), keyed 1, 2, 3, ... */
export function networkOf(storages: MemoryStorage[], opts: Partial<Config> = {}): Network {
  const nw = new Network(0);
  storages.forEach((s, i) => {
    const id = (i + 1).toString(16);
    nw.nodes.set(id, newNode(id, [], opts, s));
  });
  nw.settle();
  return nw;
}

/** Steps a local message (MsgBeat, MsgHup, ...) on a network node and delivers the fallout. */
export function local(nw: Network, id: NodeId, m: Partial<Message> & Pick<Message, 'type'>): string | undefined {
  const n: TestNode = nw.node(id);
  const err = n.rn.raft.step(msg({ from: id, to: id, ...m }));
  nw.send(drain(n));
  return err;
}

export const types = (ms: Message[]): string[] => ms.map((m) => m.type);
