// A whole cluster as plain data: its settings, virtual time, membership and
// every member's disk. What survives is what survives a power cut of every
// machine at once: disks, not processes. Loading an image is a whole-cluster
// restart: the members that ran start again from their own disks, recover
// their raft logs and state machines, and elect a leader; in-flight messages
// and client sessions are gone. JSON-safe, so a browser store or a file can
// keep it.
import type { NodeId } from '../raft/types.ts';
import { type DiskImage, checkDiskImage } from '../storage/disk.ts';
import type { Member } from './member.ts';
import type { NodeLife, NodeSettings } from './node.ts';

export const CLUSTER_IMAGE_VERSION = 1;

/** The options a cluster was built with that shape its behaviour. */
export interface ClusterSettings {
  seed: number;
  heartbeatInterval: number;
  electionTimeout: number;
  snapshotCount: number;
  snapshotCatchUpEntries: number;
  preVote: boolean;
  checkQuorum: boolean;
  clusterToken: string;
  startUnix: number;
  maxSizePerMsg?: number;
  maxInflightMsgs?: number;
}

/** A member process as it was: its life and how many times it started (epoch). */
export interface NodeRecord {
  id: NodeId;
  name: string;
  life: NodeLife;
  epoch: number;
}

/** Everything but the disks. */
export interface ClusterState {
  version: typeof CLUSTER_IMAGE_VERSION;
  settings: ClusterSettings;
  /** Virtual time in ms. */
  now: number;
  /** The next free member slot (default names and ports). */
  nextIndex: number;
  clusterId: NodeId;
  members: Member[];
  removed: NodeId[];
  /** In creation order. */
  nodes: NodeRecord[];
}

export interface ClusterImage extends ClusterState {
  /** One per node record. */
  disks: DiskImage[];
}

/** An image that cannot be loaded; the message says what is wrong. */
export class ClusterImageError extends Error {
  constructor(detail: string) {
    super(`cluster image: ${detail}`);
    this.name = 'ClusterImageError';
  }
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isNat = (x: unknown): x is number => isNum(x) && Number.isInteger(x) && x >= 0;
const isStr = (x: unknown): x is string => typeof x === 'string';
const isStrs = (x: unknown): x is string[] => Array.isArray(x) && x.every(isStr);
const LIVES: readonly NodeLife[] = ['running', 'paused', 'crashed', 'stopped'];

/** Checks the parts of an image other than the disks. */
export function checkClusterState(x: unknown): asserts x is ClusterState {
  const bad = (d: string): never => {
    throw new ClusterImageError(d);
  };
  if (!isObj(x)) return bad('not an object');
  if (x.version !== CLUSTER_IMAGE_VERSION) return bad(`unsupported version ${String(x.version)}`);
  const s = x.settings;
  if (!isObj(s)) return bad('no settings');
  for (const k of ['seed', 'heartbeatInterval', 'electionTimeout', 'snapshotCount', 'snapshotCatchUpEntries', 'startUnix'] as const) {
    if (!isNat(s[k])) bad(`setting ${k} is not a number`);
  }
  if (typeof s.preVote !== 'boolean' || typeof s.checkQuorum !== 'boolean' || !isStr(s.clusterToken)) bad('bad settings');
  if (!isNum(x.now) || x.now < 0) bad('bad virtual time');
  if (!isNat(x.nextIndex)) bad('bad member slot counter');
  if (!isStr(x.clusterId)) bad('no cluster ID');
  if (!Array.isArray(x.members)) return bad('no member list');
  for (const m of x.members as unknown[]) {
    if (!isObj(m) || !isStr(m.id) || !isStr(m.name) || !isStrs(m.peerURLs) || !isStrs(m.clientURLs) || typeof m.isLearner !== 'boolean') {
      bad('bad member record');
    }
  }
  if (!isStrs(x.removed)) bad('bad removed-member list');
  if (!Array.isArray(x.nodes) || x.nodes.length === 0) return bad('no members');
  const ids = new Set<string>();
  for (const n of x.nodes as unknown[]) {
    if (!isObj(n) || !isStr(n.id) || !isStr(n.name) || !isNat(n.epoch) || !LIVES.includes(n.life as NodeLife)) bad('bad node record');
    const id = (n as unknown as NodeRecord).id;
    if (ids.has(id)) bad(`member ${id} appears twice`);
    ids.add(id);
  }
}

/** Checks a whole image: state, and one sound disk per node, each the right member's. */
export function checkClusterImage(x: unknown): asserts x is ClusterImage {
  checkClusterState(x);
  const disks = (x as unknown as Record<string, unknown>).disks;
  if (!Array.isArray(disks)) throw new ClusterImageError('no disks');
  if (disks.length !== x.nodes.length) throw new ClusterImageError(`${x.nodes.length} members but ${disks.length} disks`);
  x.nodes.forEach((n, i) => {
    const d: unknown = disks[i];
    checkDiskImage(d);
    if (d.nodeId !== n.id) throw new ClusterImageError(`member ${n.id} has the disk of member ${d.nodeId}`);
  });
}

/** The settings part of an image, from a cluster's configuration. */
export function settingsOf(
  seed: number,
  heartbeatInterval: number,
  electionTimeout: number,
  clusterToken: string,
  startUnix: number,
  s: NodeSettings,
): ClusterSettings {
  const out: ClusterSettings = {
    seed,
    heartbeatInterval,
    electionTimeout,
    snapshotCount: s.snapshotCount,
    snapshotCatchUpEntries: s.snapshotCatchUpEntries,
    preVote: s.preVote,
    checkQuorum: s.checkQuorum,
    clusterToken,
    startUnix,
  };
  if (s.maxSizePerMsg !== undefined) out.maxSizePerMsg = s.maxSizePerMsg;
  if (s.maxInflightMsgs !== undefined) out.maxInflightMsgs = s.maxInflightMsgs;
  return out;
}

/** Everything of a cluster but the disks, as plain data. */
export function clusterState(
  c: { now(): number; clusterId(): NodeId; members: Map<NodeId, Member>; removed: Set<NodeId>; nodes: Map<NodeId, { id: NodeId; name: string; life: NodeLife; epoch: number }> },
  settings: ClusterSettings,
  nextIndex: number,
): ClusterState {
  return {
    version: CLUSTER_IMAGE_VERSION,
    settings,
    now: c.now(),
    nextIndex,
    clusterId: c.clusterId(),
    members: [...c.members.values()].map((m) => ({ ...m, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs] })),
    removed: [...c.removed],
    nodes: [...c.nodes.values()].map((n) => ({ id: n.id, name: n.name, life: n.life, epoch: n.epoch })),
  };
}
