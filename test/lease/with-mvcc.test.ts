// The lessor wired to the real MVCC store, as a member wires them: the store is
// the lessor's RangeDeleter and the lessor is the store's lease hook, with no
// adapter either way. Checks attach on put, one-revision revokes, moving keys
// between leases, int64 IDs beyond 2^53, and snapshot/restore of both.
import { describe, expect, it } from 'vitest';
import { formatLeaseIdDecimal } from '../../src/engine/lease/id.ts';
import { Lessor } from '../../src/engine/lease/lessor.ts';
import { FROM_KEY, t } from '../mvcc/helpers.ts';
import { KVStore, type Event } from '../../src/engine/mvcc/index.ts';
import { k, names, ok } from './helpers.ts';

const BIG_A = '694da1fd142e5505';
const BIG_B = '694da1fd142e5507';

function wired(): { kv: KVStore; lessor: Lessor } {
  const kv = new KVStore();
  const lessor = new Lessor({ minLeaseTTL: 2 });
  kv.setLessor(lessor);
  lessor.setRangeDeleter(kv);
  return { kv, lessor };
}

/** Every live key as "key=value@lease". */
function dump(kv: KVStore): string[] {
  return kv.range({ key: FROM_KEY, rangeEnd: FROM_KEY }).kvs.map((kv) => `${t(kv.key)}=${t(kv.value)}@${kv.lease}`);
}

const keysOf = (lessor: Lessor, id: string): string[] => names(lessor.lookup(id)!.keys);

