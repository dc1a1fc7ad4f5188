// The space quota and alarms. A write that does not fit is still applied (it
// is in the log; every member must apply it alike) but answered "database
// space exceeded", and the member asks raft to raise NOSPACE. Once that alarm
// applies, puts, txns that could put and lease grants are refused; reads,
// deletes, revokes and compaction still work; disarming restores writes.
import { describe, expect, it } from 'vitest';
import type { AlarmRequest } from '../../src/engine/server/index.ts';
import { EtcdStateMachine } from '../../src/engine/server/index.ts';
import { FROM_KEY, MEMBER, Member, asUser, b, dump, enableAuth, hdr } from './helpers.ts';

const NOSPACE = 'etcdserver: mvcc: database space exceeded';
/** 7 pages: a fresh db is 5; 100-byte puts fill the 7th page after 22 of them. */
const QUOTA = 7 * 4096;
const VALUE = new Uint8Array(100);
const activate: AlarmRequest = { action: 'ACTIVATE', memberID: MEMBER, alarm: 'NOSPACE' };

/** Puts until one is answered NOSPACE; returns how many went in before it. */
function fill(m: Member): number {
  for (let i = 0; i < 1000; i++) {
    const res = m.exec('put', { key: b(`k${String(i).padStart(3, '0')}`), value: VALUE });
    if (res.err) {
      expect(res.err).toEqual({ message: NOSPACE, code: 'ResourceExhausted' });
      return i;
    }
  }
  throw new Error('quota never reached');
}

