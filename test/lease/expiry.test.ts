import { describe, expect, it } from 'vitest';
import { REVOKE_BATCH_LIMIT } from '../../src/engine/lease/config.ts';
import { leaseIdFromInt64 } from '../../src/engine/lease/id.ts';
import { newLessor, ok } from './helpers.ts';

const id = (i: number): string => leaseIdFromInt64(BigInt(i + 1));

describe('expiry runs only on the primary', () => {
  it('never expires leases on a follower', () => {
    const { lessor } = newLessor();
    ok(lessor.grant('a', 2, 0));
    expect(lessor.isPrimary()).toBe(false);
    expect(lessor.findExpiredLeases(1e12)).toEqual([]);
    expect(lessor.lookup('a')!.expiry).toBe(Infinity);
  });

  it('finds a lease once its expiry is reached, not before', () => {
    const { lessor } = newLessor();
    lessor.promote(0, 0);
    ok(lessor.grant('a', 2, 0));
    ok(lessor.grant('b', 5, 0));
    expect(lessor.findExpiredLeases(1999)).toEqual([]);
    expect(lessor.findExpiredLeases(2000)).toEqual(['a']);
    ok(lessor.revoke('a')); // the server's revoke proposal applied
    expect(lessor.findExpiredLeases(5000)).toEqual(['b']);
  });

  it('stops expiring on demote: expiries become forever', () => {
    const { lessor } = newLessor();
    lessor.promote(0, 0);
    ok(lessor.grant('a', 2, 0));
    lessor.demote();
    expect(lessor.isPrimary()).toBe(false);
    expect(lessor.lookup('a')!.expiry).toBe(Infinity);
    expect(lessor.findExpiredLeases(60_000)).toEqual([]);
  });

  it('promote gives every lease remaining TTL + extension from now', () => {
    // Leader 1 grants a 10 s lease at t=0; it has 1 s left when leadership moves
    // at t=9 s. The new leader's lessor knows only the TTL (no checkpoint), so
    // the lease lives 10 s + the 1 s extension from the promotion: at least the extension.
    const leader1 = newLessor().lessor;
    const leader2 = newLessor().lessor;
    leader1.promote(1000, 0);
    for (const l of [leader1, leader2]) ok(l.grant('a', 10, 0)); // applied on both members
    expect(leader1.timeToLive('a', false, 9000).TTL).toBe(1);
    leader1.demote();
    leader2.promote(1000, 9000);
    expect(leader2.lookup('a')!.expiry).toBe(9000 + 1000 + 10_000);
    expect(leader2.findExpiredLeases(9000 + 1000)).toEqual([]);
    expect(leader2.findExpiredLeases(19_999)).toEqual([]);
    expect(leader2.findExpiredLeases(20_000)).toEqual(['a']);
    expect(leader1.findExpiredLeases(20_000)).toEqual([]);
  });

  it('re-promoting after a demote restarts the clocks', () => {
    const { lessor } = newLessor();
    lessor.promote(0, 0);
    ok(lessor.grant('a', 2, 0));
    lessor.demote();
    lessor.promote(1000, 10_000);
    expect(lessor.findExpiredLeases(12_999)).toEqual([]);
    expect(lessor.findExpiredLeases(13_000)).toEqual(['a']);
  });
});

describe('bounded expiry batches', () => {
  it('hands out at most REVOKE_BATCH_LIMIT per scan, and each lease once per retry interval', () => {
    const { lessor } = newLessor({ expiredLeaseRetryIntervalMs: 3000 });
    lessor.promote(0, 0);
    for (let i = 0; i < 1200; i++) ok(lessor.grant(id(i), 5, i)); // expire at 5000..6199
    expect(REVOKE_BATCH_LIMIT).toBe(500);
    const batches = [7000, 7000, 7000, 7000].map((t) => lessor.findExpiredLeases(t));
    expect(batches.map((b) => b.length)).toEqual([500, 500, 200, 0]);
    // Oldest expiry first, each lease exactly once.
    const all = batches.flat();
    expect(all).toEqual(Array.from({ length: 1200 }, (_, i) => id(i)));
    // Revoke the first batch; the unrevoked rest come back after the retry interval.
    for (const l of batches[0]!) ok(lessor.revoke(l));
    expect(lessor.findExpiredLeases(9999)).toEqual([]);
    const again = [10_000, 10_000].map((t) => lessor.findExpiredLeases(t));
    expect(again.map((b) => b.length)).toEqual([500, 200]);
    expect(again.flat()).toEqual(all.slice(500));
  });

  it('honours a custom limit', () => {
    const { lessor } = newLessor();
    lessor.promote(0, 0);
    for (let i = 0; i < 5; i++) ok(lessor.grant(id(i), 2, 0));
    expect(lessor.findExpiredLeases(2000, 2)).toEqual([id(0), id(1)]);
    expect(lessor.findExpiredLeases(2000, 2)).toEqual([id(2), id(3)]);
    expect(lessor.findExpiredLeases(2000, 2)).toEqual([id(4)]);
  });

  it('does not offer a lease renewed after its first deadline was queued', () => {
    const { lessor } = newLessor();
    lessor.promote(0, 0);
    ok(lessor.grant('a', 2, 0));
    for (let t = 1000; t <= 10_000; t += 1000) ok(lessor.renew('a', t));
    expect(lessor.findExpiredLeases(11_999)).toEqual([]);
    expect(lessor.findExpiredLeases(12_000)).toEqual(['a']);
  });
});

describe('promote spreads a pile-up of expiries (>= leaseRevokeRate leases)', () => {
  it('lets at most 3/4 of the revoke rate expire in the first second', () => {
    const { lessor } = newLessor();
    for (let i = 0; i < 2000; i++) ok(lessor.grant(id(i), 10, 0));
    lessor.promote(1000, 0);
    const expiries = lessor.leases().map((l) => l.expiry);
    expect(expiries.filter((e) => e === 11_000)).toHaveLength(750);
    expect(expiries.filter((e) => e < 12_000)).toHaveLength(750);
    // Lease n (1-based) beyond 750 waits trunc(1000 * n / 750) ms, plus the extension.
    expect(expiries[750]).toBe(10_000 + 1000 + 1001);
    expect(Math.max(...expiries)).toBe(10_000 + 1000 + 2666);
    for (let s = 11_000; s < 14_000; s += 1000) {
      expect(expiries.filter((e) => e >= s && e < s + 1000).length).toBeLessThanOrEqual(750);
    }
  });

  it('leaves fewer leases untouched', () => {
    const { lessor } = newLessor();
    for (let i = 0; i < 999; i++) ok(lessor.grant(id(i), 10, 0));
    lessor.promote(1000, 0);
    expect(new Set(lessor.leases().map((l) => l.expiry))).toEqual(new Set([11_000]));
  });
});
