// Raft's safety properties, checked against the live nodes of a simulation
// after every step (Raft paper Figure 3, and etcd's TLA+ LogInv):
// election safety, log matching, leader completeness, state machine safety,
// and committed entries never lost or rolled back. Checks are incremental
// so that they can run after every event of thousands of seeded runs.
import type { RawNode } from '../raft/rawnode.ts';
import type { MemoryStorage } from '../raft/storage.ts';
import type { Entry, NodeId } from '../raft/types.ts';
import { type LogTip, electableWithout, tipOfLog, tipOfStorage } from './electable.ts';

export interface ObservedNode {
  id: NodeId;
  /** undefined while the node is crashed (its volatile state is gone). */
  rn: RawNode | undefined;
  /** A crashed node's raft disk: the log it would campaign with after a restart. */
  disk?: MemoryStorage;
}

interface LogView {
  first: number;
  /** terms[i - first] and prefix hashes of the entries first..last. */
  terms: number[];
  hashes: number[];
}

function dataHash(d: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i]!, 0x01000193);
  return h >>> 0;
}

function mix(prev: number, e: Entry): number {
  let h = Math.imul(prev ^ e.term, 0x9e3779b1);
  h = Math.imul(h ^ dataHash(e.data), 0x85ebca77);
  h = Math.imul(h ^ (e.type === 'EntryConfChange' ? 1 : 0), 0xc2b2ae3d);
  return (h ^ (h >>> 15)) >>> 0;
}

export class SafetyViolation extends Error {}

export class RaftSafetyChecker {
  /** term -> the node elected leader in it (Election Safety: at most one, ever). */
  private readonly leaders = new Map<number, NodeId>();
  /** "index:term" -> prefix hash: two logs with the same entry agree on everything before it. */
  private readonly prefix = new Map<string, number>();
  /** index -> term of every entry known to be committed. */
  private readonly committedTerms: number[] = [0];
  /** index -> the term of the node first seen committing it (the leader that committed it). */
  private readonly commitTerm: number[] = [0];
  private maxCommitted = 0;
  /** index -> identity of the entry applied there by the first node that applied it. */
  private readonly applied = new Map<number, number>();
  private readonly views = new Map<NodeId, LogView>();
  private readonly lastCommit = new Map<NodeId, number>();
  private readonly leaderChecked = new Map<string, number>();

  private fail(text: string): never {
    throw new SafetyViolation(text);
  }

  /**
   * Call when a node applies an entry (State Machine Safety). Applied entries
   * are committed ones, seen before a snapshot may compact them away within
   * the same step, so they also record which term each committed index holds.
   */
  observeApply(id: NodeId, e: Entry): void {
    const h = mix(e.index, e);
    const prev = this.applied.get(e.index);
    if (prev === undefined) this.applied.set(e.index, h);
    else if (prev !== h) this.fail(`state machine safety: ${id} applied a different entry at index ${e.index} (term ${e.term})`);
    const t = this.committedTerms[e.index];
    if (t === undefined) this.committedTerms[e.index] = e.term;
    else if (t !== e.term) this.fail(`committed entry lost: index ${e.index} was committed at term ${t} but ${id} applied term ${e.term}`);
  }

  /** Call after every step of the simulation with every member, live or crashed. */
  check(nodes: Iterable<ObservedNode>): void {
    const live: { id: NodeId; rn: RawNode }[] = [];
    const all: ObservedNode[] = [];
    for (const n of nodes) {
      all.push(n);
      if (n.rn) live.push({ id: n.id, rn: n.rn });
    }
    for (const n of live) this.updateLog(n.id, n.rn);
    const before = this.maxCommitted;
    for (const n of live) this.checkCommit(n.id, n.rn);
    if (this.maxCommitted > before) this.checkElectable(live, all);
    for (const n of live) {
      const r = n.rn.raft;
      if (r.state !== 'StateLeader') continue;
      const prev = this.leaders.get(r.term);
      if (prev === undefined) this.leaders.set(r.term, n.id);
      else if (prev !== n.id) this.fail(`election safety: ${prev} and ${n.id} were both leader at term ${r.term}`);
      this.checkLeaderCompleteness(n.id, n.rn);
    }
  }

