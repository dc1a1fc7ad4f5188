// Read-only looks into the world for the lessons' checks: keys, the leader,
// terms, watchers, leases. Each reads the leader's copy (else any running
// member's), as the learner's next linearizable read would see it.
import type { SimNode } from '../../engine/cluster/node.ts';
import type { EtcdServer } from '../../engine/server/server.ts';
import type { World } from '../../terminal/core/world.ts';
import type { RanCommand } from './types.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The leader's server, else the first running member's. */
export function readServer(w: World): EtcdServer | undefined {
  const e = w.etcd;
  const c = e.cluster;
  const up = (id: string) => c.nodes.get(id)?.isUp() === true;
  const l = c.leader();
  if (l && up(l.id)) return e.server(l.id);
  const id = e.ids().find(up);
  return id ? e.server(id) : undefined;
}

export interface KeyState {
  value: string;
  create: number;
  mod: number;
  version: number;
  lease: string;
}

export function keyState(w: World, key: string): KeyState | undefined {
  const kv = readServer(w)?.sm.kv.range({ key: enc.encode(key) }).kvs[0];
  if (!kv) return undefined;
  return { value: dec.decode(kv.value), create: kv.createRevision, mod: kv.modRevision, version: kv.version, lease: kv.lease };
}

export const leader = (w: World): SimNode | undefined => w.etcd.cluster.leader();
export const nodeById = (w: World, id: string | number | undefined): SimNode | undefined => w.etcd.cluster.nodes.get(String(id));
export const nameOf = (w: World, id: string | number | undefined): string => nodeById(w, id)?.name ?? String(id);

/** The highest raft term any running member has seen. */
export function term(w: World): number {
  let t = 0;
  for (const n of w.etcd.cluster.nodes.values()) if (n.isUp()) t = Math.max(t, n.rn!.raft.term);
  return t;
}

/** Every member's client URL, comma-separated (for ETCDCTL_ENDPOINTS). */
export function allEndpoints(w: World): string {
  const c = w.etcd.cluster;
  return [...c.members.values()]
    .filter((m) => !c.removed.has(m.id))
    .map((m) => (m.clientURLs[0] ?? '').replace(/^https?:\/\//, ''))
    .join(',');
}

/** The watchers of every running member whose watched range starts at key, with that member's store revision. */
export function watchersOn(w: World, key: string): { nextRev: number; end: string | undefined; rev: number }[] {
  const out: { nextRev: number; end: string | undefined; rev: number }[] = [];
  for (const id of w.etcd.ids()) {
    if (!w.etcd.cluster.nodes.get(id)?.isUp()) continue;
    const sm = w.etcd.get(id).sm;
    for (const x of sm.openWatchable?.describeWatchers() ?? []) if (x.key === key) out.push({ nextRev: x.nextRev, end: x.end, rev: sm.kv.rev });
  }
  return out;
}

/** The leader's leases (IDs in hex). */
export function leaseIds(w: World): string[] {
  return readServer(w)?.sm.lessor.leases().map((l) => l.ID) ?? [];
}

/** Whether a command matching re ran and succeeded. */
export const ranOk = (ran: readonly RanCommand[], re: RegExp): boolean => ran.some((r) => r.status === 0 && re.test(r.line.trim()));
