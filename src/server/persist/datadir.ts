// --data-dir: every member's disk in files, so `serve` restarted on the same
// data dirs (after a clean stop or a kill -9) comes back as the same
// cluster with every acknowledged write.
//
// Where: one member keeps etcd's layout in --data-dir (default NAME.etcd,
// so default.etcd); with several members (all in this one process) each has
// NAME.etcd inside --data-dir (default: the working directory). Members
// added at runtime get NAME.etcd beside the others.
//
// What: each member's WAL, snap files and key/value area (wal.ts), plus
// member/cluster.json, the playground's record of what etcd keeps in each
// member's backend and WAL metadata: the cluster ID, the member list and
// which members run. As in etcd, a data dir that holds a WAL wins over the
// command line's --initial-cluster: the cluster restarts from its disks
// (engine/cluster's image restore: each member replays its log from its
// last snapshot), only timing flags (heartbeat, election, snapshot count,
// pre-vote) and client URLs come from the new command line.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Cluster } from '../../engine/cluster/cluster.ts';
import { type ClusterImage, type ClusterState, checkClusterState } from '../../engine/cluster/image.ts';
import type { NodeId } from '../../engine/raft/types.ts';
import { type DiskImage, MemoryDisk } from '../../engine/storage/disk.ts';
import type { ServeConfig } from '../flags.ts';
import { type MemberPaths, memberPaths, replaceFile } from './files.ts';
import { PersistError, type RecoverLog, hasWal, recoverMember } from './recover.ts';
import { ParallelSync } from './parallel-sync.ts';
import { MemberWal, type WalStats } from './wal.ts';

export type Logger = (level: 'N' | 'I' | 'W', pkg: string, text: string, member?: string) => void;

/** Where each member's data dir is, by member name. */
export function dataDirOf(cfg: ServeConfig): (name: string) => string {
  const first = cfg.members[0]!.name;
  if (cfg.members.length === 1) {
    const own = cfg.dataDir ?? `${first}.etcd`;
    return (name) => (name === first ? own : join(dirname(own), `${name}.etcd`));
  }
  const root = cfg.dataDir ?? '.';
  return (name) => join(root, `${name}.etcd`);
}

/** A member's name as a directory name (a member added at runtime may have none yet). */
const dirName = (n: { id: NodeId; name: string }): string => n.name || n.id;

/**
 * The cluster image the data dirs hold, or undefined if the first member's
 * data dir has no WAL (a new cluster). Throws a PersistError on damage.
 */
export function loadDataDirs(cfg: ServeConfig, log: Logger): ClusterImage | undefined {
  const dirOf = dataDirOf(cfg);
  const firstName = cfg.members[0]!.name;
  const first = memberPaths(dirOf(firstName));
  if (!hasWal(first)) return undefined;
  log('N', 'etcdmain', 'the server is already initialized as member before, starting as etcd member...', firstName);
  if (!existsSync(first.cluster)) throw new PersistError(`cannot read cluster record ${first.cluster}: file not found`);
  const state: unknown = JSON.parse(readFileSync(first.cluster, 'utf8'));
  checkClusterState(state);
  const disks: DiskImage[] = state.nodes.map((rec) => {
    const paths = memberPaths(dirOf(dirName(rec)));
    if (!hasWal(paths)) return MemoryDisk.import(emptyImage(rec.id)).export();
    const recLog: RecoverLog = (l, p, t) => log(l, p, t, rec.name);
    const r = recoverMember(paths, recLog);
    if (r.meta.nodeId !== rec.id) throw new PersistError(`member ${rec.id} has the data dir of member ${r.meta.nodeId} (${paths.dataDir})`);
    return r.image;
  });
  const settings = {
    ...state.settings,
    heartbeatInterval: cfg.heartbeatInterval,
    electionTimeout: cfg.electionTimeout,
    snapshotCount: cfg.snapshotCount,
    preVote: cfg.preVote,
    // Request IDs mix in the start time: this run's, as in etcd, with unixNow() on the wall clock.
    startUnix: Math.floor(Date.now() / 1000) - Math.floor(state.now / 1000),
  };
  return { ...state, settings, disks };
}

