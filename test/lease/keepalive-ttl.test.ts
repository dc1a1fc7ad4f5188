import { describe, expect, it } from 'vitest';
import { k, names, newLessor, ok } from './helpers.ts';

describe('keep-alive (renew)', () => {
  it('resets the expiry to now + TTL and returns the TTL', () => {
    const { lessor } = newLessor();
    lessor.promote(1000, 0);
    ok(lessor.grant('a', 20, 0));
    expect(lessor.lookup('a')!.expiry).toBe(20_000);
    expect(lessor.renew('a', 15_000)).toEqual({ ok: true, value: 20 });
    expect(lessor.lookup('a')!.expiry).toBe(35_000);
    // The renewed lease is not found expired where the old expiry was.
    expect(lessor.findExpiredLeases(30_000)).toEqual([]);
    expect(lessor.findExpiredLeases(35_000)).toEqual(['a']);
  });

  it('only renews on the primary', () => {
    const { lessor } = newLessor();
    ok(lessor.grant('a', 20, 0));
    expect(lessor.renew('a', 100)).toEqual({ ok: false, error: 'not a primary lessor' });
    lessor.promote(1000, 200);
    expect(lessor.renew('a', 300)).toEqual({ ok: true, value: 20 });
    lessor.demote();
    expect(lessor.renew('a', 400)).toEqual({ ok: false, error: 'not a primary lessor' });
  });

  it('refuses unknown, revoked and expired leases with "lease not found"', () => {
    const { lessor } = newLessor();
    lessor.promote(0, 0);
    expect(lessor.renew('1234', 0)).toEqual({ ok: false, error: 'etcdserver: requested lease not found' });
    ok(lessor.grant('a', 2, 0));
    expect(lessor.renew('a', 1999).ok).toBe(true); // expiry → 3999
    expect(lessor.renew('a', 3999)).toEqual({ ok: false, error: 'etcdserver: requested lease not found' });
    expect(lessor.lookup('a')!.expiry).toBe(3999); // not renewed
    ok(lessor.revoke('a'));
    expect(lessor.renew('a', 4000)).toEqual({ ok: false, error: 'etcdserver: requested lease not found' });
  });
});

describe('time-to-live', () => {
  it('truncates the remaining time to whole seconds, as etcd 3.4.23 printed it', () => {
    // Real etcd: `lease grant 20`, 1.5 s later `timetolive` → remaining(18s);
    // right after `keep-alive --once` → remaining(19s).
    const { lessor } = newLessor();
    lessor.promote(1000, 0);
    ok(lessor.grant('a', 20, 10_000));
    expect(lessor.timeToLive('a', false, 11_500)).toEqual({ ID: 'a', TTL: 18, grantedTTL: 20, keys: [] });
    ok(lessor.renew('a', 12_000));
    expect(lessor.timeToLive('a', false, 12_050).TTL).toBe(19);
    expect(lessor.timeToLive('a', false, 12_000).TTL).toBe(20);
    expect(lessor.timeToLive('a', false, 31_999).TTL).toBe(0);
  });

  it('decreases with virtual time and reads 0 just past expiry, -1 once revoked', () => {
    // etcd showed remaining(1s), then remaining(0s) until the revoke applied,
    // then "lease ... already expired" (TTL -1, granted-ttl 0).
    const { lessor } = newLessor();
    lessor.promote(0, 0);
    ok(lessor.grant('a', 2, 0));
    const ttls = [0, 500, 1000, 1500, 1999, 2000, 2400, 3100].map((t) => lessor.timeToLive('a', false, t).TTL);
    expect(ttls).toEqual([2, 1, 1, 0, 0, 0, 0, -1]); // 3100 ms: 1.1 s past expiry, truncated to -1
    ok(lessor.revoke('a'));
    expect(lessor.timeToLive('a', true, 3000)).toEqual({ ID: 'a', TTL: -1, grantedTTL: 0, keys: [] });
  });

  it('lists attached keys only when asked, in byte order', () => {
    const { lessor, store } = newLessor();
    lessor.promote(0, 0);
    ok(lessor.grant('a', 20, 0));
    for (const key of ['foo', 'abc', 'zzz']) store.put(key, 'a');
    expect(names(lessor.timeToLive('a', true, 0).keys)).toEqual(['abc', 'foo', 'zzz']);
    expect(lessor.timeToLive('a', false, 0).keys).toEqual([]);
    expect(lessor.getLease(k('abc'))).toBe('a');
  });

  it('reports int64(MaxInt64 ns) seconds off the primary, where leases never expire', () => {
    const { lessor } = newLessor();
    ok(lessor.grant('a', 20, 0));
    expect(lessor.timeToLive('a', false, 1e9).TTL).toBe(9223372036);
  });
});