describe('lessor + mvcc store', () => {
  it('a put with a lease attaches the key; a revoke deletes every attached key in one revision', () => {
    const { kv, lessor } = wired();
    ok(lessor.grant('a', 60, 0));
    ok(lessor.grant('b', 60, 0));
    const commits: [number, Event[]][] = [];
    kv.onCommit((evs, rev) => commits.push([rev, evs]));
    expect(kv.put({ key: k('foo'), value: k('1'), lease: 'a' }).header.revision).toBe(2);
    expect(kv.put({ key: k('bar'), value: k('2'), lease: 'a' }).header.revision).toBe(3);
    expect(kv.put({ key: k('baz'), value: k('3'), lease: 'b' }).header.revision).toBe(4);
    expect(kv.put({ key: k('plain'), value: k('4') }).header.revision).toBe(5);
    expect(keysOf(lessor, 'a')).toEqual(['bar', 'foo']);
    expect(lessor.getLease(k('foo'))).toBe('a');
    expect(kv.leaseOf(k('foo'))).toBe('a');
    expect(lessor.getLease(k('plain'))).toBe('0');

    ok(lessor.revoke('a'));
    expect(kv.rev).toBe(6);
    expect(dump(kv)).toEqual(['baz=3@b', 'plain=4@0']);
    // One commit, both deletes at revision 6 (sub-revisions in key order).
    expect(commits.slice(4).map(([rev, evs]) => [rev, evs.map((e) => `${e.type} ${t(e.kv.key)} ${e.kv.modRevision}`)])).toEqual([
      [6, ['DELETE bar 6', 'DELETE foo 6']],
    ]);
    expect(lessor.lookup('a')).toBeUndefined();
    expect(lessor.getLease(k('foo'))).toBe('0');
    // The store moves on by exactly one.
    expect(kv.put({ key: k('next'), value: k('5') }).header.revision).toBe(7);
    // Revoking a lease with no keys writes nothing.
    ok(lessor.grant('c', 60, 0));
    ok(lessor.revoke('c'));
    expect(kv.rev).toBe(7);
    expect(commits).toHaveLength(6);
  });

  it('overwriting a key with another lease moves it; a plain put or a delete detaches it', () => {
    const { kv, lessor } = wired();
    ok(lessor.grant('a', 60, 0));
    ok(lessor.grant('b', 60, 0));
    kv.put({ key: k('k'), value: k('1'), lease: 'a' });
    kv.put({ key: k('j'), value: k('1'), lease: 'a' });
    kv.put({ key: k('k'), value: k('2'), lease: 'b' });
    expect([keysOf(lessor, 'a'), keysOf(lessor, 'b')]).toEqual([['j'], ['k']]);
    expect([lessor.getLease(k('k')), kv.leaseOf(k('k'))]).toEqual(['b', 'b']);
    kv.put({ key: k('j'), value: k('2') });
    expect(keysOf(lessor, 'a')).toEqual([]);
    ok(lessor.revoke('a'));
    expect(kv.rev).toBe(5); // nothing was left on a
    kv.deleteRange({ key: k('k') });
    expect(keysOf(lessor, 'b')).toEqual([]);
    // A put naming a lease the lessor lacks is refused.
    expect(() => kv.put({ key: k('x'), value: k('1'), lease: 'a' })).toThrow('lease not found');
  });

  it('lease IDs above 2^53 stay distinct end to end', () => {
    // As JS numbers these two IDs are the same value.
    expect(Number(BigInt('0x' + BIG_A))).toBe(Number(BigInt('0x' + BIG_B)));
    const { kv, lessor } = wired();
    ok(lessor.grant(BIG_A, 60, 0));
    ok(lessor.grant(BIG_B, 60, 0));
    kv.put({ key: k('ka'), value: k('1'), lease: BIG_A });
    kv.put({ key: k('kb'), value: k('1'), lease: BIG_B });
    expect(dump(kv)).toEqual([`ka=1@${BIG_A}`, `kb=1@${BIG_B}`]);
    expect(formatLeaseIdDecimal(kv.range({ key: k('ka') }).kvs[0]!.lease)).toBe('7587899055526532357');
    expect([keysOf(lessor, BIG_A), keysOf(lessor, BIG_B)]).toEqual([['ka'], ['kb']]);

    const cmp = (key: string, result: 'EQUAL' | 'LESS', lease: string) =>
      kv.txn({ compare: [{ key: k(key), target: 'LEASE', result, lease }] }).succeeded;
    expect([cmp('ka', 'EQUAL', BIG_A), cmp('kb', 'EQUAL', BIG_A), cmp('ka', 'LESS', BIG_B)]).toEqual([true, false, true]);
    // Signed int64 order: -5 (fffffffffffffffb) is below every positive ID.
    expect([cmp('ka', 'LESS', 'fffffffffffffffb'), cmp('ka', 'LESS', '7fffffffffffffff')]).toEqual([false, true]);

    // The hash tells them apart too.
    const hashWith = (lease: string) => {
      const s = wired();
      ok(s.lessor.grant(lease, 60, 0));
      s.kv.put({ key: k('ka'), value: k('1'), lease });
      return s.kv.hashKV().hash;
    };
    expect(hashWith(BIG_A)).not.toBe(hashWith(BIG_B));

    ok(lessor.revoke(BIG_A));
    expect(dump(kv)).toEqual([`kb=1@${BIG_B}`]);
    expect(lessor.getLease(k('kb'))).toBe(BIG_B);
  });

  it('snapshot + restore of both stores re-attaches keys, in either restore order', () => {
    const { kv, lessor } = wired();
    ok(lessor.grant('a', 60, 0));
    ok(lessor.grant(BIG_A, 60, 0));
    ok(lessor.grant(BIG_B, 60, 0));
    kv.put({ key: k('x'), value: k('1'), lease: 'a' });
    kv.put({ key: k('y'), value: k('1'), lease: 'a' });
    kv.put({ key: k('z'), value: k('1'), lease: BIG_B });
    kv.put({ key: k('y'), value: k('2'), lease: BIG_A }); // moved
    const kvSnap = kv.snapshot();
    const leaseSnap = lessor.snapshot();

    for (const order of ['lessor first', 'kv first']) {
      const c = wired();
      c.kv.put({ key: k('junk'), value: k('1') });
      if (order === 'lessor first') {
        c.lessor.restore(leaseSnap);
        c.kv.restore(kvSnap); // re-attaches keys the lessor already holds
      } else {
        c.kv.restore(kvSnap); // the leases do not exist yet: attaches fail quietly
        c.lessor.restore(leaseSnap);
      }
      expect(c.kv.hash(), order).toBe(kv.hash());
      expect(dump(c.kv)).toEqual(['x=1@a', `y=2@${BIG_A}`, `z=1@${BIG_B}`]);
      expect([keysOf(c.lessor, 'a'), keysOf(c.lessor, BIG_A), keysOf(c.lessor, BIG_B)]).toEqual([['x'], ['y'], ['z']]);
      ok(c.lessor.revoke('a'));
      expect(c.kv.rev).toBe(kv.rev + 1);
      expect(dump(c.kv)).toEqual([`y=2@${BIG_A}`, `z=1@${BIG_B}`]);
    }

    // The store's restore alone re-attaches keys to a lessor that has the leases.
    const c = wired();
    for (const id of ['a', BIG_A, BIG_B]) ok(c.lessor.grant(id, 60, 0));
    c.kv.restore(kvSnap);
    expect([keysOf(c.lessor, 'a'), keysOf(c.lessor, BIG_A), keysOf(c.lessor, BIG_B)]).toEqual([['x'], ['y'], ['z']]);
    // Re-attaching a key already on the lease changes nothing.
    ok(c.lessor.attach('a', [k('x')]));
    expect(keysOf(c.lessor, 'a')).toEqual(['x']);
  });
});
