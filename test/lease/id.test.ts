import { describe, expect, it } from 'vitest';
import {
  compareLeaseIds,
  formatLeaseIdDecimal,
  formatLeaseIdHex,
  isLeaseId,
  leaseIdFromInt64,
  leaseIdToInt64,
  parseLeaseIdDecimal,
  parseLeaseIdHex,
} from '../../src/engine/lease/id.ts';
import { IdGenerator } from '../../src/engine/lease/idgen.ts';

describe('lease ID representation (hex of the int64 bit pattern, like raft NodeIds)', () => {
  it('formats as etcdctl does: %016x of the int64, and decimal for -w json', () => {
    // Observed on etcd 3.4.23: `lease 694da1fd142e5505 granted with TTL(2s)` and
    // `lease list -w json` → {"id":7587899055526532357}.
    expect(formatLeaseIdHex('694da1fd142e5505')).toBe('694da1fd142e5505');
    expect(formatLeaseIdDecimal('694da1fd142e5505')).toBe('7587899055526532357');
    // A client-chosen ID 0x1234 (4660): `lease 0000000000001234 already expired`.
    expect(formatLeaseIdHex('1234')).toBe('0000000000001234');
    expect(formatLeaseIdDecimal('1234')).toBe('4660');
  });

  it('keeps negative int64 IDs (the gateway accepted "ID":-5; etcdctl listed -000000000000005)', () => {
    const id = leaseIdFromInt64(-5n);
    expect(id).toBe('fffffffffffffffb');
    expect(leaseIdToInt64(id)).toBe(-5n);
    expect(formatLeaseIdHex(id)).toBe('-000000000000005');
    expect(formatLeaseIdDecimal(id)).toBe('-5');
    const min = leaseIdFromInt64(-(2n ** 63n));
    expect(min).toBe('8000000000000000');
    expect(formatLeaseIdHex(min)).toBe('-8000000000000000');
    expect(() => leaseIdFromInt64(2n ** 63n)).toThrow(RangeError);
  });

  it('orders IDs as int64 values', () => {
    const ids = ['694da1fd142e5505', 'fffffffffffffffb', '1234', '0', '7fffffffffffffff'];
    expect([...ids].sort(compareLeaseIds)).toEqual(['fffffffffffffffb', '0', '1234', '694da1fd142e5505', '7fffffffffffffff']);
  });

  it('accepts only the canonical form', () => {
    expect(isLeaseId('694da1fd142e5505')).toBe(true);
    expect(isLeaseId('0')).toBe(true);
    expect(isLeaseId('01')).toBe(false);
    expect(isLeaseId('ABC')).toBe(false);
    expect(isLeaseId('10000000000000000')).toBe(false);
  });

  it("parses etcdctl's hex argument with its exact errors", () => {
    expect(parseLeaseIdHex('694da1fd142e5505')).toEqual({ ok: true, value: '694da1fd142e5505' });
    expect(parseLeaseIdHex('0000000000001234')).toEqual({ ok: true, value: '1234' });
    expect(parseLeaseIdHex('-5')).toEqual({ ok: true, value: 'fffffffffffffffb' });
    expect(parseLeaseIdHex('ABC')).toEqual({ ok: true, value: 'abc' });
    // Real etcdctl 3.4.23 printed each of these after "Error: ".
    expect(parseLeaseIdHex('xyz')).toEqual({
      ok: false,
      error: 'bad lease ID arg (strconv.ParseInt: parsing "xyz": invalid syntax), expecting ID in Hex',
    });
    expect(parseLeaseIdHex('0x12')).toEqual({
      ok: false,
      error: 'bad lease ID arg (strconv.ParseInt: parsing "0x12": invalid syntax), expecting ID in Hex',
    });
    expect(parseLeaseIdHex('fffffffffffffffb')).toEqual({
      ok: false,
      error: 'bad lease ID arg (strconv.ParseInt: parsing "fffffffffffffffb": value out of range), expecting ID in Hex',
    });
    expect(parseLeaseIdHex('')).toEqual({
      ok: false,
      error: 'bad lease ID arg (strconv.ParseInt: parsing "": invalid syntax), expecting ID in Hex',
    });
    expect(parseLeaseIdHex('-8000000000000000')).toEqual({ ok: true, value: '8000000000000000' });
    expect(parseLeaseIdHex('-8000000000000001').ok).toBe(false);
  });

  it('parses decimal IDs as the gateway sends them', () => {
    expect(parseLeaseIdDecimal('7587899055526532357')).toEqual({ ok: true, value: '694da1fd142e5505' });
    expect(parseLeaseIdDecimal('-5')).toEqual({ ok: true, value: 'fffffffffffffffb' });
    expect(parseLeaseIdDecimal('9223372036854775808')).toEqual({
      ok: false,
      error: 'strconv.ParseInt: parsing "9223372036854775808": value out of range',
    });
    expect(parseLeaseIdDecimal('12a').ok).toBe(false);
  });
});

describe("IdGenerator (etcd's idutil: member prefix | unix ms | count)", () => {
  // The default member 8e9e05c52164694d, started at a unix ms whose low 40 bits
  // are a1fd142e55: real etcd's 5th ID was the lease 694da1fd142e5505 (IDs 1-4
  // went to start-up requests) and each later grant took every other ID (the
  // grant's raft request takes the one between): ...5507, ...5509, ...550b.
  const start = 0x1a1fd142e55; // 2026-11-21T07:48:40.661Z

  it('reproduces the IDs real etcd 3.4.23 handed out', () => {
    const g2 = new IdGenerator('8e9e05c52164694d', start);
    for (let i = 0; i < 4; i++) g2.next();
    const leases: string[] = [];
    for (let i = 0; i < 4; i++) {
      leases.push(g2.nextLeaseId());
      g2.next(); // the grant's own request ID
    }
    expect(leases).toEqual(['694da1fd142e5505', '694da1fd142e5507', '694da1fd142e5509', '694da1fd142e550b']);
  });

  it('is deterministic for the same member and start time, distinct per member', () => {
    const a = new IdGenerator('8e9e05c52164694d', 1_600_000_000_000);
    const b = new IdGenerator('8e9e05c52164694d', 1_600_000_000_000);
    const c = new IdGenerator('91bc3c398fb3c146', 1_600_000_000_000);
    const as = Array.from({ length: 300 }, () => a.nextLeaseId());
    expect(Array.from({ length: 300 }, () => b.nextLeaseId())).toEqual(as);
    expect(new Set(as).size).toBe(300);
    const cs = Array.from({ length: 300 }, () => c.nextLeaseId());
    expect(cs.every((id) => id.startsWith('4146'))).toBe(true); // c146 with bit 63 masked off
    expect(cs.some((id) => as.includes(id))).toBe(false);
  });

  it('lets the count carry into the timestamp instead of wrapping', () => {
    const g = new IdGenerator('694d', 0x12345);
    for (let i = 0; i < 255; i++) g.next();
    expect(g.next()).toBe('694d000001234600');
    expect(g.next()).toBe('694d000001234601');
  });

  it('keeps request IDs as full uint64 but masks bit 63 off lease IDs', () => {
    const g = new IdGenerator('91bc3c398fb3c146', 0);
    expect(g.next()).toBe('c146000000000001');
    expect(g.nextLeaseId()).toBe('4146000000000002');
    // A member ID whose low 16 bits are zero gives short IDs, unpadded like NodeIds.
    expect(new IdGenerator('10000', 0).nextLeaseId()).toBe('1');
  });
});
