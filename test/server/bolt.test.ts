// Snapshots as bbolt files: the page format round-trips (multi-level trees,
// overflow pages, inline buckets), a real etcd 3.4.23 snapshot loads with the
// figures the real etcdctl printed for it, a member's state survives the trip
// through etcd's buckets, and damaged files are bbolt's errors, never crashes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BoltError, type BoltBucket } from '../../src/engine/mvcc/bolt/format.ts';
import { readBolt } from '../../src/engine/mvcc/bolt/read.ts';
import { writeBolt } from '../../src/engine/mvcc/bolt/write.ts';
import { readMemberDb } from '../../src/engine/server/bolt/member-db.ts';
import { type SnapshotResponse, snapshot } from '../../src/engine/server/maintenance.ts';
import { readSnapshot, restoreCluster } from '../../src/engine/server/snapshot-file.ts';
import { snapshotStatus } from '../../src/engine/server/snapshot-status.ts';
import { decodeAuthState } from '../../src/engine/auth/snapshot.ts';
import { decodeLeases } from '../../src/engine/lease/snapshot.ts';
import { decodeMemberSnapshot } from '../../src/engine/server/snapshot.ts';
import { Prng } from '../../src/engine/util/prng.ts';
import { b, build, call, ready } from './request-helpers.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
/** `etcdctl snapshot save` against etcd 3.4.23: put a 1, b 2, c 3; del b; a lease (TTL 600); user root with role r1 on [k1, k9). */
const REAL = new Uint8Array(readFileSync(new URL('../fixtures/etcd-3.4.23-snapshot.db', import.meta.url)));

function bucket(name: string, n: number, valueBytes: (i: number) => number): BoltBucket {
  const pairs: [Uint8Array, Uint8Array][] = [];
  for (let i = 0; i < n; i++) pairs.push([enc.encode(`${name}/${String(i).padStart(6, '0')}`), new Uint8Array(valueBytes(i)).fill(i & 0xff)]);
  return { name: enc.encode(name), pairs };
}

describe('bbolt files', () => {
  it('round-trip buckets: empty, inline, multi-level trees and values bigger than a page', () => {
    const buckets = [
      bucket('big', 20_000, (i) => 40 + (i % 7)),
      { name: enc.encode('empty'), pairs: [] },
      bucket('huge', 3, (i) => 10_000 * (i + 1)),
      bucket('small', 3, () => 5),
    ];
    const file = writeBolt(buckets, { minPages: 1000 });
    expect(file.length).toBe(1000 * 4096);
    const db = readBolt(file);
    expect(db.size).toBe(file.length);
    expect(db.buckets.map((x) => dec.decode(x.name))).toEqual(['big', 'empty', 'huge', 'small']);
    for (const [i, want] of buckets.entries()) {
      const got = db.buckets[i]!.pairs;
      expect(got.length).toBe(want.pairs.length);
      const same = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((c, n) => c === y[n]);
      const wrong = want.pairs.filter(([k, v], j) => !same(got[j]![0], k) || !same(got[j]![1], v));
      expect(wrong.length).toBe(0);
    }
  });

  it('reads a real etcd 3.4.23 snapshot with the figures the real etcdctl printed for it', () => {
    // etcdctl snapshot status: {"hash":628404560,"revision":5,"totalKey":11,"totalSize":20480}
    expect(snapshotStatus(REAL)).toEqual({ status: { hash: 628404560, revision: 5, totalKey: 11, totalSize: 20480 } });
    const m = readMemberDb(REAL.subarray(0, REAL.length - 32));
    expect(m.members.map((x) => [x.ID, x.name, x.peerURLs])).toEqual([['7d69540730913f95', 'default', ['http://127.0.0.1:24000']]]);
    const img = decodeMemberSnapshot(m.image);
    expect(img.consistentIndex).toBe(13);
    expect(decodeLeases(img.lessor).map((l) => [l.ID, l.TTL])).toEqual([['3f95a1fde6e1ee09', 600]]);
    const auth = decodeAuthState(img.auth);
    expect(auth.users.map((u) => [u.name, u.roles])).toEqual([['root', ['r1']]]);
    expect(auth.roles[0]!.keyPermission.map((p) => [p.permType, dec.decode(p.key), dec.decode(p.rangeEnd)])).toEqual([['READWRITE', 'k1', 'k9']]);
  });

  it('restores a real etcd snapshot into a playground cluster', () => {
    const r = restoreCluster(REAL);
    if ('err' in r) throw new Error(r.err);
    const ec = r.cluster;
    const l = ready(ec);
    const got = call<{ kvs: { key: Uint8Array; value: Uint8Array; modRevision: number }[]; header: { revision: number } }>(ec, (cb) =>
      l.range({ key: b('a'), rangeEnd: b('z') }, cb),
    ).resp!;
    expect(got.kvs.map((kv) => [dec.decode(kv.key), dec.decode(kv.value), kv.modRevision])).toEqual([
      ['a', '1', 2],
      ['c', '3', 4],
    ]);
    expect(got.header.revision).toBe(5);
  });

  it("keeps a member's keys, history, leases, auth and compaction through its db file", () => {
    const ec = build(931, { nodes: 1 });
    const l = ready(ec);
    for (let i = 0; i < 300; i++) call(ec, (cb) => l.put({ key: b(`k${i % 40}`), value: b(`v${i}`.repeat(1 + (i % 9))) }, cb));
    call(ec, (cb) => l.compact({ revision: 100 }, cb));
    call(ec, (cb) => l.leaseGrant({ ID: '7fffffffffffffff', TTL: 3000 }, cb));
    call(ec, (cb) => l.put({ key: b('leased'), value: b('x'), lease: '7fffffffffffffff' }, cb));
    call(ec, (cb) => l.raftRequest('authRoleAdd', { name: 'r' }, cb));
    const blob = call<SnapshotResponse>(ec, (cb) => snapshot(l, cb)).resp!.blob;
    const snap = readSnapshot(blob);
    if ('err' in snap) throw new Error(snap.err);
    const before = decodeMemberSnapshot(l.sm.snapshot());
    const after = decodeMemberSnapshot(snap.image);
    expect(after.kv).toEqual(before.kv);
    expect(decodeLeases(after.lessor)).toEqual(decodeLeases(before.lessor));
    expect(decodeAuthState(after.auth)).toEqual(decodeAuthState(before.auth));
  });

  it('answers damaged files with bbolt errors, never anything else', () => {
    const file = writeBolt([bucket('key', 2000, () => 30), bucket('meta', 1, () => 8)]);
    expect(() => readBolt(file.subarray(0, 100))).toThrow(BoltError);
    expect(() => readBolt(new Uint8Array(8192))).toThrow('invalid database');
    const badSum = file.slice();
    badSum[16 + 20] ^= 1;
    badSum[4096 + 16 + 20] ^= 1;
    expect(() => readBolt(badSum)).toThrow('checksum error');
    const rnd = new Prng(7);
    for (let i = 0; i < 300; i++) {
      const f = file.slice();
      for (let k = 0; k < 4; k++) f[8192 + rnd.int(f.length - 8192)] = rnd.int(256);
      try {
        readBolt(f);
      } catch (e) {
        expect(e).toBeInstanceOf(BoltError);
      }
    }
  });
});
