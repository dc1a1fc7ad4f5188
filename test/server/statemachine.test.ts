// The member state machine: entries move the consistent index, entries at or
// below it are skipped (a restart whose stores are ahead of raft's replay
// applies nothing twice), snapshots carry every store, and the backend copy
// on disk is what a restarted member starts from.
import { describe, expect, it } from 'vitest';
import { MemoryDisk } from '../../src/engine/storage/disk.ts';
import type { Entry } from '../../src/engine/raft/types.ts';
import { BACKEND_KEY, CodecError, EtcdStateMachine, decodeMemberSnapshot } from '../../src/engine/server/index.ts';
import { CLUSTER, MEMBER, Member, asUser, b, dump, enableAuth } from './helpers.ts';

/** A workload touching every store: keys, leases with keys, auth, an alarm, a compaction. */
function workload(m: Member): void {
  const root = enableAuth(m);
  m.ok('authUserAdd', { name: 'alice', password: 'pw' }, root);
  m.ok('authRoleAdd', { name: 'rw' }, root);
  m.ok('authRoleGrantPermission', { name: 'rw', perm: { permType: 'READWRITE', key: b('a'), rangeEnd: b('z') } }, root);
  m.ok('authUserGrantRole', { user: 'alice', role: 'rw' }, asUser(m, 'root'));
  const alice = asUser(m, 'alice');
  m.ok('leaseGrant', { ID: '694d7d1e2a2b1c05', TTL: 100 }, alice);
  m.commit(); // a new leader's no-op
  for (let i = 0; i < 10; i++) m.ok('put', { key: b(`k${i}`), value: b(`v${i}`), lease: i % 2 ? '694d7d1e2a2b1c05' : '0' }, alice);
  m.ok('txn', { success: [{ requestPut: { key: b('k1'), value: b('again') } }, { requestDeleteRange: { key: b('k2') } }] }, alice);
  m.ok('compaction', { revision: 5 }, alice);
  m.ok('leaseGrant', { ID: '7', TTL: 30 }, alice);
  m.ok('leaseCheckpoint', { checkpoints: [{ ID: '7', remaining_TTL: 12 }] });
  m.ok('alarm', { action: 'ACTIVATE', memberID: 'abc', alarm: 'NOSPACE' });
  m.ok('deleteRange', { key: b('k3') }, asUser(m, 'alice'));
}

/** What two members must agree on. */
function state(sm: EtcdStateMachine) {
  return {
    ci: sm.consistentIndex,
    rev: sm.kv.rev,
    hash: sm.hashKV(),
    leases: sm.lessor.leases().map((l) => [l.ID, l.TTL, l.remainingTTL, l.keys.length]),
    authRev: sm.auth.revision(),
    alarms: sm.alarms.get('NONE'),
  };
}

