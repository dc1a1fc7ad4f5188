// The files of a member's data dir, laid out like etcd's:
//
//   <data-dir>/member/wal/<seq>-<index>.wal   write-ahead log segments (%016x-%016x)
//   <data-dir>/member/snap/<term>-<index>.snap raft snapshots (%016x-%016x)
//   <data-dir>/member/snap/db                 the state machine's key/value area
//   <data-dir>/member/cluster.json            the playground's cluster record (see datadir.ts)
//
// and the small file operations they need: whole files are replaced
// atomically (temp file, fsync, rename, fsync of the directory), so a crash
// leaves the old or the new file, never half of one.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface MemberPaths {
  dataDir: string;
  member: string;
  wal: string;
  snap: string;
  db: string;
  cluster: string;
}

export function memberPaths(dataDir: string): MemberPaths {
  const member = join(dataDir, 'member');
  return {
    dataDir,
    member,
    wal: join(member, 'wal'),
    snap: join(member, 'snap'),
    db: join(member, 'snap', 'db'),
    cluster: join(member, 'cluster.json'),
  };
}

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');

export function segmentName(seq: number, index: number): string {
  return `${hex16(seq)}-${hex16(index)}.wal`;
}

export function snapName(term: number, index: number): string {
  return `${hex16(term)}-${hex16(index)}.snap`;
}

const SEGMENT = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

/** The WAL segments in dir, oldest first, and the other files etcd would warn about. */
export function listSegments(dir: string): { segments: { name: string; seq: number }[]; ignored: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { segments: [], ignored: [] };
  }
  const segments: { name: string; seq: number }[] = [];
  const ignored: string[] = [];
  for (const n of names.sort()) {
    const m = SEGMENT.exec(n);
    if (m) segments.push({ name: n, seq: parseInt(m[1]!, 16) });
    else if (!n.endsWith('.tmp')) ignored.push(n);
  }
  return { segments, ignored };
}

/** fsync of a directory, so a rename or a new file in it survives a power cut. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces path with data and pad bytes of zeros after it, atomically and durably. */
export function replaceFile(dir: string, path: string, data: Uint8Array, pad = 0): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeAll(fd, data);
    writeZeros(fd, data.length, pad);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dir);
}

/** All of data at position (or at the file offset, when there is none). */
export function writeAll(fd: number, data: Uint8Array, position?: number): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off, position === undefined ? null : position + off);
}

const ZEROS = Buffer.alloc(1 << 20);

/** n bytes of zeros at position: written, not a hole, so later writes there change no metadata. */
export function writeZeros(fd: number, position: number, n: number): void {
  for (let off = 0; off < n; ) {
    const k = Math.min(ZEROS.length, n - off);
    writeAll(fd, ZEROS.subarray(0, k), position + off);
    off += k;
  }
}
