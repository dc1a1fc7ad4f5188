// What a playground file holds besides the disks, read from a running
// cluster and put back on a restored one: the network's fault settings and
// which members were paused. A restore is a whole-cluster restart (image.ts),
// so a paused member restarts too; it is paused again right after, as the
// user left it. The network is read through its public view (blocked, link),
// which is what decides every message's fate.
import type { NodeId } from '../raft/types.ts';
import type { Cluster } from './cluster.ts';
import type { ClusterImage } from './image.ts';
import type { LinkConditions } from './network.ts';
import type { NetworkImage, PlaygroundFile, PlaygroundFileEntry } from './playground-file.ts';
import { PLAYGROUND_FILE_FORMAT, PLAYGROUND_FILE_VERSION } from './playground-file.ts';

const sameLink = (a: LinkConditions, b: LinkConditions): boolean =>
  a.latencyMin === b.latencyMin && a.latencyMax === b.latencyMax && a.dropRate === b.dropRate && a.duplicateRate === b.duplicateRate;

/** The network's fault settings between the cluster's members. */
export function captureNetwork(c: Cluster): NetworkImage {
  const net = c.network;
  const ids = [...c.nodes.keys()];
  const defaults = net.getDefaults();
  const links: NetworkImage['links'] = [];
  const cuts: [NodeId, NodeId][] = [];
  for (const from of ids) {
    for (const to of ids) {
      if (from === to) continue;
      const l = net.link(from, to);
      if (!sameLink(l, defaults)) links.push({ from, to, conditions: { ...l } });
      if (net.blocked(from, to) === 'cut') cuts.push([from, to]);
    }
  }
  let partition: NodeId[][] | null = null;
  if (net.partitioned()) {
    // Members that can reach each other past the partition share a group.
    partition = [];
    for (const id of ids) {
      const g = partition.find((grp) => net.blocked(id, grp[0]!) !== 'partition');
      if (g) g.push(id);
      else partition.push([id]);
    }
  }
  return { defaults, links, partition, cuts };
}

/** The members that are paused now. */
export function pausedMembers(c: Cluster): NodeId[] {
  return [...c.nodes.values()].filter((n) => n.life === 'paused').map((n) => n.id);
}

/**
 * Puts the fault settings on a restored cluster, and pauses again the
 * members the image had paused once they have restarted (the restore's
 * first event).
 */
export function applyPlaygroundState(c: Cluster, network: NetworkImage, image: ClusterImage): void {
  const net = c.network;
  net.setDefaults(network.defaults);
  for (const l of network.links) net.setLink(l.from, l.to, l.conditions);
  if (network.partition) net.partition(network.partition);
  for (const [from, to] of network.cuts) net.cut(from, to);
  const paused = image.nodes.filter((n) => n.life === 'paused').map((n) => n.id);
  if (paused.length === 0) return;
  c.at(c.now(), () => {
    for (const id of paused) if (c.nodes.get(id)?.life === 'running') c.pause(id);
  });
}

/**
 * The image with each member's client URLs replaced by urlsOf(its position
 * in creation order): a member restarted somewhere else publishes the
 * client URLs of its new command line, as etcd does.
 */
export function withClientURLs(image: ClusterImage, urlsOf: (i: number, name: string) => string[] | undefined): ClusterImage {
  const slot = new Map(image.nodes.map((n, i) => [n.id, i]));
  const members = image.members.map((m) => {
    const i = slot.get(m.id);
    const urls = i === undefined ? undefined : urlsOf(i, m.name);
    return urls ? { ...m, peerURLs: [...m.peerURLs], clientURLs: [...urls] } : m;
  });
  return { ...image, members };
}

/** A whole playground file of a running cluster. */
export function playgroundFileOf(
  c: Cluster,
  name: string,
  extra: { files?: PlaygroundFileEntry[]; history?: string[] } = {},
): PlaygroundFile {
  const f: PlaygroundFile = {
    format: PLAYGROUND_FILE_FORMAT,
    version: PLAYGROUND_FILE_VERSION,
    name,
    cluster: c.exportImage(),
    network: captureNetwork(c),
    files: extra.files ?? [],
  };
  if (extra.history) f.history = extra.history;
  return f;
}
