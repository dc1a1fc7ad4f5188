// `etcdctl snapshot status` over blobs from Maintenance.Snapshot: the figures
// etcd 3.4.23 prints (pairs counted per bucket as a real one keeps them),
// stability across members, and bbolt's errors for what is not a snapshot.
import { describe, expect, it } from 'vitest';
import type { LeaseGrantResponse } from '../../src/engine/lease/types.ts';
import type { MemberAddResponse } from '../../src/engine/api/cluster.ts';
import { memberAdd, memberRemove } from '../../src/engine/server/cluster-api.ts';
import { type SnapshotResponse, snapshot } from '../../src/engine/server/maintenance.ts';
import { decodeMembers, readSnapshot, restoreCluster, snapshotBlob } from '../../src/engine/server/snapshot-file.ts';
import { type SnapshotStatus, snapshotStatus } from '../../src/engine/server/snapshot-status.ts';
import type { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { b, build, call, ready } from './request-helpers.ts';

function statusOf(ec: EtcdCluster, id: string): SnapshotStatus {
  const blob = call<SnapshotResponse>(ec, (cb) => snapshot(ec.get(id), cb)).resp!.blob;
  const st = snapshotStatus(blob);
  if ('err' in st) throw new Error(st.err);
  return st.status;
}

describe('snapshot status', () => {
  it('counts the pairs of every bucket as etcd does: keys, meta, members, cluster, auth, leases, users, roles', () => {
    const ec = build(901, { nodes: 1 });
    const l = ready(ec);
    // A fresh member: consistent index, itself, cluster version, auth revision.
    expect(statusOf(ec, l.id)).toMatchObject({ revision: 0, totalKey: 4 });
    call(ec, (cb) => l.put({ key: b('a'), value: b('1') }, cb));
    call(ec, (cb) => l.put({ key: b('b'), value: b('2') }, cb));
    expect(statusOf(ec, l.id)).toMatchObject({ revision: 3, totalKey: 6 });
    // Compaction leaves its scheduled and finished revisions in meta.
    call(ec, (cb) => l.compact({ revision: 2 }, cb));
    expect(statusOf(ec, l.id)).toMatchObject({ revision: 3, totalKey: 8 });
    call<LeaseGrantResponse>(ec, (cb) => l.leaseGrant({ ID: '0', TTL: 100 }, cb));
    call(ec, (cb) => l.raftRequest('authUserAdd', { name: 'u', password: 'p' }, cb));
    call(ec, (cb) => l.raftRequest('authRoleAdd', { name: 'r' }, cb));
    const st = statusOf(ec, l.id);
    expect(st).toMatchObject({ revision: 3, totalKey: 11, totalSize: l.sm.kv.dbSize });
  });

  it('counts a removed member once in members_removed', () => {
    const ec = build(905, { nodes: 1 });
    const l = ready(ec);
    const before = statusOf(ec, l.id).totalKey;
    const add = call<MemberAddResponse>(ec, (cb) => memberAdd(l, { peerURLs: ['http://127.0.0.1:2480'], isLearner: true }, cb));
    expect(statusOf(ec, l.id).totalKey).toBe(before + 1);
    call(ec, (cb) => memberRemove(l, { ID: add.resp!.member.ID }, cb));
    expect(statusOf(ec, l.id).totalKey).toBe(before + 1);
    const snap = readSnapshot(call<SnapshotResponse>(ec, (cb) => snapshot(l, cb)).resp!.blob);
    expect('removed' in snap && snap.removed).toEqual([add.resp!.member.ID]);
  });

  it('is the same on every member that applied the same entries', () => {
    const ec = build(902);
    const l = ready(ec);
    call(ec, (cb) => l.put({ key: b('a'), value: b('1') }, cb));
    ec.cluster.advance(500);
    const all = ec.ids().map((id) => statusOf(ec, id));
    expect(all[1]!.hash).toBe(all[0]!.hash);
    expect(all[2]).toEqual({ ...all[0]!, totalSize: all[2]!.totalSize });
  });

  it("refuses what is not a snapshot in bbolt's words; ignores the sha256 trailer as etcd does", () => {
    expect(snapshotStatus(new Uint8Array(0), '/tmp/x.db')).toEqual({ err: 'write /tmp/x.db: bad file descriptor' });
    expect(snapshotStatus(new Uint8Array(100).fill(7))).toEqual({ err: 'invalid database' });
    expect(snapshotStatus(new Uint8Array(20000))).toEqual({ err: 'invalid database' });
    const ec = build(903, { nodes: 1 });
    const l = ready(ec);
    const blob = call<SnapshotResponse>(ec, (cb) => snapshot(l, cb)).resp!.blob;
    const bad = blob.slice();
    bad[bad.length - 1]! ^= 0xff;
    expect(snapshotStatus(bad)).toEqual(snapshotStatus(blob));
  });

  it('the member list travels in the blob after the store; blobs without one still restore', () => {
    const ec = build(904);
    const l = ready(ec);
    const blob = call<SnapshotResponse>(ec, (cb) => snapshot(l, cb)).resp!.blob;
    const snap = readSnapshot(blob);
    if ('err' in snap) throw new Error(snap.err);
    expect(snap.members.map((m) => m.name).sort()).toEqual(['etcd0', 'etcd1', 'etcd2']);
    const bare = snapshotBlob(snap.image);
    const r = readSnapshot(bare);
    expect('members' in r && r.members).toEqual([]);
    expect(decodeMembers(bare, bare.length)).toEqual({ members: [], removed: [] });
    expect('cluster' in restoreCluster(bare)).toBe(true);
    expect('cluster' in restoreCluster(blob)).toBe(true);
  });
});