describe('NOSPACE', () => {
  it('applies the write that did not fit, answers NOSPACE and asks for the alarm', () => {
    const m = new Member({ quotaBytes: QUOTA });
    const n = fill(m);
    expect(n).toBe(23);
    // The refused put is in the store all the same.
    expect(m.rev).toBe(n + 2);
    expect(dump(m)).toHaveLength(n + 1);
    expect(m.sm.drainAlarms()).toEqual([activate]);
    expect(m.sm.drainAlarms()).toEqual([]);
    // Until the alarm applies, every write over the quota asks again.
    m.fails('put', { key: b('again'), value: VALUE }, NOSPACE);
    m.fails('leaseGrant', { ID: 'a', TTL: 60 }, NOSPACE);
    expect(m.sm.lessor.lookup('a')).toBeDefined();
    expect(m.sm.drainAlarms()).toEqual([activate, activate]);
  });

  it('once raised, refuses puts, putting txns and grants; reads, deletes and revokes still work', () => {
    const m = new Member({ quotaBytes: QUOTA });
    m.ok('leaseGrant', { ID: 'c', TTL: 60 });
    m.ok('put', { key: b('leased'), value: b('x'), lease: 'c' });
    fill(m);
    expect(m.exec('alarm', m.sm.drainAlarms()[0]!)).toEqual({ resp: { header: hdr(m.rev), alarms: [{ memberID: MEMBER, alarm: 'NOSPACE' }] } });
    expect(m.sm.applier.chain).toEqual({ auth: false, quota: false, capped: true, corrupt: false });
    const rev = m.rev;
    m.fails('put', { key: b('new'), value: b('v') }, NOSPACE);
    m.fails('txn', { success: [{ requestDeleteRange: { key: b('k000') } }], failure: [{ requestPut: { key: b('n') } }] }, NOSPACE);
    m.fails('leaseGrant', { ID: 'd', TTL: 60 }, NOSPACE);
    expect(m.rev).toBe(rev);
    expect(m.sm.lessor.lookup('d')).toBeUndefined();
    // Nothing new is asked for: the alarm is already active.
    expect(m.sm.drainAlarms()).toEqual([]);

    m.ok('range', { key: b('k000') });
    m.ok('txn', { success: [{ requestDeleteRange: { key: b('k000') } }, { requestRange: { key: b('k001') } }] });
    m.ok('deleteRange', { key: b('k001') });
    m.ok('leaseRevoke', { ID: 'c' });
    expect(m.rev).toBe(rev + 3);
    m.ok('compaction', { revision: m.rev });
    expect(m.exec('alarm', { action: 'GET', memberID: '0', alarm: 'NONE' })).toEqual({
      resp: { header: hdr(m.rev), alarms: [{ memberID: MEMBER, alarm: 'NOSPACE' }] },
    });
  });

  it('disarming restores writes once there is room', () => {
    const m = new Member({ quotaBytes: QUOTA });
    fill(m);
    m.exec('alarm', m.sm.drainAlarms()[0]!);
    m.ok('deleteRange', { key: b('k'), rangeEnd: b('l') });
    m.ok('compaction', { revision: m.rev });
    m.sm.kv.defragment();
    expect(m.exec('alarm', { action: 'DEACTIVATE', memberID: MEMBER, alarm: 'NOSPACE' })).toEqual({
      resp: { header: hdr(m.rev), alarms: [{ memberID: MEMBER, alarm: 'NOSPACE' }] },
    });
    expect(m.sm.applier.chain).toEqual({ auth: true, quota: true, capped: false, corrupt: false });
    m.ok('put', { key: b('fits'), value: b('again') });
    // Disarming what is not raised answers no alarms.
    expect(m.exec('alarm', { action: 'DEACTIVATE', memberID: MEMBER, alarm: 'NOSPACE' })).toEqual({ resp: { header: hdr(m.rev), alarms: [] } });
  });

  it('lists alarms by type, then member; raising twice keeps one', () => {
    const m = new Member();
    m.ok('alarm', { action: 'ACTIVATE', memberID: 'b', alarm: 'NOSPACE' });
    m.ok('alarm', { action: 'ACTIVATE', memberID: 'a', alarm: 'NOSPACE' });
    expect(m.exec('alarm', { action: 'ACTIVATE', memberID: 'a', alarm: 'NOSPACE' }).resp).toMatchObject({ alarms: [{ memberID: 'a', alarm: 'NOSPACE' }] });
    m.ok('alarm', { action: 'ACTIVATE', memberID: '1', alarm: 'CORRUPT' });
    const all = m.exec('alarm', { action: 'GET', memberID: '0', alarm: 'NONE' }).resp;
    expect(all).toMatchObject({
      alarms: [
        { memberID: 'a', alarm: 'NOSPACE' },
        { memberID: 'b', alarm: 'NOSPACE' },
        { memberID: '1', alarm: 'CORRUPT' },
      ],
    });
    expect(m.exec('alarm', { action: 'GET', memberID: '0', alarm: 'CORRUPT' }).resp).toMatchObject({ alarms: [{ memberID: '1', alarm: 'CORRUPT' }] });
  });

  it('hands the alarm to proposeAlarm when the host set one', () => {
    const proposed: AlarmRequest[] = [];
    const m = new Member({ quotaBytes: QUOTA, proposeAlarm: (r) => proposed.push(r) });
    fill(m);
    expect(proposed).toEqual([activate]);
    expect(m.sm.pendingAlarms).toEqual([]);
  });

  it('etcd 3.4.23: an alarm raised at run time drops the auth layer; after a restart it is kept', () => {
    const m = new Member({ quotaBytes: QUOTA });
    const root = enableAuth(m);
    m.ok('authUserAdd', { name: 'eve', password: 'pw' }, root);
    for (let i = 0; i < 1000 && !m.exec('put', { key: b(`k${i}`), value: VALUE }, asUser(m, 'root')).err; i++);
    m.exec('alarm', m.sm.drainAlarms()[0]!);
    // Eve has no permissions at all, yet reads and deletes go through.
    const eve = asUser(m, 'eve');
    m.ok('range', { key: b('k0') }, eve);
    m.ok('deleteRange', { key: b('k0') }, eve);
    m.ok('authUserList', {}, eve);
    // A member restored from a snapshot wraps the full stack: auth is back.
    const restarted = new EtcdStateMachine({ nodeId: MEMBER }, { quotaBytes: QUOTA });
    restarted.restore(m.sm.snapshot());
    expect(restarted.applier.chain).toEqual({ auth: true, quota: true, capped: true, corrupt: false });
    const r = restarted.applyRequest({ header: { ID: '1', username: 'eve', authRevision: eve.authRevision }, range: { key: FROM_KEY } }, m.index + 1, 2);
    expect(r.err?.message).toBe('etcdserver: permission denied');
  });
});

describe('CORRUPT', () => {
  it('refuses every KV and lease request until disarmed', () => {
    const m = new Member();
    m.ok('put', { key: b('k') });
    m.ok('alarm', { action: 'ACTIVATE', memberID: MEMBER, alarm: 'CORRUPT' });
    const CORRUPT = 'etcdserver: corrupt cluster';
    expect(m.fails('put', { key: b('k') }, CORRUPT).err!.code).toBe('DataLoss');
    m.fails('range', { key: b('k') }, CORRUPT);
    m.fails('deleteRange', { key: b('k') }, CORRUPT);
    m.fails('txn', {}, CORRUPT);
    m.fails('compaction', { revision: 1 }, CORRUPT);
    m.fails('leaseGrant', { ID: 'a', TTL: 5 }, CORRUPT);
    m.fails('leaseRevoke', { ID: 'a' }, CORRUPT);
    m.ok('alarm', { action: 'DEACTIVATE', memberID: MEMBER, alarm: 'CORRUPT' });
    m.ok('range', { key: b('k') });
  });
});
