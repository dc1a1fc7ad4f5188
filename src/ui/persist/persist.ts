// Saving the playground to IndexedDB as it runs, and loading it back.
//
// Write-behind: the simulation never waits for storage. Each frame (or
// whenever tick() is called) the saver compares every disk part's stamp with
// what it last wrote; if something changed it writes just those records plus
// the header, in one transaction, so the store always holds one consistent
// instant of the cluster, like disks after a power cut. At most one write is
// in flight; changes made meanwhile go in the next one, so a busy cluster
// coalesces many Ready's into one save and memory stays bounded (nothing is
// queued: a save reads the live disks). Idle, it writes nothing but the
// header, once a virtual second at most. When the page replaces its world
// (a rebuild with other settings), the next save replaces the whole store
// in one transaction.
//
// DOM-free (only IndexedDB through idb-keyval), so Node tests run it over
// fake-indexeddb.
import { type UseStore, clear, createStore, entries, promisifyRequest } from 'idb-keyval';
import { restoreOptions } from '../../engine/cluster/cluster.ts';
import { type ClusterImage, checkClusterState } from '../../engine/cluster/image.ts';
import { checkNetworkImage } from '../../engine/cluster/playground-file.ts';
import { applyPlaygroundState, captureNetwork } from '../../engine/cluster/playground-state.ts';
import { EtcdCluster } from '../../engine/server/etcd-cluster.ts';
import { World } from '../../terminal/core/world.ts';
import {
  APP,
  FORMAT_VERSION,
  FS,
  type FsPart,
  META,
  type MetaRecord,
  type Migration,
  type Records,
  SavedStateError,
  joinDisk,
  kvKey,
  logKey,
  migrate,
  partStamps,
  snapKey,
  splitDisk,
} from './format.ts';

export const DB_NAME = 'etcd-playground';
export const STORE_NAME = 'state';

/** The playground's store (one database, one object store). */
export function openStore(dbName = DB_NAME): UseStore {
  return createStore(dbName, STORE_NAME);
}

/** Forgets the saved playground. */
export function clearSaved(store: UseStore): Promise<void> {
  return clear(store);
}

export interface SaveStats {
  /** Transactions committed. */
  saves: number;
  /** Records written, over all saves. */
  records: number;
  /** Approximate bytes handed to IndexedDB by the last save and by all of them. */
  lastBytes: number;
  totalBytes: number;
  /** Time to collect the changes (on the main thread, in the frame) of the last save and the worst one, ms. */
  lastCollectMs: number;
  maxCollectMs: number;
  /** Time from starting a save to its commit, ms (mostly off the main thread). */
  lastCommitMs: number;
  failures: number;
  lastError?: string;
}

export interface PersisterOptions {
  /** Least wall-clock time between two saves (default 50 ms). */
  minIntervalMs?: number;
  /** The header is rewritten when only time moved, once this much virtual time passed (default 1000 ms). */
  timeStepMs?: number;
  /** The wall clock (default performance.now or Date.now). */
  clock?: () => number;
}

/** Rough size of a record as stored: strings by length, byte arrays by size. */
function approxBytes(v: unknown): number {
  let bytes = 0;
  const s = JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Uint8Array) {
      bytes += x.byteLength;
      return 0;
    }
    return x;
  });
  return bytes + (s?.length ?? 0);
}

