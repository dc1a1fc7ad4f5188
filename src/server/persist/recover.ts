// Reads a member's data dir back into a disk image: the newest snapshot the
// WAL names, then every entry after it and the last hard state, as etcd's
// wal.ReadAll does. Segments are preallocated (wal.ts): zeros where a
// record would start end the log. A record cut short at the end of the
// last segment (a crash in the middle of a write: the frame runs past the
// file, or fails its checksum with a part never written, and nothing but
// zeros follows it), or data past the zeros that end the log (writes never
// synced), is repaired like etcd's wal.Repair: the segment is kept as
// <name>.broken and truncated to its last whole record (the writer writes
// zeros ahead again when it reopens the segment). Anything else that does
// not check out is fatal, in etcd's words.
import { copyFileSync, existsSync, ftruncateSync, fsyncSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiskImage } from '../../engine/storage/disk.ts';
import type { Entry, HardState, Snapshot } from '../../engine/raft/types.ts';
import { emptySnapshot } from '../../engine/raft/types.ts';
import { toBase64 } from '../../engine/util/bytes.ts';
import { type MemberPaths, listSegments, snapName } from './files.ts';
import {
  REC_ENTRIES,
  REC_KV,
  REC_META,
  REC_SNAPDATA,
  REC_SNAPSHOT,
  REC_STATE,
  type SnapMarker,
  type WalMeta,
  readEntries,
  readFrame,
  readKvFile,
  readMeta,
  readSnapFile,
  readSnapMarker,
  readState,
} from './records.ts';

/** A data dir that cannot be used; the message is what etcd prints before it exits. */
export class PersistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PersistError';
  }
}

export type RecoverLog = (level: 'N' | 'I' | 'W', pkg: string, text: string) => void;

/** Whether dir holds a member's WAL (etcd: "the server is already initialized as member before"). */
export function hasWal(paths: MemberPaths): boolean {
  return listSegments(paths.wal).segments.length > 0;
}

export interface Recovered {
  meta: WalMeta;
  image: DiskImage;
  /** Entries replayed from the WAL (for the log line and the figures). */
  entries: number;
}

export function recoverMember(paths: MemberPaths, log: RecoverLog): Recovered {
  const { segments, ignored } = listSegments(paths.wal);
  for (const n of ignored) log('W', 'wal', `ignored file ${n} in wal`);
  let meta: WalMeta | undefined;
  let hs: HardState = { term: 0, vote: '0', commit: 0 };
  let marker: SnapMarker | undefined;
  let ents: Entry[] = [];
  let base = 0;
  let replayed = 0;

  segments.forEach((seg, i) => {
    const path = join(paths.wal, seg.name);
    const buf = readFileSync(path);
    for (let pos = 0; ; ) {
      const f = readFrame(buf, pos);
      if (f.kind === 'end') break;
      if (f.kind === 'corrupt') throw new PersistError('walpb: crc mismatch');
      if (f.kind === 'torn') {
        if (i !== segments.length - 1) throw new PersistError('read wal error (unexpected EOF) and cannot be repaired');
        repair(path, f.at, log);
        break;
      }
      pos = f.end;
      switch (f.type) {
        case REC_META:
          meta ??= readMeta(f.body);
          break;
        case REC_STATE:
          hs = readState(f.body);
          break;
        case REC_SNAPSHOT: {
          marker = readSnapMarker(f.body);
          base = marker.index;
          // An installed snapshot replaces the log; a local one keeps what follows it.
          ents = marker.applied ? [] : ents.filter((e) => e.index > base);
          break;
        }
        case REC_ENTRIES:
          for (const e of readEntries(f.body)) {
            if (e.index <= base) continue;
            const next = base + ents.length + 1;
            if (e.index > next) throw new PersistError(`wal: missing log entry [last: ${next - 1}, append at: ${e.index}]`);
            // A conflicting suffix was overwritten by a newer leader: keep the newer.
            if (e.index < next) ents.length = e.index - base - 1;
            ents.push(e);
            replayed++;
          }
          break;
        default:
          throw new PersistError(`wal: unexpected record type ${f.type}`);
      }
    }
  });
  if (!meta) throw new PersistError('wal: file not found');
  const snap = marker ? loadSnap(paths, marker) : emptySnapshot();
  const last = base + ents.length;
  // The hard state goes to the file before the Ready's entries: a crash in
  // between can leave a commit past the log. A lower commit is always safe
  // (raft learns it again); raft refuses one outside [snapshot, last].
  const commit = Math.min(Math.max(hs.commit, snap.metadata.index), last);
  const image: DiskImage = {
    version: 1,
    nodeId: meta.nodeId,
    hardState: { term: hs.term, vote: hs.vote, commit },
    snapshot: {
      data: snap.data.length > 0 ? toBase64(snap.data) : '',
      index: snap.metadata.index,
      term: snap.metadata.term,
      confState: snap.metadata.confState,
    },
    logOffset: { index: snap.metadata.index, term: snap.metadata.term },
    entries: ents.map((e) => ({ term: e.term, index: e.index, type: e.type, data: e.data.length > 0 ? toBase64(e.data) : '' })),
    kv: loadKv(paths),
  };
  return { meta, image, entries: replayed };
}

/** etcd's wal.Repair: keep the damaged segment aside, cut it back to its last whole record. */
function repair(path: string, at: number, log: RecoverLog): void {
  log('N', 'wal', `repairing ${path}`);
  copyFileSync(path, `${path}.broken`);
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  log('I', 'etcdserver', 'repaired WAL error (unexpected EOF)');
}

function loadSnap(paths: MemberPaths, m: SnapMarker): Snapshot {
  const path = join(paths.snap, snapName(m.term, m.index));
  if (!existsSync(path)) throw new PersistError('snap: no available snapshot');
  const f = readFrame(readFileSync(path), 0);
  if (f.kind !== 'record' || f.type !== REC_SNAPDATA) throw new PersistError('snap: crc mismatch');
  const s = readSnapFile(f.body);
  return { data: s.data, metadata: { index: s.index, term: s.term, confState: s.confState } };
}

function loadKv(paths: MemberPaths): Record<string, string> {
  if (!existsSync(paths.db)) return {};
  const f = readFrame(readFileSync(paths.db), 0);
  if (f.kind !== 'record' || f.type !== REC_KV) throw new PersistError(`failed to open database at ${paths.db}: invalid database`);
  const out: Record<string, string> = {};
  for (const [k, v] of readKvFile(f.body)) out[k] = toBase64(v);
  return out;
}
