// Read-only looks into the world for the lessons' conditions and placeholders:
// keys, members, the leader, terms, watchers, leases. Keys are read from the
// leader's copy (else any running member's), as the learner's next
// linearizable read would see them.
import type { SimNode } from '../../engine/cluster/node.ts';
import type { EtcdServer } from '../../engine/server/server.ts';
import type { World } from '../../terminal/core/world.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

const isUp = (w: World, id: string) => w.etcd.cluster.nodes.get(id)?.isUp() === true;

/** The leader's server, else the first running member's. */
export function readServer(w: World): EtcdServer | undefined {
  const l = w.etcd.cluster.leader();
  if (l && isUp(w, l.id)) return w.etcd.server(l.id);
  const id = w.etcd.ids().find((x) => isUp(w, x));
  return id ? w.etcd.server(id) : undefined;
}

export interface KeyState {
  key: string;
  value: string;
  create: number;
  mod: number;
  version: number;
  lease: string;
}

function toState(kv: { key: Uint8Array; value: Uint8Array; createRevision: number; modRevision: number; version: number; lease: string }): KeyState {
  return { key: dec.decode(kv.key), value: dec.decode(kv.value), create: kv.createRevision, mod: kv.modRevision, version: kv.version, lease: kv.lease };
}

export function keyState(w: World, key: string): KeyState | undefined {
  const kv = readServer(w)?.sm.kv.range({ key: enc.encode(key) }).kvs[0];
  return kv ? toState(kv) : undefined;
}

/** Every key that starts with prefix, oldest first (by create revision). */
export function keysUnder(w: World, prefix: string): KeyState[] {
  // The range end etcd's --prefix uses: the prefix with its last byte plus one ("\0", every key, for "").
  const end = prefix === '' ? new Uint8Array([0]) : enc.encode(prefix);
  if (prefix !== '') end[end.length - 1]!++;
  const kvs = readServer(w)?.sm.kv.range({ key: enc.encode(prefix), rangeEnd: end }).kvs ?? [];
  return kvs.map(toState).sort((a, b) => a.create - b.create);
}

/** The store revision as the leader (or any running member) has it. */
export const storeRev = (w: World): number => readServer(w)?.sm.kv.rev ?? 0;

export const leader = (w: World): SimNode | undefined => w.etcd.cluster.leader();

/** A member by name or ID; removed members included. */
export function member(w: World, nameOrId: string | number | undefined): SimNode | undefined {
  const c = w.etcd.cluster;
  const s = String(nameOrId);
  return c.nodes.get(s) ?? [...c.nodes.values()].find((n) => n.name === s);
}

/** The running followers (voters, not the leader), by name. */
export function followers(w: World): SimNode[] {
  const c = w.etcd.cluster;
  const l = c.leader();
  return [...c.nodes.values()]
    .filter((n) => n !== l && n.isUp() && !c.removed.has(n.id) && !c.members.get(n.id)?.isLearner)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A member's first client URL without its scheme (what --endpoints takes). */
export function endpointOf(w: World, nameOrId: string | number | undefined): string | undefined {
  const n = member(w, nameOrId);
  const url = n ? w.etcd.cluster.members.get(n.id)?.clientURLs[0] : undefined;
  return url?.replace(/^https?:\/\//, '');
}

/** The members still in the cluster: name and peer URL pairs, as --initial-cluster takes them. */
export function initialCluster(w: World): string {
  const c = w.etcd.cluster;
  return [...c.members.values()]
    .filter((m) => !c.removed.has(m.id))
    .map((m) => `${m.name}=${m.peerURLs[0] ?? ''}`)
    .join(',');
}

/** Every member's client endpoint, comma-separated. */
export function allEndpoints(w: World): string {
  const c = w.etcd.cluster;
  return [...c.members.values()]
    .filter((m) => !c.removed.has(m.id))
    .map((m) => (m.clientURLs[0] ?? '').replace(/^https?:\/\//, ''))
    .join(',');
}

/** The highest raft term any running member has seen. */
export function term(w: World): number {
  let t = 0;
  for (const n of w.etcd.cluster.nodes.values()) if (n.isUp()) t = Math.max(t, n.rn!.raft.term);
  return t;
}

/** The term of a member's log entry at index (undefined when it has none there). */
export function logTermAt(n: SimNode, index: number): number | undefined {
  return n.rn?.raft.raftLog.termOrUndefined(index);
}

export interface WatcherState {
  nextRev: number;
  end: string | undefined;
  /** The member's store revision. */
  rev: number;
}

/** The watchers of every running member whose watched range starts at key. */
export function watchersOn(w: World, key: string): WatcherState[] {
  const out: WatcherState[] = [];
  for (const id of w.etcd.ids()) {
    if (!isUp(w, id)) continue;
    const sm = w.etcd.get(id).sm;
    for (const x of sm.openWatchable?.describeWatchers() ?? []) if (x.key === key) out.push({ nextRev: x.nextRev, end: x.end, rev: sm.kv.rev });
  }
  return out;
}

/** The leader's leases (IDs in hex). */
export function leaseIds(w: World): string[] {
  return readServer(w)?.sm.lessor.leases().map((l) => l.ID) ?? [];
}
