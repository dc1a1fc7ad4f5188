import { describe, expect, it } from 'vitest';
import { Lessor } from '../../src/engine/lease/lessor.ts';
import { decodeLeases, encodeLeases } from '../../src/engine/lease/snapshot.ts';
import type { LeaseCheckpointRequest } from '../../src/engine/lease/types.ts';
import { utf8 } from '../../src/engine/util/bytes.ts';
import { k, names, newLessor, ok } from './helpers.ts';

describe('checkpoints', () => {
  it('make the next promote count from the checkpointed remaining TTL', () => {
    const { lessor } = newLessor();
    ok(lessor.grant('a', 100, 0));
    lessor.checkpoint('a', 40, 0); // applied from raft on every member
    expect(lessor.lookup('a')!.remainingTTL).toBe(40);
    lessor.promote(1000, 5000);
    expect(lessor.timeToLive('a', false, 5000)).toMatchObject({ TTL: 41, grantedTTL: 100 });
    lessor.checkpoint('missing', 5, 0); // ignored, like etcd
    expect(lessor.lookup('missing')).toBeUndefined();
  });

  it('are proposed by the primary for long leases, every interval, with the ceil of the remaining time', () => {
    const sent: LeaseCheckpointRequest[] = [];
    const { lessor } = newLessor({ checkpointer: (r) => sent.push(r), checkpointIntervalMs: 10_000 });
    lessor.promote(0, 0);
    ok(lessor.grant('c0', 60, 0));
    ok(lessor.grant('c1', 10, 0)); // TTL not above the interval: never checkpointed
    expect(lessor.checkpointScheduledLeases(9_999)).toEqual([]);
    const due = lessor.checkpointScheduledLeases(10_500);
    expect(due).toEqual([{ checkpoints: [{ ID: 'c0', remaining_TTL: 50 }] }]); // 49.5 s → 50
    expect(sent).toEqual(due);
    // Applying it (as raft would) schedules the next one.
    lessor.checkpoint('c0', 50, 10_500);
    expect(lessor.checkpointScheduledLeases(20_500)).toEqual([{ checkpoints: [{ ID: 'c0', remaining_TTL: 40 }] }]);
  });

  it('are not proposed off the primary or without a checkpointer', () => {
    const sent: LeaseCheckpointRequest[] = [];
    const follower = newLessor({ checkpointer: (r) => sent.push(r), checkpointIntervalMs: 1000 }).lessor;
    ok(follower.grant('a', 60, 0));
    expect(follower.checkpointScheduledLeases(1e6)).toEqual([]);
    const plain = newLessor({ checkpointIntervalMs: 1000 }).lessor;
    plain.promote(0, 0);
    ok(plain.grant('a', 60, 0));
    expect(plain.checkpointScheduledLeases(5000)).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('are dropped on demote', () => {
    const sent: LeaseCheckpointRequest[] = [];
    const { lessor } = newLessor({ checkpointer: (r) => sent.push(r), checkpointIntervalMs: 2000 });
    lessor.promote(0, 0);
    ok(lessor.grant('a', 60, 0)); // checkpoint scheduled for 2000
    lessor.demote();
    lessor.promote(0, 500);
    // Only the new primary term's schedule (due at 2500) remains.
    expect(lessor.checkpointScheduledLeases(2499)).toEqual([]);
    expect(lessor.checkpointScheduledLeases(2500)).toEqual([{ checkpoints: [{ ID: 'a', remaining_TTL: 58 }] }]);
  });

  it('are cleared by a keep-alive so the renewal gets the full TTL', () => {
    const sent: LeaseCheckpointRequest[] = [];
    const { lessor } = newLessor({ checkpointer: (r) => sent.push(r) });
    ok(lessor.grant('a', 100, 0));
    lessor.checkpoint('a', 30, 0);
    lessor.promote(0, 0);
    expect(lessor.lookup('a')!.expiry).toBe(30_000);
    expect(lessor.renew('a', 1000)).toEqual({ ok: true, value: 100 });
    expect(sent).toEqual([{ checkpoints: [{ ID: 'a', remaining_TTL: 0 }] }]);
    expect(lessor.lookup('a')).toMatchObject({ remainingTTL: 0, expiry: 101_000 });
    ok(lessor.renew('a', 2000)); // nothing left to clear: no second proposal
    expect(sent).toHaveLength(1);
  });
});

describe('snapshot / restore', () => {
  it('round-trips leases with remaining TTLs and keys; expiry is forever until promoted', () => {
    const { lessor, store } = newLessor();
    lessor.promote(1000, 0);
    ok(lessor.grant('a', 100, 0));
    ok(lessor.grant('b', 10, 0));
    ok(lessor.grant('fffffffffffffffb', 30, 0));
    store.put('x', 'a');
    store.put('y', 'a');
    store.put('z', 'b');
    lessor.checkpoint('a', 40, 0);
    const bytes = lessor.snapshot();

    const restarted = new Lessor({ minLeaseTTL: 2 });
    restarted.restore(bytes);
    expect(restarted.leases().map((l) => [l.ID, l.TTL, l.remainingTTL, l.expiry, names(l.keys)])).toEqual([
      ['fffffffffffffffb', 30, 0, Infinity, []],
      ['a', 100, 40, Infinity, ['x', 'y']],
      ['b', 10, 0, Infinity, ['z']],
    ]);
    expect(restarted.getLease(k('y'))).toBe('a');
    expect(restarted.findExpiredLeases(1e9)).toEqual([]);
    restarted.promote(1000, 50_000);
    expect(restarted.timeToLive('a', false, 50_000).TTL).toBe(41); // 40 s checkpointed + 1 s
    expect(restarted.timeToLive('b', false, 50_000).TTL).toBe(11); // no checkpoint: full TTL + 1 s
    expect(restarted.snapshot()).toEqual(bytes);
  });

  it('produces the same bytes for the same state, whatever the order it was built in', () => {
    const one = newLessor();
    const two = newLessor();
    ok(one.lessor.grant('1', 10, 0));
    ok(one.lessor.grant('2', 20, 0));
    one.store.put('q', '1');
    one.store.put('p', '1');
    ok(two.lessor.grant('2', 20, 0));
    ok(two.lessor.grant('1', 10, 0));
    two.store.put('p', '1');
    two.store.put('q', '1');
    // Expiry is per member and not persisted: a primary's snapshot equals a follower's.
    two.lessor.promote(1000, 123);
    expect(two.lessor.snapshot()).toEqual(one.lessor.snapshot());
    expect(decodeLeases(one.lessor.snapshot()).map((l) => l.ID)).toEqual(['1', '2']);
  });

  it('raises TTLs below the restoring member’s minimum and replaces the old state', () => {
    const bytes = encodeLeases([{ ID: '7', TTL: 2, remainingTTL: 0, keys: [k('x')] }]);
    const { lessor } = newLessor({ minLeaseTTL: 5 });
    ok(lessor.grant('9', 10, 0));
    ok(lessor.attach('9', [k('old')]));
    lessor.restore(bytes);
    expect(lessor.leases().map((l) => [l.ID, l.TTL])).toEqual([['7', 5]]);
    expect(lessor.getLease(k('old'))).toBe('0');
    expect(lessor.getLease(k('x'))).toBe('7');
  });

  it('refuses bytes that are not a lessor snapshot', () => {
    const { lessor } = newLessor();
    expect(() => lessor.restore(utf8('{"format":"x"}'))).toThrow(/unknown format/);
    expect(() =>
      lessor.restore(utf8('{"format":"etcd-playground/lessor","version":1,"leases":[{"ID":"01","TTL":1,"remainingTTL":0,"keys":[]}]}')),
    ).toThrow(/bad lease/);
  });
});
