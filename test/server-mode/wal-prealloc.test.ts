// The WAL's preallocated segments, file by file (no server): zeros written
// ahead of the log end it, a record cut short by a crash ends in those zeros
// and is repaired, a corrupt record with more log after it stays fatal, and
// a reopened WAL appends after its last record, not at the end of the file.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Entry } from '../../src/engine/raft/types.ts';
import { MemoryDisk } from '../../src/engine/storage/disk.ts';
import { type MemberPaths, listSegments, memberPaths } from '../../src/server/persist/files.ts';
import { entriesRecord, logEnd } from '../../src/server/persist/records.ts';
import { PersistError, type RecoverLog, recoverMember } from '../../src/server/persist/recover.ts';
import { MemberWal, PREALLOC } from '../../src/server/persist/wal.ts';
import { tempDir } from './harness.ts';

const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));

const META = { nodeId: '8e9e05c52164694d', clusterId: 'cdf818194e3a8c32', name: 'default' };

function entry(index: number, size = 20): Entry {
  return { term: 1, index, type: 'EntryNormal', data: new Uint8Array(size).fill(index) };
}

/** A member's WAL holding entries 1..n, closed; its paths and its one segment. */
function walWith(n: number, size?: number): { paths: MemberPaths; seg: string } {
  const d = tempDir('wal-prealloc-');
  dirs.push(d);
  const paths = memberPaths(join(d.path, 'd'));
  const w = MemberWal.create(paths, new MemoryDisk(META.nodeId), META);
  for (let i = 1; i <= n; i++) {
    w.entries([entry(i, size)]);
    w.sync();
  }
  w.close();
  return { paths, seg: join(paths.wal, listSegments(paths.wal).segments[0]!.name) };
}

