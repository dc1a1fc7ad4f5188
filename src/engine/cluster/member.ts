// Members and their IDs, derived exactly as etcd 3.4 does
// (etcdserver/api/membership/member.go NewMember, cluster.go genID), so a
// playground member gets the same ID a real etcd would print for the same flags.
import { sha1 } from '@noble/hashes/legacy.js';
import { compareIds, fromUtf8, idToU64Bytes, u64BytesToId, utf8 } from '../util/bytes.ts';
import type { NodeId } from '../raft/types.ts';

export interface Member {
  id: NodeId;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

/**
 * Member ID = first 8 bytes (big-endian) of sha1(sorted peer URLs joined with
 * no separator + cluster token [+ unix seconds when added at runtime]).
 * etcd mixes the time in for `member add` so re-adding the same URLs gets a new ID.
 */
export function memberId(peerURLs: readonly string[], clusterToken: string, addedAtUnix?: number): NodeId {
  const sorted = [...peerURLs].sort();
  let s = sorted.join('') + clusterToken;
  if (addedAtUnix !== undefined) s += String(Math.floor(addedAtUnix));
  return u64BytesToId(sha1(utf8(s)));
}

/** Cluster ID = first 8 bytes of sha1 over the numerically sorted member IDs, each 8 bytes big-endian. */
export function clusterId(memberIds: readonly NodeId[]): NodeId {
  const ids = [...memberIds].sort(compareIds);
  const b = new Uint8Array(8 * ids.length);
  ids.forEach((id, i) => b.set(idToU64Bytes(id), 8 * i));
  return u64BytesToId(sha1(b));
}

/**
 * The playground's address layout, after etcd's own Procfile spread over ports:
 * member i listens for peers on 127.0.0.1:(i*10000 + 2380) and for clients on
 * (i*10000 + 2379), so etcd0 is 2380/2379, etcd1 12380/12379, etcd2 22380/22379,
 * up to etcd6 on 62380. Members added beyond that continue at 2480, 2580, ...
 */
export function defaultPort(index: number, client: boolean): number {
  const base = index < 7 ? 2380 + 10000 * index : 2380 + 100 * (index - 6);
  return client ? base - 1 : base;
}

export function defaultMemberName(index: number): string {
  return `etcd${index}`;
}

export function defaultPeerURLs(index: number): string[] {
  return [`http://127.0.0.1:${defaultPort(index, false)}`];
}

export function defaultClientURLs(index: number): string[] {
  return [`http://127.0.0.1:${defaultPort(index, true)}`];
}

/** One entry of etcd's --initial-cluster (name=peerURL,...), plus its client URLs. */
export interface InitialMember {
  name: string;
  peerURLs: string[];
  clientURLs?: string[];
}

/**
 * The members a new cluster starts with. Explicit members are used as given
 * (the IDs then match what real etcd prints for the same flags); otherwise a
 * single node gets etcd's own defaults (name "default", localhost:2380, so
 * the well-known ID 8e9e05c52164694d) and larger clusters the playground
 * layout above. `nextIndex` hands out layout slots.
 */
export function initialMembers(
  opts: { nodes: number; clusterToken: string; names?: string[]; members?: InitialMember[] },
  nextIndex: () => number,
): Member[] {
  const { clusterToken } = opts;
  const given: InitialMember[] =
    opts.members ??
    (opts.nodes === 1 && !opts.names
      ? [(nextIndex(), { name: 'default', peerURLs: ['http://localhost:2380'], clientURLs: ['http://localhost:2379'] })]
      : Array.from({ length: opts.nodes }, (_, i) => {
          const idx = nextIndex();
          return { name: opts.names?.[i] ?? defaultMemberName(idx), peerURLs: defaultPeerURLs(idx), clientURLs: defaultClientURLs(idx) };
        }));
  if (opts.members) for (let i = 0; i < given.length; i++) nextIndex();
  const seen = new Set<string>();
  const out: Member[] = [];
  for (const g of given) {
    if (g.peerURLs.length === 0) throw new Error(`--initial-cluster has no peer URL for member ${g.name}`);
    if (seen.has(g.name)) throw new Error(`--initial-cluster has duplicate name ${g.name}`);
    seen.add(g.name);
    const id = memberId(g.peerURLs, clusterToken);
    if (out.some((m) => m.id === id)) throw new Error(`member ${id} exists with identical ID`);
    out.push({ id, name: g.name, peerURLs: [...g.peerURLs], clientURLs: [...(g.clientURLs ?? [])], isLearner: false });
  }
  return out;
}

/**
 * The ConfChange context: like etcd, the marshalled member, so every node
 * learns the new member's name and URLs when it applies the change.
 */
export function encodeMemberContext(m: Member): Uint8Array {
  return utf8(JSON.stringify({ id: m.id, name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs, isLearner: m.isLearner }));
}

export function decodeMemberContext(b: Uint8Array): Member | undefined {
  if (b.length === 0) return undefined;
  try {
    const o = JSON.parse(fromUtf8(b)) as Partial<Member>;
    if (typeof o.id !== 'string' || !Array.isArray(o.peerURLs)) return undefined;
    return {
      id: o.id,
      name: typeof o.name === 'string' ? o.name : '',
      peerURLs: o.peerURLs,
      clientURLs: Array.isArray(o.clientURLs) ? o.clientURLs : [],
      isLearner: o.isLearner === true,
    };
  } catch {
    return undefined;
  }
}