  /** Brings the node's log view up to date, registering new entries' prefix hashes. */
  private updateLog(id: NodeId, rn: RawNode): void {
    const log = rn.raft.raftLog;
    const first = log.firstIndex();
    const last = log.lastIndex();
    let v = this.views.get(id);
    const baseTerm = log.term(first - 1);
    if (!v || v.first !== first) {
      // First sight, or the log was compacted or replaced by a snapshot.
      const base = first - 1 === 0 ? 0 : this.prefix.get(`${first - 1}:${baseTerm}`);
      if (base === undefined) this.fail(`log matching: ${id} holds a snapshot at ${first - 1}:${baseTerm} that no log ever had`);
      v = { first, terms: [baseTerm], hashes: [base] };
      this.views.set(id, v);
    }
    // Find the highest index still equal to what we saw: logs change only by
    // truncating a suffix and appending, and a rewritten index has a new term.
    let k = Math.min(last, v.first - 1 + v.terms.length - 1);
    while (k >= first && log.term(k) !== v.terms[k - v.first + 1]) k--;
    v.terms.length = k - v.first + 2;
    v.hashes.length = k - v.first + 2;
    if (k === last) return;
    const ents = log.slice(k + 1, last + 1, Number.MAX_SAFE_INTEGER);
    let h = v.hashes[v.hashes.length - 1]!;
    for (const e of ents) {
      h = mix(h, e);
      const key = `${e.index}:${e.term}`;
      const known = this.prefix.get(key);
      if (known === undefined) this.prefix.set(key, h);
      else if (known !== h) this.fail(`log matching: ${id} has entry ${key} with a different history than another log`);
      v.terms.push(e.term);
      v.hashes.push(h);
    }
  }

  private checkCommit(id: NodeId, rn: RawNode): void {
    const log = rn.raft.raftLog;
    const c = log.committed;
    const prev = this.lastCommit.get(id) ?? 0;
    if (c < prev) this.fail(`commit index of ${id} went back from ${prev} to ${c}`);
    this.lastCommit.set(id, c);
    if (log.applied > c) this.fail(`${id} applied ${log.applied} beyond its commit index ${c}`);
    if (c > log.lastIndex()) this.fail(`${id} committed ${c} beyond its last index ${log.lastIndex()}`);
    // Record newly committed entries still in the log, and check the node
    // agrees with known ones (compacted ones were recorded by observeApply).
    const first = log.firstIndex();
    for (let i = Math.max(first, prev + 1); i <= c; i++) {
      const t = log.term(i);
      const known = this.committedTerms[i];
      if (known === undefined) this.committedTerms[i] = t;
      else if (known !== t) this.fail(`committed entry lost: index ${i} was committed at term ${known} but ${id} committed term ${t}`);
    }
    if (c > this.maxCommitted) {
      for (let i = this.maxCommitted + 1; i <= c; i++) this.commitTerm[i] = rn.raft.term;
      this.maxCommitted = c;
    }
  }

  /**
   * Leader Completeness: a leader holds every entry committed in an earlier
   * term. (A deposed leader that has not noticed yet may lack newer ones.)
   */
  private checkLeaderCompleteness(id: NodeId, rn: RawNode): void {
    const log = rn.raft.raftLog;
    const term = rn.raft.term;
    const key = `${id}@${term}`;
    const from = Math.max(log.firstIndex(), (this.leaderChecked.get(key) ?? 0) + 1);
    for (let i = from; i <= this.maxCommitted; i++) {
      const want = this.committedTerms[i];
      if (this.commitTerm[i]! >= term || want === undefined) continue;
      if (log.term(i) !== want) {
        this.fail(`leader completeness: leader ${id} at term ${rn.raft.term} lacks committed entry ${i} (term ${this.committedTerms[i]})`);
      }
    }
    if (this.maxCommitted >= from) this.leaderChecked.set(key, this.maxCommitted);
  }

  /**
   * The newest committed entry must be out of reach of every election a voter
   * lacking it could win, voters as the newest leader's configuration has them.
   */
  private checkElectable(live: { id: NodeId; rn: RawNode }[], all: ObservedNode[]): void {
    let top: RawNode | undefined;
    for (const n of live) if (n.rn.raft.state === 'StateLeader' && (!top || n.rn.raft.term > top.raft.term)) top = n.rn;
    if (!top) return;
    const logs = new Map<NodeId, LogTip>();
    for (const n of all) {
      if (n.rn) logs.set(n.id, tipOfLog(n.rn.raft.raftLog));
      else if (n.disk) logs.set(n.id, tipOfStorage(n.disk));
    }
    const i = this.maxCommitted;
    const why = electableWithout(i, this.committedTerms[i]!, [...top.raft.prs.voters], logs);
    if (why !== undefined) this.fail(why);
  }

  /** Forget a node's volatile view (after a crash its log is re-read from disk). */
  forget(id: NodeId): void {
    this.views.delete(id);
  }

  get committedIndex(): number {
    return this.maxCommitted;
  }
}
