// Lease expiry in the fuzz: short leases expire (some never kept alive, some
// kept alive until the clients stop), the model takes an expiry as a revoke
// that may happen any time after the TTL, and a leader that expires a lease
// early is caught.
import { describe, expect, it } from 'vitest';
import { checkOperations } from '../../src/engine/check/index.ts';
import type { Operation } from '../../src/engine/check/index.ts';
import { fuzzModel, parseBugs, parseFaults, runFuzz, summarize, type FuzzInput, type FuzzOutput } from '../../src/engine/server/fuzz/index.ts';

const op = (clientId: number, call: number, ret: number, input: FuzzInput, output: FuzzOutput): Operation<FuzzInput, FuzzOutput> => ({
  clientId,
  call,
  return: ret,
  input,
  output,
});

describe('the model: a lease expiry is a revoke nobody asked for', () => {
  // Lease a (TTL 2 s) granted at 0, key x put with it; at 5000 x is gone at revision 3.
  const base = [
    op(0, 0, 1, { type: 'leaseGrant', id: 'a' }, { type: 'leaseGrant' }),
    op(0, 2, 3, { type: 'put', key: 'x', value: '1', lease: 'a' }, { type: 'put', revision: 2 }),
    op(1, 5000, 5001, { type: 'get', key: 'x' }, { type: 'get', revision: 3, kvs: [] }),
  ];

  it('explains a key that vanished once the TTL ran out', () => {
    const expiry = op(9, 2000, Infinity, { type: 'leaseExpire', id: 'a' }, { type: 'leaseRevoke', revision: 3 });
    expect(checkOperations(fuzzModel, [...base, expiry]).verdict).toBe('linearizable');
    // Without it nothing deleted x.
    expect(checkOperations(fuzzModel, base).verdict).toBe('not-linearizable');
  });

  it('cannot take effect before the TTL ran out', () => {
    // A read at 1500 already misses x: the expiry (not before 2000) cannot explain it.
    const early = [...base.slice(0, 2), op(1, 1500, 1501, { type: 'get', key: 'x' }, { type: 'get', revision: 3, kvs: [] })];
    const expiry = op(9, 2000, Infinity, { type: 'leaseExpire', id: 'a' }, { type: 'leaseRevoke', revision: 3 });
    expect(checkOperations(fuzzModel, [...early, expiry]).verdict).toBe('not-linearizable');
  });

  it('an unsettled expiry may also never happen, and a later put with the lease then fails', () => {
    const expiry = op(9, 2000, Infinity, { type: 'leaseExpire', id: 'a' }, { type: 'unknown' });
    const kept = [...base.slice(0, 2), op(1, 5000, 5001, { type: 'get', key: 'x' }, { type: 'get', revision: 2, kvs: [{ key: 'x', value: '1', createRevision: 2, modRevision: 2, version: 1 }] })];
    expect(checkOperations(fuzzModel, [...kept, expiry]).verdict).toBe('linearizable');
    const refused = [...kept, op(1, 6000, 6001, { type: 'put', key: 'y', value: '2', lease: 'a' }, { type: 'failed', leaseNotFound: true })];
    expect(checkOperations(fuzzModel, [...refused, expiry]).verdict).toBe('linearizable');
    // Refused before the TTL could have run out: no expiry explains it.
    const tooSoon = [...base.slice(0, 2), op(1, 500, 501, { type: 'put', key: 'y', value: '2', lease: 'a' }, { type: 'failed', leaseNotFound: true })];
    expect(checkOperations(fuzzModel, [...tooSoon, expiry]).verdict).toBe('not-linearizable');
  });
});

describe('fuzz: leases expire and every check passes', () => {
  it('short leases expire, kept ones are renewed, and the runs stay linearizable', () => {
    let expired = 0;
    let keepAlives = 0;
    let watched = 0;
    // Seeds until a watch saw an expired lease's keys deleted (at most 8).
    for (let seed = 1; seed <= 8 && (seed <= 3 || watched === 0); seed++) {
      const r = runFuzz({ seed, nodes: 3, faults: parseFaults('crash,partition,transfer'), ops: 150 });
      expect(r.failure, summarize(r)).toBeUndefined();
      expect(r.stats.linVerdict).toBe('linearizable');
      expired += r.stats.leaseExpiries;
      keepAlives += r.stats.keepAlives;
      watched += r.stats.expiryEventsWatched;
    }
    expect(expired).toBeGreaterThan(2);
    expect(keepAlives).toBeGreaterThan(0);
    // Watches delivered the DELETEs of expired leases' keys (checked against the committed history like any event).
    expect(watched).toBeGreaterThan(0);
  });

  it('lease-early (the leader expires leases a second early) fails the lease-expiry check, also right after a leader change', () => {
    const failures = [1, 2, 3, 4].map((seed) => runFuzz({ seed, nodes: 3, faults: parseFaults('crash,partition,transfer'), ops: 150, bugs: parseBugs('lease-early') }).failure);
    const caught = failures.filter((f) => f !== undefined);
    expect(caught.length).toBeGreaterThan(0);
    for (const f of caught) {
      expect(f.check).toBe('lease-expiry');
      expect(f.witness).toMatch(/^lease \w+ \(TTL \d s\) expired early: \w+ handed it out for revocation at \d+ ms, but /);
    }
    // A new leader must extend every lease it took over: expiring one before that is caught too.
    expect(caught.some((f) => / took over as leader at [\d.]+ ms, extending it by 1000 ms, so not before /.test(f.witness))).toBe(true);
  });
});
