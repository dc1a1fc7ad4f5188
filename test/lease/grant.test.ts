import { describe, expect, it } from 'vitest';
import { minLeaseTTL, promoteExtensionMs, requestTimeoutMs } from '../../src/engine/lease/config.ts';
import { ErrLeaseExist, ErrLeaseNotFound, ErrLeaseTTLTooLarge } from '../../src/engine/lease/errors.ts';
import { Lessor } from '../../src/engine/lease/lessor.ts';
import { MAX_LEASE_TTL } from '../../src/engine/lease/types.ts';
import { newLessor, ok } from './helpers.ts';

describe('minimum lease TTL (etcdserver: ceil(((3*ElectionTicks)/2) * heartbeat))', () => {
  it('matches what etcd 3.4.23 granted for `lease grant 1`', () => {
    expect(minLeaseTTL(100, 1000)).toBe(2); // defaults: TTL(2s)
    expect(minLeaseTTL(1000, 5000)).toBe(7); // 5 ticks: (15/2)=7 ticks of 1 s, not 7.5 → 8
    expect(minLeaseTTL(100, 3000)).toBe(5); // 30 ticks: 45 * 100 ms = 4.5 s → 5
  });

  it('derives the promote extension and the expired-lease retry interval', () => {
    expect(promoteExtensionMs(100, 1000)).toBe(1000);
    expect(promoteExtensionMs(300, 1000)).toBe(900); // 3 ticks of 300 ms
    expect(requestTimeoutMs(100, 1000)).toBe(7000);
  });

  it('raises short TTLs to the minimum and keeps longer ones', () => {
    const { lessor } = newLessor({ minLeaseTTL: 7 });
    expect(ok(lessor.grant('1', 1, 0)).TTL).toBe(7);
    expect(ok(lessor.grant('2', 0, 0)).TTL).toBe(7); // `lease grant 0` gave TTL(2s) on defaults
    expect(ok(lessor.grant('3', -4, 0)).TTL).toBe(7); // the gateway's {"TTL":-4} gave TTL 2
    expect(ok(lessor.grant('4', 7, 0)).TTL).toBe(7);
    expect(ok(lessor.grant('5', 8, 0)).TTL).toBe(8);
    expect(lessor.lookup('1')?.TTL).toBe(7);
  });
});

describe('grant', () => {
  it('fails with the exact etcd error strings', () => {
    expect(ErrLeaseExist).toBe('etcdserver: lease already exists');
    expect(ErrLeaseTTLTooLarge).toBe('etcdserver: too large lease TTL');
    expect(ErrLeaseNotFound).toBe('etcdserver: requested lease not found');
    const { lessor } = newLessor();
    ok(lessor.grant('1234', 10, 0));
    expect(lessor.grant('1234', 10, 0)).toEqual({ ok: false, error: 'etcdserver: lease already exists' });
    expect(lessor.grant('99', MAX_LEASE_TTL + 1, 0)).toEqual({ ok: false, error: 'etcdserver: too large lease TTL' });
    // The TTL check comes before the existence check, as in lessor.go.
    expect(lessor.grant('1234', MAX_LEASE_TTL + 1, 0)).toEqual({ ok: false, error: 'etcdserver: too large lease TTL' });
    expect(ok(lessor.grant('99', MAX_LEASE_TTL, 0)).TTL).toBe(9_000_000_000);
    // ID 0 must have been replaced by the server; the lessor itself refuses it.
    expect(lessor.grant('0', 10, 0)).toEqual({ ok: false, error: 'etcdserver: requested lease not found' });
    expect(lessor.leases().map((l) => l.ID)).toEqual(['99', '1234']); // 0x99 < 0x1234
  });

  it('rejects malformed IDs and TTLs as programming errors', () => {
    const { lessor } = newLessor();
    expect(() => lessor.grant('0x12', 10, 0)).toThrow(/invalid lease id/);
    expect(() => lessor.grant('12', Number.NaN, 0)).toThrow(/invalid TTL/);
    expect(() => new Lessor({ minLeaseTTL: 2, expiredLeaseRetryIntervalMs: 0 })).toThrow();
  });

  it('starts the clock only on the primary', () => {
    const { lessor } = newLessor();
    ok(lessor.grant('a', 10, 500));
    expect(lessor.lookup('a')?.expiry).toBe(Infinity);
    lessor.promote(1000, 1000);
    ok(lessor.grant('b', 10, 2000));
    expect(lessor.lookup('b')?.expiry).toBe(12_000);
    expect(lessor.lookup('a')?.expiry).toBe(12_000); // 1000 + 1000 extension + 10 s
  });

  it('lists leases soonest expiry first, as `etcdctl lease list` printed them', () => {
    // etcd 3.4.23 after granting TTLs 2, 10, 3, 5 in that order listed 2, 3, 5, 10.
    const { lessor } = newLessor();
    lessor.promote(1000, 0);
    ok(lessor.grant('5505', 1, 100));
    ok(lessor.grant('5507', 10, 200));
    ok(lessor.grant('5509', 3, 300));
    ok(lessor.grant('550b', 5, 400));
    expect(lessor.leases().map((l) => l.ID)).toEqual(['5505', '5509', '550b', '5507']);
    // Off the primary every expiry is forever: ordered by ID instead.
    lessor.demote();
    expect(lessor.leases().map((l) => l.ID)).toEqual(['5505', '5507', '5509', '550b']);
  });
});
