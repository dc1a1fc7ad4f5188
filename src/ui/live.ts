// The bridge between the running world and the views: follows the trace for
// the ring's messages and, when asked each frame, copies plain snapshots out
// of the engine. Views get these copies only. Heavy views are refreshed a few
// times a second, and only while shown.
import { readStore, type StoreData } from './model/keys.ts';
import { readLeases, type LeaseEntry } from './model/leases.ts';
import { snapshotLinks, type LinkView } from './model/links.ts';
import { buildStrips, type StripModel } from './model/log-strip.ts';
import { MessageTracker, type VisualMessage } from './model/messages.ts';
import { snapshotRaftLogs, type RaftLogView } from './model/raft-view.ts';
import { onWorld, world } from './playground.ts';

// At most 80 messages on the ring: a busy cluster (hundreds of proposals a second)
// would otherwise keep hundreds of dots in flight, each one DOM work every frame.
export const tracker = new MessageTracker({ cap: 80 });

onWorld((w) => {
  tracker.clear();
  const c = w.etcd.cluster;
  return c.trace.subscribe((r) => {
    if (r.kind !== 'send' && r.kind !== 'deliver' && r.kind !== 'drop') return;
    let est = 3;
    if (r.kind === 'send') {
      const lc = c.network.link(r.from, r.to);
      est = (lc.latencyMin + lc.latencyMax) / 2;
    }
    tracker.record(r, performance.now(), est);
  });
});

export interface RingFrame {
  links: LinkView[];
  messages: VisualMessage[];
  beats: Record<string, number>;
}

export function ringFrame(wallNow: number): RingFrame {
  const c = world.etcd.cluster;
  const beats: Record<string, number> = {};
  for (const id of c.nodes.keys()) beats[id] = tracker.sinceBeat(id, wallNow);
  return { links: snapshotLinks(c), messages: tracker.frame(c.now(), wallNow), beats };
}

export interface LogFrame {
  logs: RaftLogView[];
  strips: StripModel;
}

export function logFrame(width = 40): LogFrame {
  const c = world.etcd.cluster;
  const logs = snapshotRaftLogs(c, width);
  return { logs, strips: buildStrips(logs, width, c.leader()?.id) };
}

/** Calls fn at most every `ms` of wall time (frames in between are skipped). */
export function throttle(ms: number): (wallNow: number) => boolean {
  let last = -Infinity;
  return (now) => {
    if (now - last < ms) return false;
    last = now;
    return true;
  };
}

export interface StoreFrame {
  /** The member whose stores were read ('' when none is running). */
  member: string;
  data: StoreData | undefined;
  leases: LeaseEntry[];
}

/**
 * One member's MVCC store and lessor as plain data: the chosen member, or the
 * leader (else the first running member) when `choice` is '' or not up.
 */
export function storeFrame(choice: string): StoreFrame {
  const e = world.etcd;
  const c = e.cluster;
  const up = (id: string) => c.nodes.get(id)?.isUp() === true && e.server(id) !== undefined;
  let id = choice && up(choice) ? choice : (c.leader()?.id ?? '');
  if (!id || !up(id)) id = [...c.nodes.keys()].find(up) ?? '';
  const s = id ? e.server(id) : undefined;
  if (!s) return { member: '', data: undefined, leases: [] };
  let data: StoreData | undefined;
  try {
    data = readStore(s.sm.kv);
  } catch (err) {
    console.warn('reading the key space failed', err);
  }
  return { member: id, data, leases: readLeases(s.sm.lessor, c.now()) };
}