const wallClock = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export class Persister {
  readonly stats: SaveStats = { saves: 0, records: 0, lastBytes: 0, totalBytes: 0, lastCollectMs: 0, maxCollectMs: 0, lastCommitMs: 0, failures: 0 };
  /** Stamp of each record as last committed. */
  private written = new Map<string, string>();
  private metaTime = -Infinity;
  /** Node lives and network faults as last committed: a change rewrites the header at once. */
  private metaSig = '';
  private inflight: Promise<void> | undefined;
  private lastStart = -Infinity;
  private stopped = false;
  private readonly fileIds = new WeakMap<Uint8Array, number>();
  private nextFileId = 1;
  private readonly minIntervalMs: number;
  private readonly timeStepMs: number;
  private readonly clock: () => number;

  private readonly current: () => World;
  /** The world the store holds (undefined: none yet, the next save replaces everything). */
  private savedWorld: World | undefined;

  /** world: the world to save, or a getter for the page's current one (which may be replaced). */
  constructor(
    world: World | (() => World),
    private readonly store: UseStore,
    opts: PersisterOptions = {},
  ) {
    this.current = typeof world === 'function' ? world : () => world;
    this.minIntervalMs = opts.minIntervalMs ?? 50;
    this.timeStepMs = opts.timeStepMs ?? 1000;
    this.clock = opts.clock ?? wallClock;
  }

  /** Whether a save is being written now. */
  get busy(): boolean {
    return this.inflight !== undefined;
  }

  /** The frame hook: starts a save if something changed, none is in flight and the last one is not too recent. */
  tick(): void {
    if (this.stopped || this.inflight || this.clock() - this.lastStart < this.minIntervalMs) return;
    void this.save();
  }

  /** Saves now (after the save in flight, if any); resolves once committed. */
  async save(): Promise<void> {
    while (this.inflight) await this.inflight;
    if (this.stopped) return;
    const t0 = this.clock();
    const batch = this.collect();
    if (!batch) return;
    const t1 = this.clock();
    this.lastStart = t1;
    this.stats.lastCollectMs = t1 - t0;
    this.stats.maxCollectMs = Math.max(this.stats.maxCollectMs, t1 - t0);
    this.inflight = this.write(batch.records, batch.replace)
      .then(() => {
        if (batch.replace) this.written.clear();
        this.savedWorld = batch.world;
        for (const [k, v] of batch.stamps) this.written.set(k, v);
        this.metaTime = batch.time;
        this.metaSig = batch.sig;
        this.stats.saves++;
        this.stats.records += batch.records.length;
        this.stats.lastBytes = batch.bytes;
        this.stats.totalBytes += batch.bytes;
        this.stats.lastCommitMs = this.clock() - t1;
      })
      .catch((e: unknown) => {
        // Nothing was written (a transaction is all or nothing): the next save retries the same changes.
        this.stats.failures++;
        this.stats.lastError = e instanceof Error ? e.message : String(e);
      })
      .finally(() => (this.inflight = undefined));
    await this.inflight;
  }

  /** Waits for the write in flight, then writes whatever changed since (header included). */
  async flush(): Promise<void> {
    this.metaTime = -Infinity;
    await this.save();
  }

  /** No more saves (before clearing the store, so nothing writes it back). */
  stop(): void {
    this.stopped = true;
  }

  /** Waits for the write in flight, if any. */
  async idle(): Promise<void> {
    while (this.inflight) await this.inflight;
  }

  /** One transaction: put the records (after clearing the store, if replace). */
  private write(records: [string, unknown][], replace: boolean): Promise<void> {
    return this.store('readwrite', (os) => {
      if (replace) os.clear();
      for (const [k, v] of records) os.put(v, k);
      return promisifyRequest(os.transaction);
    });
  }

  /** The records that changed since the last committed save, or undefined if none did. */
  private collect():
    | { records: [string, unknown][]; stamps: [string, string][]; bytes: number; time: number; world: World; replace: boolean; sig: string }
    | undefined {
    const world = this.current();
    const replace = world !== this.savedWorld;
    if (replace) {
      this.written.clear();
      this.metaTime = -Infinity;
    }
    const cluster = world.etcd.cluster;
    const records: [string, unknown][] = [];
    const stamps: [string, string][] = [];
    const parts: Record<string, string> = {};
    let bytes = 0;
    const put = (key: string, stamp: string, value: unknown) => {
      records.push([key, value]);
      stamps.push([key, stamp]);
      bytes += approxBytes(value);
    };
    for (const node of cluster.nodes.values()) {
      const st = node.disk.stamp();
      const p = partStamps(st);
      const keys = { log: logKey(node.id), snap: snapKey(node.id), kv: kvKey(node.id) };
      parts[keys.log] = p.log;
      parts[keys.snap] = p.snap;
      parts[keys.kv] = p.kv;
      const changed = (['log', 'snap', 'kv'] as const).filter((k) => this.written.get(keys[k]) !== p[k]);
      if (changed.length === 0) continue;
      const split = splitDisk(node.disk.export(), st);
      for (const k of changed) put(keys[k], p[k], split[k]);
    }
    const fs = world.fs;
    const files = fs.list().map((path): [string, Uint8Array] => [path, fs.readFile(path)!]);
    const fsStamp = files.map(([path, data]) => `${path}#${this.fileId(data)}`).join('\n');
    parts[FS] = fsStamp;
    if (this.written.get(FS) !== fsStamp) put(FS, fsStamp, { stamp: fsStamp, files } satisfies FsPart);

    const time = cluster.now();
    const state = cluster.exportState();
    const network = captureNetwork(cluster);
    // A pause, a crash or a new fault shows in no disk: compare them by hand.
    const sig = JSON.stringify([state.nodes, network]);
    if (records.length === 0 && time - this.metaTime < this.timeStepMs && sig === this.metaSig) return undefined;
    const meta: MetaRecord = { app: APP, format: FORMAT_VERSION, savedAt: Date.now(), state, network, parts };
    records.push([META, meta]);
    bytes += approxBytes(meta);
    return { records, stamps, bytes, time, world, replace, sig };
  }

  private fileId(b: Uint8Array): number {
    let id = this.fileIds.get(b);
    if (id === undefined) this.fileIds.set(b, (id = this.nextFileId++));
    return id;
  }
}

