// Lease requests through the applier: grant (minimum TTL, errors), revoke
// deleting every attached key in one revision, checkpoints.
import { describe, expect, it } from 'vitest';
import type { Event } from '../../src/engine/mvcc/index.ts';
import { Member, b, dump, hdr, t } from './helpers.ts';

describe('applier: leases', () => {
  it('grants with the requested TTL, raised to the minimum', () => {
    const m = new Member();
    expect(m.exec('leaseGrant', { ID: '694d7d1e2a2b1c05', TTL: 60 })).toEqual({
      resp: { header: hdr(1), ID: '694d7d1e2a2b1c05', TTL: 60, error: '' },
    });
    expect(m.ok('leaseGrant', { ID: 'a', TTL: 1 })).toMatchObject({ ID: 'a', TTL: 2 });
    expect(m.sm.lessor.lookup('a')!.TTL).toBe(2);
  });

  it('refuses grants with etcd texts', () => {
    const m = new Member();
    m.ok('leaseGrant', { ID: 'a', TTL: 60 });
    expect(m.fails('leaseGrant', { ID: 'a', TTL: 60 }, 'etcdserver: lease already exists').err!.code).toBe('FailedPrecondition');
    expect(m.fails('leaseGrant', { ID: 'b', TTL: 9_000_000_001 }, 'etcdserver: too large lease TTL').err!.code).toBe('OutOfRange');
    // The serving member picks an ID before proposing; 0 at apply time is "not found".
    m.fails('leaseGrant', { ID: '0', TTL: 60 }, 'etcdserver: requested lease not found');
    expect(m.fails('leaseRevoke', { ID: 'b' }, 'etcdserver: requested lease not found').err!.code).toBe('NotFound');
  });

  it('revokes a lease by deleting all its keys in one revision', () => {
    const m = new Member();
    m.ok('leaseGrant', { ID: 'a', TTL: 60 });
    m.ok('put', { key: b('x'), value: b('1'), lease: 'a' });
    m.ok('put', { key: b('y'), value: b('2'), lease: 'a' });
    m.ok('put', { key: b('z'), value: b('3') });
    const commits: [number, string[]][] = [];
    m.sm.kv.onCommit((evs: Event[], rev) => commits.push([rev, evs.map((e) => `${e.type} ${t(e.kv.key)}`)]));
    expect(m.exec('leaseRevoke', { ID: 'a' })).toEqual({ resp: { header: hdr(5) } });
    expect(commits).toEqual([[5, ['DELETE x', 'DELETE y']]]);
    expect(dump(m)).toEqual(['z=3']);
    expect(m.sm.lessor.lookup('a')).toBeUndefined();
    // A lease with no keys revokes without a write.
    m.ok('leaseGrant', { ID: 'c', TTL: 60 });
    expect(m.exec('leaseRevoke', { ID: 'c' })).toEqual({ resp: { header: hdr(5) } });
  });

  it('applies checkpoints, ignoring unknown leases', () => {
    const m = new Member();
    m.ok('leaseGrant', { ID: 'a', TTL: 600 });
    expect(
      m.exec('leaseCheckpoint', {
        checkpoints: [
          { ID: 'a', remaining_TTL: 300 },
          { ID: 'ff', remaining_TTL: 5 },
        ],
      }),
    ).toEqual({ resp: { header: hdr(1) } });
    expect(m.sm.lessor.lookup('a')!.remainingTTL).toBe(300);
  });

  it('grants on a primary lessor count expiry from the virtual clock', () => {
    const m = new Member();
    m.sm.lessor.promote(0, 0);
    m.now = 5000;
    m.ok('leaseGrant', { ID: 'a', TTL: 10 });
    expect(m.sm.lessor.lookup('a')!.expiry).toBe(15_000);
  });
});
