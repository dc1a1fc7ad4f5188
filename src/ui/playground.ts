// The page's one world: an etcd cluster (etcd0..etcdN-1, clients on
// 127.0.0.1:2379/12379/22379...), its realtime driver and the log lines the
// members print. Engine objects live here, never in Svelte state: components
// read plain snapshots.
//
// The world can be rebuilt (same seed or a new one, other cluster settings):
// `world` is a live binding that changes, and whoever keeps per-world state
// (the terminals, the trace subscriptions) listens with onWorld.
import { EtcdCluster } from '../engine/server/etcd-cluster.ts';
import type { TraceRecord } from '../engine/cluster/trace.ts';
import { World } from '../terminal/core/world.ts';
import type { ShellHost } from '../terminal/shell/shell.ts';
import { PageDriver } from './driver.ts';
import { playgroundControl } from './persist/actions.ts';
import { restoreOrCreateWorld } from './persist/index.ts';
import { readBoot } from './share/boot.ts';
import { clusterOf } from './share/scenario.ts';

export interface LogLine {
  t: number;
  name: string;
  level: string;
  pkg: string;
  text: string;
}

/** What a rebuild can change; pre-vote and check-quorum are etcd 3.4's flags (both on here by default). */
export interface WorldConfig {
  seed: number;
  nodes: number;
  heartbeatInterval: number;
  electionTimeout: number;
  snapshotCount: number;
  preVote: boolean;
  checkQuorum: boolean;
}

const MAX_LOG = 300;

function seedFromPage(): number {
  const s = Number(new URLSearchParams(location.search).get('seed'));
  // The page edge may use Math.random: only the seed is random, the run is not.
  return Number.isInteger(s) && s > 0 ? s : 1 + Math.floor(Math.random() * (2 ** 31 - 1));
}

export const DEFAULT_CONFIG: Omit<WorldConfig, 'seed'> = {
  nodes: 3,
  heartbeatInterval: 100,
  electionTimeout: 1000,
  snapshotCount: 100,
  preVote: true,
  checkQuorum: true,
};

function build(cfg: WorldConfig): World {
  return new World(new EtcdCluster({ ...cfg, traceCapacity: 1000 }));
}

// A share link (#s=…) sets the seed and settings; an embed (?embed=1) runs unsaved (share/boot.ts).
const boot = readBoot();
export let config: WorldConfig = { seed: seedFromPage(), ...DEFAULT_CONFIG, ...(boot.scenario && { seed: boot.scenario.seed, ...clusterOf(boot.scenario) }) };
// The saved playground (IndexedDB) if there is one, else a fresh world; saved as it runs.
export let world: World = boot.embed
  ? build(config)
  : await restoreOrCreateWorld({ fresh: () => build(config), current: () => world, restored: (s) => (config = { ...config, ...s }) });
/** Bumped by every rebuild: a Svelte {#key} on it remounts what belongs to the old world. */
export let generation = 0;
export const driver = new PageDriver(() => world);
export const host: ShellHost = {
  getSpeed: () => driver.speed,
  setSpeed: (x) => (driver.speed = x),
  // Named playgrounds, for the shell's playground command (not in an embed, which saves nothing).
  playgrounds: boot.embed ? undefined : playgroundControl,
};

type WorldListener = (w: World) => (() => void) | void;
const worldListeners = new Set<WorldListener>();
const cleanups = new Map<WorldListener, () => void>();

/** Runs fn for the current world now and for every rebuilt one; fn's return value cleans up the old one. */
export function onWorld(fn: WorldListener): () => void {
  worldListeners.add(fn);
  const c = fn(world);
  if (c) cleanups.set(fn, c);
  return () => {
    worldListeners.delete(fn);
    cleanups.get(fn)?.();
    cleanups.delete(fn);
  };
}

/** Replaces the world with a fresh one built from cfg (missing fields keep their current values). */
export function rebuild(cfg: Partial<WorldConfig> = {}): void {
  const next = { ...config, ...cfg };
  const w = build(next); // throws on bad settings before anything is torn down
  config = next;
  for (const c of cleanups.values()) c();
  cleanups.clear();
  world = w;
  generation++;
  for (const fn of worldListeners) {
    const c = fn(world);
    if (c) cleanups.set(fn, c);
  }
}

const logBuffer: LogLine[] = [];
let logVersion = 0;

onWorld((w) => {
  const cluster = w.etcd.cluster;
  logBuffer.length = 0;
  logVersion++;
  const onRecord = (r: TraceRecord) => {
    if (r.kind !== 'log') return;
    logBuffer.push({ t: r.t, name: cluster.nodes.get(r.node)?.name ?? r.node, level: r.level, pkg: r.pkg, text: r.text });
    if (logBuffer.length > MAX_LOG) logBuffer.splice(0, logBuffer.length - MAX_LOG);
    logVersion++;
  };
  // The ring buffer holds what the members logged while starting, before we subscribed.
  cluster.trace.records().forEach(onRecord);
  return cluster.trace.subscribe(onRecord);
});

/** The latest log lines, newest first, and a counter that changes when they do. */
export function recentLogs(n: number): { version: number; lines: LogLine[] } {
  return { version: logVersion, lines: logBuffer.slice(-n).reverse() };
}
