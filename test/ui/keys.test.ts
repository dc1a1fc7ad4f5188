import { describe, expect, it } from 'vitest';
import { KVStore } from '../../src/engine/mvcc/kvstore.ts';
import { Lessor } from '../../src/engine/lease/lessor.ts';
import { buildKeyTree, flattenTree, readStore, revisionAxis, segments, type KeyEntry } from '../../src/ui/model/keys.ts';
import { leaseFraction, leaseSeconds, readLeases } from '../../src/ui/model/leases.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const entry = (key: string): KeyEntry => ({ key, value: 'v', create: 2, mod: 2, version: 1, lease: '' });

describe('key tree', () => {
  it('splits keys after each slash', () => {
    expect(segments('/a/b')).toEqual(['/', 'a/', 'b']);
    expect(segments('foo')).toEqual(['foo']);
    expect(segments('a/b/')).toEqual(['a/', 'b/']);
    expect(segments('')).toEqual(['']);
  });

  it('nests keys under their prefixes, sorted, with counts', () => {
    const t = buildKeyTree(['/app/db/port', '/app/db/host', '/app', 'greeting'].map(entry));
    expect(t.count).toBe(4);
    expect(t.children.map((c) => c.name)).toEqual(['/', 'greeting']);
    const app = t.children[0]!.children[0]!;
    expect(app.path).toBe('/app');
    expect(app.entry?.key).toBe('/app'); // "/app" is a key ...
    const appDir = t.children[0]!.children[1]!;
    expect(appDir.path).toBe('/app/'); // ... and "/app/" a prefix
    expect(appDir.count).toBe(2);
    expect(appDir.children[0]!.children.map((c) => c.path)).toEqual(['/app/db/host', '/app/db/port']);
  });

  it('flattens open prefixes only', () => {
    const t = buildKeyTree(['/a/x', '/a/y', '/b'].map(entry));
    expect(flattenTree(t, new Set()).map((r) => `${r.depth}:${r.node.name}`)).toEqual(['0:/', '1:a/', '2:x', '2:y', '1:b']);
    expect(flattenTree(t, new Set(['/a/'])).map((r) => r.node.path)).toEqual(['/', '/a/', '/b']);
  });
});

describe('store reads', () => {
  it('copies keys and history, and lays out the revision axis', () => {
    const kv = new KVStore();
    kv.put({ key: enc('a'), value: enc('1') });
    kv.put({ key: enc('b'), value: enc('2') });
    kv.put({ key: enc('a'), value: enc('3') });
    kv.deleteRange({ key: enc('b') });
    kv.put({ key: enc('c'), value: enc('4') });
    kv.compact(3);
    const d = readStore(kv);
    expect(d.currentRev).toBe(6);
    expect(d.compactRev).toBe(3);
    expect(d.keys.map((k) => [k.key, k.value, k.create, k.mod, k.version])).toEqual([
      ['a', '3', 2, 4, 2],
      ['c', '4', 6, 6, 1],
    ]);
    const ax = revisionAxis(d);
    expect(ax.hi).toBe(6);
    expect(ax.compactRev).toBe(3);
    expect(ax.rows.map((r) => r.key)).toEqual(['c', 'b', 'a']);
    expect(ax.rows.find((r) => r.key === 'b')!.points.map((p) => p.type)).toContain('DELETE');
    expect(ax.rows.find((r) => r.key === 'b')!.live).toBe(false);
  });

  it('copies leases with their remaining time and keys', () => {
    const l = new Lessor({ minLeaseTTL: 1 });
    l.grant('10', 10, 0);
    l.attach('10', [enc('k')]);
    let [e] = readLeases(l, 1000);
    expect(e).toEqual({ id: '10', ttl: 10, remainingMs: undefined, keys: ['k'] });
    expect(leaseFraction(e!)).toBe(1);
    expect(leaseSeconds(e!)).toBe('∞');
    l.promote(0, 0);
    [e] = readLeases(l, 2500);
    expect(e!.remainingMs).toBe(7500);
    expect(leaseFraction(e!)).toBeCloseTo(0.75);
    expect(leaseSeconds(e!)).toBe('7');
  });
});