export type LoadResult =
  | { kind: 'empty' }
  | { kind: 'restored'; world: World; savedAt: number; image: ClusterImage }
  | { kind: 'failed'; reason: string };

export interface LoadOptions {
  /** The restored cluster's trace ring buffer (default 1000, the page's). */
  traceCapacity?: number;
  migrations?: Readonly<Record<number, Migration>>;
}

/**
 * Loads the saved playground: a World whose cluster restarts from the saved
 * disks. Never throws for bad data: a store it cannot use gives kind
 * 'failed' with the reason, for the page to say so and start fresh.
 */
export async function loadWorld(store: UseStore, opts: LoadOptions = {}): Promise<LoadResult> {
  let records: Records;
  try {
    records = new Map(await entries<string, unknown>(store));
  } catch (e) {
    return { kind: 'failed', reason: `the browser's storage could not be read (${e instanceof Error ? e.message : String(e)})` };
  }
  if (records.size === 0) return { kind: 'empty' };
  try {
    return restoreRecords(records, opts);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { kind: 'failed', reason: e instanceof SavedStateError ? msg : `the saved playground is damaged (${msg})` };
  }
}

/** The world in a set of records; throws (SavedStateError or the engine's checks) on anything wrong. */
export function restoreRecords(raw: Records, opts: LoadOptions = {}): LoadResult {
  const records = migrate(raw, opts.migrations);
  const meta = records.get(META) as MetaRecord;
  if (typeof meta.parts !== 'object' || meta.parts === null) throw new SavedStateError('the saved playground has no record list');
  checkClusterState(meta.state);
  const state = meta.state;
  const image: ClusterImage = { ...state, disks: state.nodes.map((n) => joinDisk(n.id, records, meta.parts)) };
  checkNetworkImage(meta.network, new Set(state.nodes.map((n) => n.id)));
  const etcd = new EtcdCluster({ ...restoreOptions(image), traceCapacity: opts.traceCapacity ?? 1000 });
  applyPlaygroundState(etcd.cluster, meta.network, image);
  const world = new World(etcd);
  const fs = records.get(FS) as FsPart | undefined;
  if (fs !== undefined) {
    if (fs.stamp !== meta.parts[FS] || !Array.isArray(fs.files)) throw new SavedStateError('the saved playground is torn: its files are from another save');
    for (const [path, data] of fs.files) {
      if (typeof path !== 'string' || !(data instanceof Uint8Array)) throw new SavedStateError('the saved playground has a damaged file record');
      world.fs.writeFile(path, data);
    }
  }
  return { kind: 'restored', world, savedAt: meta.savedAt, image };
}
