// The page's one world: a 3-member etcd cluster (etcd0..etcd2, clients on
// 127.0.0.1:2379/12379/22379), its realtime driver and the log lines the
// members print. Engine objects live here, never in Svelte state: components
// read plain snapshots.
import { EtcdCluster } from '../engine/server/etcd-cluster.ts';
import type { TraceRecord } from '../engine/cluster/trace.ts';
import { World } from '../terminal/core/world.ts';
import type { ShellHost } from '../terminal/shell/shell.ts';
import { PageDriver } from './driver.ts';

export interface LogLine {
  t: number;
  name: string;
  level: string;
  pkg: string;
  text: string;
}

const MAX_LOG = 300;

function seedFromPage(): number {
  const s = Number(new URLSearchParams(location.search).get('seed'));
  return Number.isInteger(s) && s > 0 ? s : Math.floor(Math.random() * 2 ** 31);
}

export const world = new World(new EtcdCluster({ seed: seedFromPage(), nodes: 3, traceCapacity: 1000 }));
export const driver = new PageDriver(world);
export const host: ShellHost = {
  getSpeed: () => driver.speed,
  setSpeed: (x) => (driver.speed = x),
};

const logBuffer: LogLine[] = [];
let logVersion = 0;

{
  const cluster = world.etcd.cluster;
  const onRecord = (r: TraceRecord) => {
    if (r.kind !== 'log') return;
    logBuffer.push({ t: r.t, name: cluster.nodes.get(r.node)?.name ?? r.node, level: r.level, pkg: r.pkg, text: r.text });
    if (logBuffer.length > MAX_LOG) logBuffer.splice(0, logBuffer.length - MAX_LOG);
    logVersion++;
  };
  // The ring buffer holds what the members logged while starting, before we subscribed.
  cluster.trace.records().forEach(onRecord);
  cluster.trace.subscribe(onRecord);
}

/** The latest log lines, newest first, and a counter that changes when they do. */
export function recentLogs(n: number): { version: number; lines: LogLine[] } {
  return { version: logVersion, lines: logBuffer.slice(-n).reverse() };
}
