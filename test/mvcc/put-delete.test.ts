// Put and DeleteRange: prev_kv, ignore_value/ignore_lease, deleted counts and
// revisions, and the lessor hooks. Error texts as etcd 3.4.23 answered them.
import { describe, expect, it } from 'vitest';
import {
  KVStore,
  ErrGRPCEmptyKey,
  ErrGRPCKeyNotFound,
  ErrGRPCLeaseNotFound,
  ErrGRPCLeaseProvided,
  ErrGRPCValueProvided,
  ErrKeyNotFound,
  ErrLeaseNotFound,
  type LeaseHooks,
} from '../../src/engine/mvcc/index.ts';
import { FROM_KEY, b, expectKvError, keysOf, kvRow, put3, t } from './helpers.ts';

/** A lessor double that records every call. */
function fakeLessor(leases: string[]): LeaseHooks & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    exists: (id) => leases.includes(id),
    attach: (id, keys) => calls.push(`attach ${id} ${keys.map(t).join(',')}`),
    detach: (id, keys) => calls.push(`detach ${id} ${keys.map(t).join(',')}`),
  };
}

describe('put', () => {
  it('prevKv returns the replaced version, nothing for a new key', () => {
    const s = new KVStore();
    expect(s.put({ key: b('k'), value: b('1'), prevKv: true }).prevKv).toBeUndefined();
    const r = s.put({ key: b('k'), value: b('2'), prevKv: true });
    expect(kvRow(r.prevKv!)).toEqual(['k', '1', 2, 2, 1, '0']);
    expect(r.header.revision).toBe(3);
  });

  it('ignoreValue keeps the value, ignoreLease keeps the lease; both still make a revision', () => {
    const s = new KVStore();
    s.put({ key: b('k'), value: b('v'), lease: '7' });
    s.put({ key: b('k'), lease: '9', ignoreValue: true });
    expect(kvRow(s.range({ key: b('k') }).kvs[0]!)).toEqual(['k', 'v', 2, 3, 2, '9']);
    s.put({ key: b('k'), value: b('w'), ignoreLease: true });
    expect(kvRow(s.range({ key: b('k') }).kvs[0]!)).toEqual(['k', 'w', 2, 4, 3, '9']);
    // A plain put without a lease clears it; a put with the same lease keeps it.
    s.put({ key: b('k'), value: b('x'), lease: '9' });
    expect(s.leaseOf(b('k'))).toBe('9');
    s.put({ key: b('k'), value: b('y') });
    expect(s.leaseOf(b('k'))).toBe('0');
  });

  it("refuses as etcd does: empty key, value with ignoreValue, lease with ignoreLease, ignoring on a missing key", () => {
    const s = new KVStore();
    s.put({ key: b('k'), value: b('v') });
    expectKvError(() => s.put({ key: new Uint8Array(0), value: b('v') }), ErrGRPCEmptyKey);
    expectKvError(() => s.put({ key: b('k'), value: b('x'), ignoreValue: true }), ErrGRPCValueProvided, 'etcdserver: value is provided');
    expectKvError(() => s.put({ key: b('k'), lease: '5', ignoreLease: true }), ErrGRPCLeaseProvided, 'etcdserver: lease is provided');
    expectKvError(() => s.put({ key: b('nokey'), ignoreValue: true }), ErrKeyNotFound, ErrGRPCKeyNotFound);
    expectKvError(() => s.put({ key: b('nokey'), ignoreLease: true }), 'etcdserver: key not found');
    expect(s.rev).toBe(2); // refused puts write nothing
  });

  it('with a lessor: an unknown lease is refused; puts attach and detach keys', () => {
    const s = new KVStore();
    const l = fakeLessor(['5', '6']);
    s.setLessor(l);
    const err = expectKvError(() => s.put({ key: b('k'), value: b('v'), lease: '99' }), ErrLeaseNotFound, ErrGRPCLeaseNotFound);
    expect(err.code).toBe('NotFound');
    s.put({ key: b('k'), value: b('v'), lease: '5' });
    s.put({ key: b('k'), value: b('v'), lease: '6' });
    s.put({ key: b('k'), value: b('v') });
    s.put({ key: b('j'), value: b('v'), lease: '5' });
    s.deleteRange({ key: b('a'), rangeEnd: FROM_KEY });
    expect(l.calls).toEqual(['attach 5 k', 'detach 5 k', 'attach 6 k', 'detach 6 k', 'attach 5 j', 'detach 5 j']);
  });
});

describe('deleteRange', () => {
  it('returns the number deleted and the new revision; deleting nothing keeps the revision (TestKVDeleteRange)', () => {
    const cases: [Uint8Array, Uint8Array | undefined, number, number][] = [
      [b('foo'), undefined, 1, 5],
      [b('foo'), b('foo1'), 1, 5],
      [b('foo'), b('foo2'), 2, 5],
      [b('foo'), b('foo3'), 3, 5],
      [b('foo3'), b('foo8'), 0, 4],
      [b('foo3'), undefined, 0, 4],
      [b('foo'), FROM_KEY, 3, 5],
    ];
    for (const [key, rangeEnd, n, rev] of cases) {
      const s = put3();
      const r = s.deleteRange({ key, rangeEnd });
      expect([r.deleted, r.header.revision, s.rev]).toEqual([n, rev, rev]);
    }
  });

  it('a repeated delete deletes nothing and keeps the revision (TestKVDeleteMultipleTimes)', () => {
    const s = new KVStore();
    s.put({ key: b('foo'), value: b('bar') });
    expect(s.deleteRange({ key: b('foo') }).deleted).toBe(1);
    for (let i = 0; i < 3; i++) {
      const r = s.deleteRange({ key: b('foo') });
      expect([r.deleted, r.header.revision]).toEqual([0, 3]);
    }
  });

  it('prevKv returns the deleted versions; all deletes of one request share a revision', () => {
    const s = put3();
    const r = s.deleteRange({ key: b('foo'), rangeEnd: b('foo3'), prevKv: true });
    expect(r.prevKvs.map(kvRow)).toEqual([
      ['foo', 'bar', 2, 2, 1, '0'],
      ['foo1', 'bar1', 3, 3, 1, '0'],
      ['foo2', 'bar2', 4, 4, 1, '0'],
    ]);
    expect(s.rev).toBe(5);
    expect(keysOf(s.range({ key: b('foo'), rangeEnd: b('foo3'), revision: 4 }).kvs)).toEqual(['foo', 'foo1', 'foo2']);
    expect(s.range({ key: b('foo'), rangeEnd: b('foo3') }).kvs).toEqual([]);
    expect(s.deleteRange({ key: b('zzz'), prevKv: true }).prevKvs).toEqual([]);
  });

  it('deleteKeys (a lease revoke) deletes every key in one revision', () => {
    const s = put3();
    expect(s.deleteKeys([b('foo'), b('foo2'), b('missing')])).toBe(2);
    expect(s.rev).toBe(5);
    expect(keysOf(s.range({ key: b('foo'), rangeEnd: b('foo3') }).kvs)).toEqual(['foo1']);
    expect(s.deleteKeys([b('missing')])).toBe(0);
    expect(s.rev).toBe(5);
  });

  it('an empty key is refused', () => {
    expectKvError(() => new KVStore().deleteRange({ key: new Uint8Array(0) }), ErrGRPCEmptyKey);
  });
});