describe('EtcdStateMachine', () => {
  it('moves the consistent index on every entry; no-ops and conf changes record nothing', () => {
    const m = new Member();
    m.commit();
    expect(m.sm.consistentIndex).toBe(1);
    m.sm.applyConfChange({ term: 2, index: 2, type: 'EntryConfChange', data: new Uint8Array(0) });
    expect(m.sm.consistentIndex).toBe(2);
    expect(m.sm.results.size).toBe(0);
    m.index = 2;
    m.ok('put', { key: b('a') });
    expect(m.sm.consistentIndex).toBe(3);
  });

  it('skips entries at or below the consistent index', () => {
    const m = new Member();
    m.ok('put', { key: b('a'), value: b('1') });
    const e = m.log[0]!;
    m.sm.apply(e);
    m.sm.apply({ ...e, index: 0 });
    expect(m.rev).toBe(2);
    expect(m.sm.kv.range({ key: b('a') }).kvs[0]!.version).toBe(1);
  });

  it('restored from a snapshot, skips replayed entries it already holds and applies the rest once', () => {
    const m = new Member();
    workload(m);
    const mid = m.index - 6;
    // A member that crashed: its stores were saved at `mid`...
    const ref = new Member();
    for (const e of m.log.slice(0, mid)) ref.sm.apply(e);
    const saved = ref.sm.snapshot();
    expect(decodeMemberSnapshot(saved).consistentIndex).toBe(mid);
    // ...and raft replays the whole log on restart.
    const restarted = new EtcdStateMachine({ nodeId: MEMBER }, { clusterId: CLUSTER });
    restarted.restore(saved);
    for (const e of m.log) restarted.apply(e);
    expect(state(restarted)).toEqual(state(m.sm));
    expect(restarted.snapshot()).toEqual(m.sm.snapshot());
  });

  it('snapshot and restore reproduce every store, byte for byte', () => {
    const m = new Member();
    workload(m);
    const snap = m.sm.snapshot();
    const other = new EtcdStateMachine({ nodeId: MEMBER }, { clusterId: CLUSTER });
    other.restore(snap);
    expect(other.snapshot()).toEqual(snap);
    expect(state(other)).toEqual(state(m.sm));
    // Restored, the NOSPACE alarm caps the full applier stack (at run time it replaced it).
    expect(other.applier.chain).toEqual({ auth: true, quota: true, capped: true, corrupt: false });
    expect(m.sm.applier.chain).toEqual({ auth: false, quota: false, capped: true, corrupt: false });
    expect(other.kv.range({ key: b('k'), rangeEnd: b('l') }).kvs.map((kv) => kv.lease)).toEqual(
      m.sm.kv.range({ key: b('k'), rangeEnd: b('l') }).kvs.map((kv) => kv.lease),
    );
    expect(other.lessor.lookup('694d7d1e2a2b1c05')!.keys).toEqual(m.sm.lessor.lookup('694d7d1e2a2b1c05')!.keys);
    expect(other.auth.userGet({ name: 'alice' })).toEqual({ roles: ['rw'] });
    // Both carry on alike.
    const n = new Member();
    n.sm.restore(snap);
    n.index = m.index;
    for (const x of [m, n]) x.ok('leaseRevoke', { ID: '694d7d1e2a2b1c05' }, asUser(x, 'root'));
    expect(state(n.sm)).toEqual(state(m.sm));
    expect(dump(n)).toEqual(dump(m));
  });

  it('ignores a snapshot that is not newer than its stores, and resets on empty data', () => {
    const m = new Member();
    m.ok('put', { key: b('a') });
    const old = m.sm.snapshot();
    m.ok('put', { key: b('b') });
    m.sm.restore(old);
    expect(dump(m)).toEqual(['a=', 'b=']);
    m.sm.restore(new Uint8Array(0));
    expect(m.sm.consistentIndex).toBe(0);
    expect(dump(m)).toEqual([]);
    m.sm.restore(old);
    expect(dump(m)).toEqual(['a=']);
  });

  it('writes the stores to disk every backendBatchLimit entries, and restarts from them', () => {
    const disk = new MemoryDisk(MEMBER);
    const ctx = { nodeId: MEMBER, disk };
    const m = new Member();
    const a = new EtcdStateMachine(ctx, { clusterId: CLUSTER, backendBatchLimit: 4 });
    for (let i = 0; i < 10; i++) m.ok('put', { key: b(`k${i}`), value: b(`${i}`) });
    for (const e of m.log) a.apply(e);
    expect(decodeMemberSnapshot(disk.get(BACKEND_KEY)!).consistentIndex).toBe(8);
    // Crash: the last two entries never reached the backend. Restart replays the log.
    const restarted = new EtcdStateMachine(ctx, { clusterId: CLUSTER, backendBatchLimit: 4 });
    expect(restarted.consistentIndex).toBe(8);
    expect(restarted.kv.rev).toBe(9);
    for (const e of m.log) restarted.apply(e);
    expect(state(restarted)).toEqual(state(m.sm));
  });

  it('throws on entry data that is not a request (etcd panics)', () => {
    const sm = new EtcdStateMachine({ nodeId: MEMBER });
    const e: Entry = { term: 1, index: 1, type: 'EntryNormal', data: b('not a request') };
    expect(() => sm.apply(e)).toThrow(CodecError);
  });
});