function emptyImage(nodeId: NodeId): DiskImage {
  return {
    version: 1,
    nodeId,
    hardState: { term: 0, vote: '0', commit: 0 },
    snapshot: { data: '', index: 0, term: 0, confState: { voters: [], learners: [] } },
    logOffset: { index: 0, term: 0 },
    entries: [],
    kv: {},
  };
}

/** What of the cluster record can change at run time, as one string. */
function stateSignature(c: Cluster): string {
  let sig = `${c.peekIndex()}/`;
  for (const id of c.removed) sig += `${id},`;
  sig += '/';
  for (const m of c.members.values()) sig += `${m.id}|${m.name}|${m.peerURLs.join(' ')}|${m.clientURLs.join(' ')}|${m.isLearner};`;
  for (const n of c.nodes.values()) sig += `${n.id}|${n.name}|${n.life}|${n.epoch};`;
  return sig;
}

/** The live side: one WAL writer per member, and the cluster record kept current. */
export class Persistence {
  private readonly wals = new Map<NodeId, { wal: MemberWal; paths: MemberPaths }>();
  private lastState = '';
  private readonly syncer = new ParallelSync();
  private readonly dirOf: (name: string) => string;

  constructor(
    private readonly c: Cluster,
    cfg: ServeConfig,
    /** The cluster came from the data dirs: append to their WALs instead of starting new ones. */
    private readonly restored: boolean,
  ) {
    this.dirOf = dataDirOf(cfg);
    this.attachNew();
    this.saveState();
  }

  /** Every member without a WAL writer gets one (members added at runtime too). */
  private attachNew(): void {
    if (this.wals.size === this.c.nodes.size) return;
    for (const n of this.c.nodes.values()) {
      if (this.wals.has(n.id)) continue;
      if (!(n.disk instanceof MemoryDisk)) throw new Error(`member ${n.id}: disk cannot be persisted`);
      const paths = memberPaths(this.dirOf(dirName(n)));
      const meta = { nodeId: n.id, clusterId: this.c.clusterId(), name: n.name };
      const wal = this.restored && hasWal(paths) ? MemberWal.reopen(paths, n.disk, meta) : MemberWal.create(paths, n.disk, meta);
      if (!n.disk.observe(wal)) throw new Error(`member ${n.id}: disk cannot report its writes`);
      this.wals.set(n.id, { wal, paths });
    }
  }

  /**
   * Makes everything the members wrote durable: one fdatasync per member
   * that wrote since the last barrier. The server runs it after every turn
   * of the simulation, before any reply leaves the process.
   */
  barrier(): void {
    this.attachNew();
    const dirty = [...this.wals.values()].map(({ wal }) => ({ wal, fd: wal.unsyncedFd() })).filter((d) => d.fd !== undefined);
    // Several members' WALs are synced side by side, as several etcd processes would.
    this.syncer.syncAll(dirty.map((d) => d.fd!));
    for (const d of dirty) d.wal.markSynced();
    this.saveState();
  }

  /**
   * cluster.json in every member's dir, rewritten when membership or a
   * member's life changes. Compared by a signature of what can change at run
   * time (the settings and cluster ID cannot), read straight from the
   * cluster: it runs at every barrier, where building the whole state
   * (exportState) each time was the barrier's largest JavaScript cost in a
   * CPU profile of one-at-a-time puts.
   */
  private saveState(): void {
    const sig = stateSignature(this.c);
    if (sig === this.lastState) return;
    this.lastState = sig;
    const st: ClusterState = this.c.exportState();
    const data = Buffer.from(JSON.stringify(st, null, 1) + '\n');
    for (const { paths } of this.wals.values()) replaceFile(paths.member, paths.cluster, data);
  }

  stats(): WalStats {
    const s: WalStats = { records: 0, bytes: 0, fsyncs: 0 };
    for (const { wal } of this.wals.values()) {
      s.records += wal.stats.records;
      s.bytes += wal.stats.bytes;
      s.fsyncs += wal.stats.fsyncs;
    }
    return s;
  }

  close(): void {
    this.barrier();
    this.syncer.close();
    for (const { wal } of this.wals.values()) wal.close();
  }
}
