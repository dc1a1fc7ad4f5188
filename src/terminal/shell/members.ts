// Finding members by what a user types (name, hex ID or client URL), and the
// `members` / `status` overview. Reads engine state; changes nothing.
import type { Cluster } from '../../engine/cluster/cluster.ts';
import type { SimNode } from '../../engine/cluster/node.ts';
import type { World } from '../core/world.ts';

/** The member a word names, or an error message. */
export function findNode(c: Cluster, word: string): SimNode | string {
  const w = word.replace(/\/+$/, '');
  for (const n of c.nodes.values()) if (n.name === w || n.id === w.toLowerCase()) return n;
  for (const [id, m] of c.members) {
    if (m.clientURLs.some((u) => u === w || u.replace(/^https?:\/\//, '') === w)) return c.nodes.get(id) ?? `no such member: ${word}`;
  }
  return `no such member: ${word} (members: ${[...c.nodes.values()].map((n) => n.name).join(', ')})`;
}

/** Member names for completion and messages (removed members left out). */
export function memberNames(c: Cluster): string[] {
  return [...c.nodes.values()].filter((n) => !c.removed.has(n.id)).map((n) => n.name);
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd() + '\n').join('');
}

function life(n: SimNode, c: Cluster): string {
  if (c.removed.has(n.id)) return 'removed';
  if (n.life === 'crashed') return 'down';
  return n.life;
}

/** The member table: who leads, who runs, how far each has got. */
export function membersTable(world: World): string {
  const c = world.etcd.cluster;
  const snap = c.snapshot();
  const rows = [['NAME', 'ID', 'STATE', 'ROLE', 'TERM', 'COMMIT', 'APPLIED', 'CLIENT URL']];
  for (const n of snap.nodes) {
    const node = c.nodes.get(n.id)!;
    const role = node.life === 'running' || node.life === 'paused' ? (n.membership === 'learner' ? 'learner' : n.role) : '-';
    rows.push([n.name, n.id, life(node, c), role, String(n.term), String(n.commit), String(n.applied), n.clientURLs[0] ?? '']);
  }
  return pad(rows);
}

export function statusText(world: World, speed: number | undefined): string {
  const c = world.etcd.cluster;
  const net = c.network.getDefaults();
  const leader = c.leader();
  const lines = [
    `time ${(c.now() / 1000).toFixed(3)} s${speed !== undefined ? `, speed ${speed}x` : ''}, seed ${c.seed}, cluster ${c.clusterId()}`,
    `leader ${leader ? `${leader.name} (${leader.id}), term ${leader.rn!.raft.term}` : 'none'}`,
    `network latency ${net.latencyMin}-${net.latencyMax} ms, drop ${net.dropRate}${c.network.partitioned() ? ', PARTITIONED' : ''}`,
    '',
  ];
  return lines.join('\n') + membersTable(world);
}