function recover(paths: MemberPaths): { indexes: number[]; lines: string[] } {
  const lines: string[] = [];
  const log: RecoverLog = (l, p, t) => lines.push(`${l} | ${p}: ${t}`);
  const r = recoverMember(paths, log);
  return { indexes: r.image.entries.map((e) => e.index), lines };
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** Writes bytes at offset of file, leaving the rest of it as it is. */
function writeAt(file: string, offset: number, bytes: Uint8Array): void {
  const b = readFileSync(file);
  b.set(bytes, offset);
  writeFileSync(file, b);
}

describe('preallocated WAL segments', () => {
  it('are zero-filled ahead of the log, and the zeros read as the end of the log, not a torn tail', () => {
    const { paths, seg } = walWith(5);
    const buf = readFileSync(seg);
    const { end, tail } = logEnd(buf);
    expect(tail).toBe('end');
    expect(buf.length - end).toBeGreaterThanOrEqual(PREALLOC);
    const r = recover(paths);
    expect(r.indexes).toEqual(range(1, 5));
    expect(r.lines.filter((l) => l.includes('repair'))).toEqual([]);
    expect(existsSync(`${seg}.broken`)).toBe(false);
    expect(statSync(seg).size).toBe(buf.length);
  });

  it('repair a record cut short into the zeros, keeping the records before it', () => {
    const { paths, seg } = walWith(5);
    const { end } = logEnd(readFileSync(seg));
    // Entry 6's first 600 bytes reached the disk, the rest of it did not.
    const rec = entriesRecord([entry(6, 1000)]);
    writeAt(seg, end, rec.subarray(0, 600));
    const r = recover(paths);
    expect(r.indexes).toEqual(range(1, 5));
    expect(r.lines).toEqual([`N | wal: repairing ${seg}`, 'I | etcdserver: repaired WAL error (unexpected EOF)']);
    expect(existsSync(`${seg}.broken`)).toBe(true);
    expect(statSync(seg).size).toBe(end);
  });

  it('repair a header cut short (length written, its complement not)', () => {
    const { paths, seg } = walWith(3);
    const { end } = logEnd(readFileSync(seg));
    writeAt(seg, end, entriesRecord([entry(4)]).subarray(0, 4));
    const r = recover(paths);
    expect(r.indexes).toEqual(range(1, 3));
    expect(r.lines).toContain('I | etcdserver: repaired WAL error (unexpected EOF)');
  });

  it('cut off data past the zeros that end the log (writes never synced) as a repair', () => {
    const { paths, seg } = walWith(3);
    const { end } = logEnd(readFileSync(seg));
    writeAt(seg, end + 4096, entriesRecord([entry(9)]));
    const r = recover(paths);
    expect(r.indexes).toEqual(range(1, 3));
    expect(r.lines).toContain(`N | wal: repairing ${seg}`);
    expect(statSync(seg).size).toBe(end);
  });

  it('still refuse a corrupt record with more records after it', () => {
    const { paths, seg } = walWith(5);
    const buf = readFileSync(seg);
    const { end } = logEnd(buf);
    const at = Math.floor(end / 2);
    writeAt(seg, at, Buffer.from([buf[at]! ^ 0xff]));
    expect(() => recover(paths)).toThrow(new PersistError('walpb: crc mismatch'));
    expect(existsSync(`${seg}.broken`)).toBe(false);
  });

  it('refuse a changed byte in the last whole record: a torn write leaves a part unwritten, a flipped bit does not', () => {
    const { paths, seg } = walWith(5, 100);
    const buf = readFileSync(seg);
    const { end } = logEnd(buf);
    writeAt(seg, end - 40, Buffer.from([buf[end - 40]! ^ 0x01]));
    expect(() => recover(paths)).toThrow(new PersistError('walpb: crc mismatch'));
  });

  it('reopen after the last record, not at the end of the file; a second recovery sees old and new records', () => {
    const { paths, seg } = walWith(5);
    const first = recover(paths);
    expect(first.indexes).toEqual(range(1, 5));
    const { end } = logEnd(readFileSync(seg));
    const disk = MemoryDisk.import(recoverMember(paths, () => {}).image);
    const w = MemberWal.reopen(paths, disk, META);
    for (let i = 6; i <= 8; i++) w.entries([entry(i)]);
    w.sync();
    w.close();
    const buf = readFileSync(seg);
    const after = logEnd(buf);
    expect(after.tail).toBe('end');
    expect(after.end).toBe(end + 3 * entriesRecord([entry(6)]).length);
    expect(buf.length - after.end).toBeGreaterThanOrEqual(PREALLOC);
    const second = recover(paths);
    expect(second.indexes).toEqual(range(1, 8));
    expect(second.lines.filter((l) => l.includes('repair'))).toEqual([]);
  });

  it('grow by PREALLOC as the log nears the end of the zeros, each byte of the log recovered', () => {
    const { paths, seg } = walWith(2 * Math.ceil(PREALLOC / 1000), 1100);
    const buf = readFileSync(seg);
    const { end, tail } = logEnd(buf);
    expect(tail).toBe('end');
    expect(end).toBeGreaterThan(2 * PREALLOC);
    expect(buf.length % PREALLOC).toBe(0);
    expect(buf.length - end).toBeGreaterThanOrEqual(PREALLOC);
    expect(buf.length - end).toBeLessThanOrEqual(2 * PREALLOC);
    expect(recover(paths).indexes).toHaveLength(2 * Math.ceil(PREALLOC / 1000));
  });

  it('count the log, not the zeros, against the segment size', () => {
    const d = tempDir('wal-prealloc-');
    dirs.push(d);
    const paths = memberPaths(join(d.path, 'd'));
    const w = MemberWal.create(paths, new MemoryDisk(META.nodeId), META, 64 * 1024);
    w.entries([entry(1)]);
    w.compacted();
    w.close();
    expect(listSegments(paths.wal).segments.map((s) => s.seq)).toEqual([0]);
  });
});

describe('one write per Ready', () => {
  it("a Ready's records reach the file together at flush, before the host sends; a sync flushes too", () => {
    const d = tempDir('wal-flush-');
    dirs.push(d);
    const paths = memberPaths(join(d.path, 'd'));
    const w = MemberWal.create(paths, new MemoryDisk(META.nodeId), META);
    const seg = join(paths.wal, listSegments(paths.wal).segments[0]!.name);
    const logBytes = (): number => logEnd(readFileSync(seg)).end;
    const start = logBytes();
    // One Ready: a hard state and its entries.
    w.hardState({ term: 1, vote: META.nodeId, commit: 0 });
    w.entries([entry(1), entry(2)]);
    expect(logBytes()).toBe(start); // gathered, not written yet
    w.flush();
    const afterFirst = logBytes();
    expect(afterFirst).toBeGreaterThan(start);
    expect(w.stats.records).toBe(2);
    // Records written outside a Ready (a snapshot's marker, say) go at the next sync at the latest.
    w.entries([entry(3)]);
    expect(logBytes()).toBe(afterFirst);
    w.sync();
    expect(logBytes()).toBeGreaterThan(afterFirst);
    w.close();
    expect(recover(paths).indexes).toEqual([1, 2, 3]);
  });
});
