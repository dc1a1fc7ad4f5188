// Range: limit/count/more, sorting, keys-only/count-only, revision filters and
// key ranges. Expectations marked "etcd 3.4.23" were observed on a real etcd
// (the same writes through its JSON gateway; revisions shifted by its offset).
import { describe, expect, it } from 'vitest';
import { KVStore, ErrGRPCEmptyKey, type RangeRequest } from '../../src/engine/mvcc/index.ts';
import { FROM_KEY, b, expectKvError, keysOf, kvRow, put3 } from './helpers.ts';

/** s1..s5 (values vs1..vs5) at revisions 2..6, then s2 rewritten at 7 and 8: s2 has version 3. */
function sStore(): KVStore {
  const s = new KVStore();
  for (let i = 1; i <= 5; i++) s.put({ key: b(`s${i}`), value: b(`vs${i}`) });
  s.put({ key: b('s2'), value: b('again') });
  s.put({ key: b('s2'), value: b('again2') });
  return s;
}

const S = { key: b('s'), rangeEnd: b('t') };

describe('range: limit, count, more, sort, filters (etcd 3.4.23)', () => {
  const cases: { name: string; req: Partial<RangeRequest>; keys: string[]; more: boolean; count: number }[] = [
    { name: 'whole range', req: {}, keys: ['s1', 's2', 's3', 's4', 's5'], more: false, count: 5 },
    { name: 'limit 2', req: { limit: 2 }, keys: ['s1', 's2'], more: true, count: 5 },
    { name: 'limit = matches', req: { limit: 5 }, keys: ['s1', 's2', 's3', 's4', 's5'], more: false, count: 5 },
    { name: 'limit 0 is no limit', req: { limit: 0 }, keys: ['s1', 's2', 's3', 's4', 's5'], more: false, count: 5 },
    { name: 'negative limit is no limit', req: { limit: -3 }, keys: ['s1', 's2', 's3', 's4', 's5'], more: false, count: 5 },
    { name: 'min mod filter: count is not filtered', req: { minModRevision: 4 }, keys: ['s2', 's3', 's4', 's5'], more: false, count: 5 },
    { name: 'max mod filter', req: { maxModRevision: 4 }, keys: ['s1', 's3'], more: false, count: 5 },
    { name: 'min create filter', req: { minCreateRevision: 4 }, keys: ['s3', 's4', 's5'], more: false, count: 5 },
    { name: 'max create filter', req: { maxCreateRevision: 3 }, keys: ['s1', 's2'], more: false, count: 5 },
    { name: 'filter then limit: more counts filtered keys', req: { limit: 2, minModRevision: 3 }, keys: ['s2', 's3'], more: true, count: 5 },
    { name: 'count only', req: { countOnly: true }, keys: [], more: false, count: 5 },
    { name: 'count only ignores filters and limit', req: { countOnly: true, minModRevision: 4, limit: 2 }, keys: [], more: false, count: 5 },
    { name: 'sort version descend, limit 2', req: { limit: 2, sortOrder: 'DESCEND', sortTarget: 'VERSION' }, keys: ['s2', 's1'], more: true, count: 5 },
    { name: 'sort target mod without order sorts ascending', req: { sortTarget: 'MOD' }, keys: ['s1', 's3', 's4', 's5', 's2'], more: false, count: 5 },
    { name: 'sort value descend', req: { sortOrder: 'DESCEND', sortTarget: 'VALUE' }, keys: ['s5', 's4', 's3', 's1', 's2'], more: false, count: 5 },
    { name: 'sort value ascend', req: { sortOrder: 'ASCEND', sortTarget: 'VALUE' }, keys: ['s2', 's1', 's3', 's4', 's5'], more: false, count: 5 },
    { name: 'sort key descend', req: { sortOrder: 'DESCEND', sortTarget: 'KEY' }, keys: ['s5', 's4', 's3', 's2', 's1'], more: false, count: 5 },
    { name: 'sort key descend, limit 1', req: { sortOrder: 'DESCEND', limit: 1 }, keys: ['s5'], more: true, count: 5 },
    { name: 'sort create descend', req: { sortOrder: 'DESCEND', sortTarget: 'CREATE' }, keys: ['s5', 's4', 's3', 's2', 's1'], more: false, count: 5 },
    { name: 'sort mod descend', req: { sortOrder: 'DESCEND', sortTarget: 'MOD' }, keys: ['s2', 's5', 's4', 's3', 's1'], more: false, count: 5 },
    { name: 'sort version ascend: ties stay in key order', req: { sortOrder: 'ASCEND', sortTarget: 'VERSION' }, keys: ['s1', 's3', 's4', 's5', 's2'], more: false, count: 5 },
    { name: 'historical: at revision 4', req: { revision: 4 }, keys: ['s1', 's2', 's3'], more: false, count: 3 },
    { name: 'historical with limit', req: { revision: 6, limit: 4 }, keys: ['s1', 's2', 's3', 's4'], more: true, count: 5 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = sStore().range({ ...S, ...c.req });
      expect(keysOf(r.kvs)).toEqual(c.keys);
      expect(r.more).toBe(c.more);
      expect(r.count).toBe(c.count);
      expect(r.header.revision).toBe(8);
    });
  }

  it('a sort target without an order sorts only the first limit+1 keys (etcd quirk)', () => {
    const s = new KVStore();
    for (const k of ['u3', 'u2', 'u1']) s.put({ key: b(k), value: b('x') });
    const base = { key: b('u'), rangeEnd: b('v'), limit: 1 } as const;
    // etcd 3.4.23 answers u2 here (it fetched u1, u2 then sorted), but u3 with an explicit order.
    expect(keysOf(s.range({ ...base, sortTarget: 'MOD' }).kvs)).toEqual(['u2']);
    expect(keysOf(s.range({ ...base, sortTarget: 'MOD', sortOrder: 'ASCEND' }).kvs)).toEqual(['u3']);
  });
});

