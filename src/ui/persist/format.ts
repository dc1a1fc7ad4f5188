// The stored format of a saved playground: one IndexedDB object store of
// records, written by whole transactions so the records always show the
// playground at one instant.
//
//   meta        MetaRecord: format version, the cluster's state without disks
//               (settings, virtual time, members, node lives), the network's
//               fault settings, and the stamp every other record must carry
//   log/<id>    a member's raft hard state and log (changes with every write)
//   snap/<id>   its latest raft snapshot (changes every snapshot-count entries)
//   kv/<id>     its state machine's key/value area
//   fs          the virtual file system (snapshot files and the like)
//
// Splitting a disk in three keeps a save small: a put rewrites the logs, not
// the snapshots. A part whose stamp disagrees with meta's is from another
// save (a torn store): the load refuses it rather than start from a mix.
import type { ClusterState } from '../../engine/cluster/image.ts';
import { NO_FAULTS, type NetworkImage } from '../../engine/cluster/playground-file.ts';
import type { DiskImage, DiskStamp } from '../../engine/storage/disk.ts';

/** Bump when the records change shape; add the upgrade from the old version to MIGRATIONS. */
export const FORMAT_VERSION = 2;
export const APP = 'etcd-playground';
export const META = 'meta';
export const FS = 'fs';

export const logKey = (id: string) => `log/${id}`;
export const snapKey = (id: string) => `snap/${id}`;
export const kvKey = (id: string) => `kv/${id}`;

export interface MetaRecord {
  app: typeof APP;
  format: number;
  /** Wall-clock ms of the save, for messages only. */
  savedAt: number;
  state: ClusterState;
  /** Latency, drop rate, link overrides, partition and cuts (format 2 on). */
  network: NetworkImage;
  /** Every other record's key and the stamp it must carry. */
  parts: Record<string, string>;
}

export interface LogPart {
  stamp: string;
  nodeId: string;
  hardState: DiskImage['hardState'];
  logOffset: DiskImage['logOffset'];
  entries: DiskImage['entries'];
}

export interface SnapPart {
  stamp: string;
  snapshot: DiskImage['snapshot'];
}

export interface KvPart {
  stamp: string;
  kv: DiskImage['kv'];
}

export interface FsPart {
  stamp: string;
  files: [string, Uint8Array][];
}

/** All records of a store by key. */
export type Records = Map<string, unknown>;

/** Rewrites the records of one format version into the next one's. */
export type Migration = (records: Records) => Records;

/** Upgrades by the version they start from: MIGRATIONS[1] turns format 1 into 2, and so on. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  // Format 2 saves the network's faults; a format 1 save had none.
  1: (records) => {
    const out = new Map(records);
    out.set(META, { ...(records.get(META) as object), format: 2, network: NO_FAULTS });
    return out;
  },
};

/** A saved playground that cannot be loaded; the message is for people. */
export class SavedStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SavedStateError';
  }
}

/** Brings records of an older format up to FORMAT_VERSION (or target); refuses newer or unknown ones. */
export function migrate(records: Records, migrations: Readonly<Record<number, Migration>> = MIGRATIONS, target = FORMAT_VERSION): Records {
  const meta = records.get(META) as Partial<MetaRecord> | undefined;
  if (typeof meta !== 'object' || meta === null || meta.app !== APP) throw new SavedStateError('the saved playground has no valid header');
  let v = meta.format;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new SavedStateError(`the saved playground has an unknown format (${String(v)})`);
  if (v > target) {
    throw new SavedStateError(`the saved playground was written by a newer version of this page (format ${v}; this page reads up to ${target})`);
  }
  let out = records;
  while (v < target) {
    const up = migrations[v];
    if (!up) throw new SavedStateError(`no upgrade from saved format ${v} to ${v + 1}`);
    out = up(out);
    const m = out.get(META) as Partial<MetaRecord> | undefined;
    if (m?.format !== v + 1) throw new SavedStateError(`the upgrade from saved format ${v} did not produce format ${v + 1}`);
    v++;
  }
  return out;
}

/** A stamp as one string per part. */
export function partStamps(s: DiskStamp): { log: string; snap: string; kv: string } {
  return { log: s.log, snap: s.snapshot, kv: String(s.kv) };
}

export function splitDisk(img: DiskImage, s: DiskStamp): { log: LogPart; snap: SnapPart; kv: KvPart } {
  const p = partStamps(s);
  return {
    log: { stamp: p.log, nodeId: img.nodeId, hardState: img.hardState, logOffset: img.logOffset, entries: img.entries },
    snap: { stamp: p.snap, snapshot: img.snapshot },
    kv: { stamp: p.kv, kv: img.kv },
  };
}

/** Reassembles a member's disk image from its three records (checked by the caller, as a DiskImage). */
export function joinDisk(id: string, records: Records, parts: Record<string, string>): DiskImage {
  const get = <T extends { stamp: string }>(key: string): T => {
    const r = records.get(key) as T | undefined;
    if (typeof r !== 'object' || r === null) throw new SavedStateError(`the saved playground is incomplete: record ${key} is missing`);
    if (r.stamp !== parts[key]) throw new SavedStateError(`the saved playground is torn: record ${key} is from another save`);
    return r;
  };
  const log = get<LogPart>(logKey(id));
  const snap = get<SnapPart>(snapKey(id));
  const kv = get<KvPart>(kvKey(id));
  return { version: 1, nodeId: log.nodeId, hardState: log.hardState, snapshot: snap.snapshot, logOffset: log.logOffset, entries: log.entries, kv: kv.kv };
}
