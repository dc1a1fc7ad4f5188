// A page world to and from a playground file (engine/cluster/playground-file.ts).
// DOM-free: the Node tests and the server round trip use it too.
import { restoreOptions } from '../../engine/cluster/cluster.ts';
import { defaultClientURLs } from '../../engine/cluster/member.ts';
import { type PlaygroundFile, decodePlaygroundFile, entryBytes, fileEntries } from '../../engine/cluster/playground-file.ts';
import { applyPlaygroundState, playgroundFileOf, withClientURLs } from '../../engine/cluster/playground-state.ts';
import { EtcdCluster } from '../../engine/server/etcd-cluster.ts';
import { World } from '../../terminal/core/world.ts';

/** The page's terminal history kept in a file, at most this many lines. */
const HISTORY_LINES = 500;
/** etcdctl's default endpoint, which the page's first member serves. */
const PAGE_ENDPOINT = '127.0.0.1:2379';

/** The playground file of a page world (history: the terminal's, if the page has one). */
export function fileOfWorld(world: World, name: string, history?: readonly string[]): PlaygroundFile {
  const fs = world.fs;
  const files = fileEntries(fs.list().map((p): [string, Uint8Array] => [p, fs.readFile(p)!]));
  return playgroundFileOf(world.etcd.cluster, name, { files, history: history ? history.slice(-HISTORY_LINES) : undefined });
}

export interface WorldFromFileOptions {
  /** The restored cluster's trace ring buffer (default 1000, the page's). */
  traceCapacity?: number;
}

/**
 * A world restarted from a file: members restart from their disks (and,
 * unless one already serves 127.0.0.1:2379, publish the page's client URLs
 * by position), the faults and paused members come back, and the files are
 * in the terminal's file system. Throws (the engine's checks) on a file
 * whose disks the engine refuses.
 */
export function worldFromFile(file: PlaygroundFile, opts: WorldFromFileOptions = {}): World {
  // A page playground already answers etcdctl's default endpoint; one from a server gets the page's layout.
  const reachable = file.cluster.members.some((m) => m.clientURLs.some((u) => u.replace(/^\w+:\/\//, '').replace(/\/$/, '') === PAGE_ENDPOINT));
  const image = reachable ? file.cluster : withClientURLs(file.cluster, (i) => defaultClientURLs(i));
  const etcd = new EtcdCluster({ ...restoreOptions(image), traceCapacity: opts.traceCapacity ?? 1000 });
  applyPlaygroundState(etcd.cluster, file.network, image);
  const world = new World(etcd);
  for (const f of file.files) world.fs.writeFile(f.path, entryBytes(f));
  return world;
}

/** Decodes a file's text and restarts its world; throws with a message for people on anything wrong. */
export function worldFromText(text: string, opts: WorldFromFileOptions = {}): { file: PlaygroundFile; world: World } {
  const file = decodePlaygroundFile(text);
  return { file, world: worldFromFile(file, opts) };
}