describe('range: keys and ranges', () => {
  it('keysOnly leaves values empty but keeps the metadata', () => {
    const r = sStore().range({ key: b('s2'), keysOnly: true });
    expect(kvRow(r.kvs[0]!)).toEqual(['s2', '', 3, 8, 3, '0']);
  });

  it('TestKVRangeLimit: count is every match whatever the limit', () => {
    const s = put3();
    for (const limit of [-1, 0, 1, 2, 3, 4]) {
      const r = s.range({ key: b('foo'), rangeEnd: b('foo3'), limit });
      const n = limit <= 0 || limit > 3 ? 3 : limit;
      expect(r.kvs).toHaveLength(n);
      expect(r.count).toBe(3);
      expect(r.more).toBe(n < 3);
    }
  });

  it('single key, [key, end), prefix, from-key and everything', () => {
    const s = new KVStore();
    for (const k of ['a', 'ab', 'abc', 'b', 'c\u00ff', 'd']) s.put({ key: b(k), value: b('v') });
    s.put({ key: new Uint8Array([0xff, 0x01]), value: b('hi') });
    const names = (req: Partial<RangeRequest> & { key: Uint8Array }) =>
      s.range(req).kvs.map((kv) => Array.from(kv.key, (x) => x.toString(16).padStart(2, '0')).join(''));
    const hex = (...ks: string[]) => ks.map((k) => Array.from(b(k), (x) => x.toString(16).padStart(2, '0')).join(''));
    expect(names({ key: b('ab') })).toEqual(hex('ab'));
    expect(names({ key: b('zz') })).toEqual([]);
    expect(names({ key: b('a'), rangeEnd: b('b') })).toEqual(hex('a', 'ab', 'abc'));
    expect(names({ key: b('ab'), rangeEnd: b('ac') })).toEqual(hex('ab', 'abc')); // prefix "ab"
    expect(names({ key: b('b'), rangeEnd: FROM_KEY })).toEqual([...hex('b', 'c\u00ff', 'd'), 'ff01']);
    expect(names({ key: FROM_KEY, rangeEnd: FROM_KEY })).toEqual([...hex('a', 'ab', 'abc', 'b', 'c\u00ff', 'd'), 'ff01']);
    // Keys compare as bytes: 0xff sorts after every ASCII key.
    expect(names({ key: b('d'), rangeEnd: new Uint8Array([0xff, 0x02]) })).toEqual([...hex('d'), 'ff01']);
    // An end at or before the key is an empty range.
    expect(names({ key: b('c'), rangeEnd: b('a') })).toEqual([]);
    expect(names({ key: b('a'), rangeEnd: b('a') })).toEqual([]);
  });

  it('binary keys and values round-trip byte for byte', () => {
    const s = new KVStore();
    const key = new Uint8Array([0, 0x80, 0x9f, 0xef, 0xbb, 0xbf, 0xff]);
    const value = new Uint8Array(300).map((_, i) => (i * 37) & 0xff);
    s.put({ key, value });
    const kv = s.range({ key }).kvs[0]!;
    expect(Array.from(kv.key)).toEqual(Array.from(key));
    expect(Array.from(kv.value)).toEqual(Array.from(value));
    // A UTF-8 BOM at the start of a long value must not be swallowed.
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...b('x'.repeat(40))]);
    s.put({ key: b('bom'), value: bom });
    expect(Array.from(s.range({ key: b('bom') }).kvs[0]!.value)).toEqual(Array.from(bom));
  });

  it('returned bytes are copies: mutating them does not change the store', () => {
    const s = new KVStore();
    const value = b('value');
    s.put({ key: b('k'), value });
    value[0] = 0;
    const kv = s.range({ key: b('k') }).kvs[0]!;
    kv.value[0] = 0;
    expect(s.range({ key: b('k') }).kvs[0]!.value).toEqual(b('value'));
  });

  it('an empty key is refused', () => {
    expectKvError(() => new KVStore().range({ key: new Uint8Array(0) }), ErrGRPCEmptyKey, ErrGRPCEmptyKey);
  });
});

