import { describe, expect, it } from 'vitest';
import { Lessor } from '../../src/engine/lease/lessor.ts';
import { k, names, newLessor, ok } from './helpers.ts';

describe('revoke', () => {
  it('deletes all attached keys in one deleter call, in byte order, then forgets the lease', () => {
    const { lessor, store } = newLessor();
    ok(lessor.grant('a', 20, 0));
    ok(lessor.grant('b', 20, 0));
    for (const key of ['zzz', 'foo', 'abc']) store.put(key, 'a');
    store.put('other', 'b');
    ok(lessor.revoke('a'));
    expect(store.txns).toEqual([['abc', 'foo', 'zzz']]);
    expect([...store.data.keys()]).toEqual(['other']);
    expect(lessor.lookup('a')).toBeUndefined();
    expect(lessor.exists('a')).toBe(false);
    expect(lessor.exists('b')).toBe(true);
    expect(lessor.getLease(k('foo'))).toBe('0');
    expect(lessor.getLease(k('other'))).toBe('b');
    expect(lessor.revoke('a')).toEqual({ ok: false, error: 'etcdserver: requested lease not found' });
    expect(lessor.timeToLive('a', false, 0).TTL).toBe(-1);
    expect(store.txns).toHaveLength(1);
  });

  it('still runs one (empty) txn for a lease without keys', () => {
    const { lessor, store } = newLessor();
    ok(lessor.grant('a', 20, 0));
    ok(lessor.revoke('a'));
    expect(store.txns).toEqual([[]]);
  });

  it('revokes an expired lease (that is how expiry ends)', () => {
    const { lessor, store } = newLessor();
    lessor.promote(0, 0);
    ok(lessor.grant('a', 2, 0));
    store.put('k', 'a');
    expect(lessor.findExpiredLeases(5000)).toEqual(['a']);
    ok(lessor.revoke('a'));
    expect(store.data.size).toBe(0);
  });

  it('cleans its key index even if the store does not detach', () => {
    const deleted: string[][] = [];
    const lessor = new Lessor({ minLeaseTTL: 2, rangeDeleter: { deleteKeys: (ks) => deleted.push(names(ks)) } });
    ok(lessor.grant('a', 10, 0));
    ok(lessor.attach('a', [k('x'), k('y')]));
    ok(lessor.revoke('a'));
    expect(deleted).toEqual([['x', 'y']]);
    expect(lessor.getLease(k('x'))).toBe('0');
  });

  it('keeps the lease when the deleter fails', () => {
    const lessor = new Lessor({
      minLeaseTTL: 2,
      rangeDeleter: {
        deleteKeys: () => {
          throw new Error('disk full');
        },
      },
    });
    ok(lessor.grant('a', 10, 0));
    ok(lessor.attach('a', [k('x')]));
    expect(() => lessor.revoke('a')).toThrow('disk full');
    expect(names(lessor.lookup('a')!.keys)).toEqual(['x']);
  });
});

describe('attach / detach bookkeeping', () => {
  it('moves a key from lease A to lease B (mvcc detaches, then attaches)', () => {
    const { lessor, store } = newLessor();
    ok(lessor.grant('a', 20, 0));
    ok(lessor.grant('b', 20, 0));
    store.put('k', 'a');
    store.put('j', 'a');
    expect(lessor.getLease(k('k'))).toBe('a');
    store.put('k', 'b');
    expect(lessor.getLease(k('k'))).toBe('b');
    expect(names(lessor.lookup('a')!.keys)).toEqual(['j']);
    expect(names(lessor.lookup('b')!.keys)).toEqual(['k']);
    ok(lessor.revoke('a'));
    expect(store.txns).toEqual([['j']]);
    expect(store.data.get('k')).toBe('b');
    ok(lessor.revoke('b'));
    expect(store.txns).toEqual([['j'], ['k']]);
  });

  it('moves a key even when attached to B without a detach from A', () => {
    const { lessor } = newLessor();
    ok(lessor.grant('a', 20, 0));
    ok(lessor.grant('b', 20, 0));
    ok(lessor.attach('a', [k('k')]));
    ok(lessor.attach('b', [k('k')]));
    expect(lessor.lookup('a')!.keys).toEqual([]);
    expect(lessor.getLease(k('k'))).toBe('b');
  });

  it('detaches keys (a put without lease, or a delete)', () => {
    const { lessor, store } = newLessor();
    ok(lessor.grant('a', 20, 0));
    store.put('k', 'a');
    store.put('k', '0');
    expect(lessor.getLease(k('k'))).toBe('0');
    expect(lessor.lookup('a')!.keys).toEqual([]);
    // Detaching a key the lease does not hold changes nothing.
    ok(lessor.grant('b', 20, 0));
    ok(lessor.attach('b', [k('x')]));
    ok(lessor.detach('a', [k('x')]));
    expect(lessor.getLease(k('x'))).toBe('b');
  });

  it('refuses unknown leases', () => {
    const { lessor } = newLessor();
    expect(lessor.attach('a', [k('k')])).toEqual({ ok: false, error: 'etcdserver: requested lease not found' });
    expect(lessor.detach('a', [k('k')])).toEqual({ ok: false, error: 'etcdserver: requested lease not found' });
    expect(lessor.getLease(k('k'))).toBe('0');
  });

  it('copies keys and handles arbitrary bytes in byte order', () => {
    const { lessor } = newLessor();
    ok(lessor.grant('a', 20, 0));
    const key = new Uint8Array([0xff, 0x00]);
    ok(lessor.attach('a', [key, new Uint8Array([0x7f]), new Uint8Array([0x00, 0x01])]));
    key[0] = 1; // the caller's buffer changing later must not change the lease
    expect(lessor.lookup('a')!.keys.map((b) => [...b])).toEqual([[0, 1], [0x7f], [0xff, 0]]);
  });
});