describe('range: ties under a sort come out as etcd 3.4.23 (go1.19.8 sort.Sort) puts them', () => {
  const words = (s: string) => s.trim().split(/\s+/);
  const sorted = (s: KVStore, prefix: string, sortTarget: 'VERSION' | 'VALUE', sortOrder: 'ASCEND' | 'DESCEND') =>
    keysOf(s.range({ key: b(prefix), rangeEnd: b(String.fromCharCode(prefix.charCodeAt(0) + 1)), keysOnly: true, sortTarget, sortOrder }).kvs);

  it('30 keys, every third at version 2, sorted by version', () => {
    const s = new KVStore();
    for (let i = 10; i <= 39; i++) s.put({ key: b(`w${i}`), value: b('x') });
    for (let i = 10; i <= 39; i += 3) s.put({ key: b(`w${i}`), value: b('y') });
    expect(sorted(s, 'w', 'VERSION', 'ASCEND')).toEqual(words('w24 w12 w38 w36 w14 w15 w35 w17 w18 w33 w20 w21 w32 w23 w39 w11 w26 w27 w30 w29 w28 w31 w22 w19 w34 w16 w13 w37 w25 w10'));
    expect(sorted(s, 'w', 'VERSION', 'DESCEND')).toEqual(words('w22 w37 w34 w13 w31 w28 w16 w10 w25 w19 w17 w29 w20 w23 w24 w18 w26 w27 w15 w21 w30 w14 w32 w33 w12 w35 w36 w11 w38 w39'));
  });

  it('60 keys with five distinct values, sorted by value, then by version', () => {
    const s = new KVStore();
    for (let i = 100; i <= 159; i++) s.put({ key: b(`y${i}`), value: b(`v${(i * 7) % 5}`) });
    expect(sorted(s, 'y', 'VALUE', 'ASCEND')).toEqual(words('y140 y130 y155 y110 y120 y105 y150 y100 y135 y145 y115 y125 y138 y113 y158 y123 y108 y133 y118 y148 y153 y143 y128 y103 y131 y136 y126 y101 y156 y151 y121 y106 y146 y111 y141 y116 y149 y124 y114 y139 y159 y134 y154 y104 y144 y109 y129 y119 y147 y107 y137 y132 y152 y117 y142 y102 y122 y157 y127 y112 '));
    expect(sorted(s, 'y', 'VALUE', 'DESCEND')).toEqual(words('y112 y137 y102 y157 y147 y122 y152 y107 y132 y117 y127 y142 y114 y129 y124 y139 y159 y109 y134 y119 y149 y144 y154 y104 y131 y136 y126 y101 y156 y121 y106 y151 y146 y111 y141 y116 y133 y148 y138 y123 y158 y118 y113 y143 y103 y128 y153 y108 y110 y135 y150 y100 y130 y120 y105 y155 y145 y125 y140 y115 '));
    for (let i = 100; i <= 159; i += 4) s.put({ key: b(`y${i}`), value: b(`v${(i * 7) % 5}`) });
    expect(sorted(s, 'y', 'VERSION', 'ASCEND')).toEqual(words('y130 y143 y102 y103 y129 y105 y106 y107 y159 y109 y110 y111 y158 y113 y114 y115 y155 y117 y118 y119 y154 y121 y122 y123 y153 y125 y126 y127 y157 y151 y150 y131 y149 y133 y134 y135 y147 y137 y138 y139 y146 y141 y142 y101 y145 y100 y124 y136 y152 y132 y144 y140 y148 y104 y120 y116 y156 y128 y112 y108 '));
    expect(sorted(s, 'y', 'VERSION', 'DESCEND')).toEqual(words('y116 y156 y152 y148 y104 y144 y140 y136 y108 y132 y100 y128 y112 y124 y120 y130 y138 y117 y118 y119 y114 y121 y122 y123 y113 y125 y126 y127 y111 y129 y110 y131 y109 y133 y134 y135 y107 y137 y115 y139 y106 y141 y142 y143 y105 y145 y146 y147 y103 y149 y150 y151 y102 y153 y154 y155 y101 y157 y158 y159 '));
  });
});
