// Txn: revision rules, read-your-writes, nested txns, compare semantics and
// request validation. Cases marked "etcd 3.4.23" were run on a real etcd
// through its JSON gateway with the same requests.
import { describe, expect, it } from 'vitest';
import {
  KVStore,
  ErrCompacted,
  ErrFutureRev,
  ErrGRPCDuplicateKey,
  ErrGRPCEmptyKey,
  ErrGRPCKeyNotFound,
  ErrGRPCTooManyOps,
  ErrKeyNotFound,
  ErrLeaseNotFound,
  toBinary,
  type Compare,
  type RequestOp,
  type TxnRequest,
} from '../../src/engine/mvcc/index.ts';
import { FROM_KEY, b, expectKvError, keysOf, kvRow } from './helpers.ts';

const put = (k: string, v = 'v'): RequestOp => ({ requestPut: { key: b(k), value: b(v) } });
const get = (k: string, end?: string): RequestOp => ({ requestRange: { key: b(k), rangeEnd: end === undefined ? undefined : b(end) } });
const del = (k: string, end?: Uint8Array): RequestOp => ({ requestDeleteRange: { key: b(k), rangeEnd: end } });
const sub = (r: TxnRequest): RequestOp => ({ requestTxn: r });

describe('txn revisions', () => {
  it('all writes share one main revision with increasing sub revisions', () => {
    const s = new KVStore();
    s.put({ key: b('x'), value: b('0') });
    const subs: string[] = [];
    s.onCommit((evs, rev) => subs.push(`${rev}:${evs.map((e) => `${e.type} ${new TextDecoder().decode(e.kv.key)}@${e.kv.modRevision}`).join(',')}`));
    const r = s.txn({ success: [put('a'), put('b'), del('x'), put('c')] });
    expect(r.header.revision).toBe(3);
    expect(r.responses.map((op) => op.responsePut?.header.revision ?? op.responseDeleteRange?.header.revision)).toEqual([3, 3, 3, 3]);
    expect(subs).toEqual(['3:PUT a@3,PUT b@3,DELETE x@3,PUT c@3']);
    // The backend holds (3,0) (3,1) (3,2) (3,3) in write order.
    const order: string[] = [];
    s.backend.scan(0, Infinity, (rev, rec) => {
      order.push(`${Math.floor(rev / 2 ** 21)}.${rev % 2 ** 21}=${rec.key}${rec.tombstone ? '(t)' : ''}`);
    });
    expect(order).toEqual(['2.0=x', '3.0=a', '3.1=b', '3.2=x(t)', '3.3=c']);
  });

  it('put and delete of one key in a write txn both carry base+1 (TestKVTxnOperationInSequence)', () => {
    const s = new KVStore();
    const tx = s.write();
    expect(tx.put(toBinary(b('foo')), b('bar'), '0')).toBe(2);
    expect(tx.range(toBinary(b('foo')), undefined, {}).records.map((r) => new TextDecoder().decode(r.value))).toEqual(['bar']);
    expect(tx.deleteRange(toBinary(b('foo')), undefined)).toBe(1);
    expect(tx.readRev()).toBe(2);
    tx.end();
    expect(s.rev).toBe(2);
    expect(s.range({ key: b('foo') }).kvs).toEqual([]);
  });

  it('reads inside a txn see its earlier writes (etcd 3.4.23)', () => {
    const s = new KVStore();
    for (let i = 0; i < 5; i++) s.put({ key: b(`pad${i}`), value: b('p') });
    s.put({ key: b('z1'), value: b('1') }); // 7
    const r = s.txn({ success: [get('n1'), put('n1', '1'), get('n1'), put('n2', '1'), { requestDeleteRange: { key: b('z1'), prevKv: true } }, get('n', 'o')] });
    expect(r.header.revision).toBe(8);
    const [r0, p1, r2, p3, d4, r5] = r.responses;
    expect([r0!.responseRange!.header.revision, r0!.responseRange!.kvs]).toEqual([7, []]);
    expect(p1!.responsePut!.header.revision).toBe(8);
    expect(r2!.responseRange!.header.revision).toBe(8);
    expect(r2!.responseRange!.kvs.map(kvRow)).toEqual([['n1', '1', 8, 8, 1, '0']]);
    expect(p3!.responsePut!.header.revision).toBe(8);
    expect(d4!.responseDeleteRange!.deleted).toBe(1);
    expect(d4!.responseDeleteRange!.prevKvs.map(kvRow)).toEqual([['z1', '1', 7, 7, 1, '0']]);
    expect(keysOf(r5!.responseRange!.kvs)).toEqual(['n1', 'n2']);
  });

  it('a delete that finds nothing still answers the txn revision once the txn has written (etcd 3.4.23)', () => {
    const s = new KVStore();
    for (let i = 0; i < 3; i++) s.put({ key: b(`k${i}`), value: b('v') });
    const r = s.txn({ success: [del('k1'), del('k1')] });
    const [first, second] = r.responses.map((op) => op.responseDeleteRange!);
    expect([first!.deleted, first!.header.revision]).toEqual([1, 5]);
    expect([second!.deleted, second!.header.revision]).toEqual([0, 5]);
  });

  it('a txn that writes nothing does not move the revision', () => {
    const s = new KVStore();
    s.put({ key: b('a'), value: b('1') });
    const cases: TxnRequest[] = [{}, { success: [get('a')] }, { success: [del('missing')] }, { compare: [{ key: b('a'), version: 5 }], success: [put('a')] }];
    for (const req of cases) {
      const r = s.txn(req);
      expect(r.header.revision).toBe(2);
      expect(s.rev).toBe(2);
    }
    const r = s.txn({ success: [del('missing')] });
    expect(r.responses[0]!.responseDeleteRange!.header.revision).toBe(2);
    expect(s.txn({}).succeeded).toBe(true);
  });

  it('the failure branch runs when a compare fails', () => {
    const s = new KVStore();
    s.put({ key: b('k'), value: b('v') });
    const r = s.txn({ compare: [{ key: b('k'), target: 'VALUE', value: b('other') }], success: [put('yes')], failure: [put('no')] });
    expect(r.succeeded).toBe(false);
    expect(s.range({ key: b('no') }).count).toBe(1);
    expect(s.range({ key: b('yes') }).count).toBe(0);
  });
});

describe('nested txns', () => {
  it('nested compares read the store as it was before the txn (etcd 3.4.23)', () => {
    const s = new KVStore();
    const r = s.txn({
      success: [
        put('z1', '1'),
        sub({ compare: [{ key: b('z1'), target: 'VERSION', result: 'EQUAL', version: 0 }], success: [put('z2', 'then')], failure: [put('z2', 'else')] }),
      ],
    });
    expect(r.header.revision).toBe(2);
    const nested = r.responses[1]!.responseTxn!;
    expect(nested.succeeded).toBe(true);
    expect(nested.header.revision).toBe(0); // etcd leaves nested headers empty
    expect(nested.responses[0]!.responsePut!.header.revision).toBe(2);
    expect(kvRow(s.range({ key: b('z2') }).kvs[0]!)).toEqual(['z2', 'then', 2, 2, 1, '0']);
  });

  it('paths through several nested txns pick each branch independently', () => {
    const s = new KVStore();
    s.put({ key: b('on'), value: b('1') });
    const yes: Compare = { key: b('on'), target: 'VERSION', result: 'GREATER', version: 0 };
    const no: Compare = { key: b('off'), target: 'VERSION', result: 'GREATER', version: 0 };
    const r = s.txn({
      compare: [yes],
      success: [
        sub({ compare: [no], success: [put('a', 'then')], failure: [put('a', 'else'), sub({ compare: [yes], success: [put('b')] })] }),
        sub({ compare: [yes], success: [put('c')] }),
      ],
    });
    expect(r.succeeded).toBe(true);
    expect(keysOf(s.range({ key: b('a'), rangeEnd: b('d') }).kvs)).toEqual(['a', 'b', 'c']);
    expect(s.range({ key: b('a') }).kvs[0]!.value).toEqual(b('else'));
    expect(r.responses[0]!.responseTxn!.succeeded).toBe(false);
    expect(r.responses[0]!.responseTxn!.responses[1]!.responseTxn!.succeeded).toBe(true);
  });
});

describe('compare semantics (etcd 3.4.23)', () => {
  // s1..s5 at versions 1, except s2 at version 3 (mod 8); nothing under x.
  const store = () => {
    const s = new KVStore();
    for (let i = 1; i <= 5; i++) s.put({ key: b(`s${i}`), value: b(`vs${i}`) });
    s.put({ key: b('s2'), value: b('again') });
    s.put({ key: b('s2'), value: b('again2') });
    return s;
  };
  const cases: [string, Compare, boolean][] = [
    ['value != on a missing key fails', { key: b('missing'), target: 'VALUE', result: 'NOT_EQUAL', value: b('x') }, false],
    ['value = "" on a missing key fails', { key: b('missing'), target: 'VALUE', result: 'EQUAL', value: b('') }, false],
    ['version = 0 on a missing key', { key: b('missing'), target: 'VERSION', result: 'EQUAL', version: 0 }, true],
    ['create < 1 on a missing key', { key: b('missing'), target: 'CREATE', result: 'LESS', createRevision: 1 }, true],
    ['mod = 0 on a missing key', { key: b('missing'), target: 'MOD', result: 'EQUAL', modRevision: 0 }, true],
    ['lease = 0 on a missing key', { key: b('missing'), target: 'LEASE', result: 'EQUAL', lease: '0' }, true],
    ['range: every version > 0', { key: b('s'), rangeEnd: b('t'), target: 'VERSION', result: 'GREATER', version: 0 }, true],
    ['range: not every version > 1', { key: b('s'), rangeEnd: b('t'), target: 'VERSION', result: 'GREATER', version: 1 }, false],
    ['range: not every version = 1', { key: b('s'), rangeEnd: b('t'), target: 'VERSION', result: 'EQUAL', version: 1 }, false],
    ['empty range compares as a missing key', { key: b('x'), rangeEnd: b('y'), target: 'VERSION', result: 'EQUAL', version: 0 }, true],
    ['from-key range', { key: b('s'), rangeEnd: FROM_KEY, target: 'VERSION', result: 'GREATER', version: 0 }, true],
    ['value > unset value (empty)', { key: b('s1'), target: 'VALUE', result: 'GREATER' }, true],
    ['value = exact', { key: b('s1'), target: 'VALUE', value: b('vs1') }, true],
    ['value < bytewise', { key: b('s1'), target: 'VALUE', result: 'LESS', value: b('vs2') }, true],
    ['range: value != vs1 fails on s1', { key: b('s'), rangeEnd: b('t'), target: 'VALUE', result: 'NOT_EQUAL', value: b('vs1') }, false],
    ['lease = 0', { key: b('s1'), target: 'LEASE', result: 'EQUAL', lease: '0' }, true],
    ['mod = 8', { key: b('s2'), target: 'MOD', result: 'EQUAL', modRevision: 8 }, true],
    ['create = 3', { key: b('s2'), target: 'CREATE', createRevision: 3 }, true],
    ['defaults: VERSION EQUAL 0 on an existing key fails', { key: b('s2') }, false],
  ];
  for (const [name, cmp, want] of cases) {
    it(name, () => expect(store().txn({ compare: [cmp] }).succeeded).toBe(want));
  }
  it('all compares must hold', () => {
    const s = store();
    const ok: Compare = { key: b('s1'), version: 1 };
    const bad: Compare = { key: b('s1'), version: 2 };
    expect(s.txn({ compare: [ok, ok] }).succeeded).toBe(true);
    expect(s.txn({ compare: [ok, bad] }).succeeded).toBe(false);
  });
});

describe('txn validation (etcd 3.4.23 answers)', () => {
  const many = (n: number, f: (i: number) => RequestOp) => Array.from({ length: n }, (_, i) => f(i));
  const cmps = (n: number) => Array.from({ length: n }, (_, i): Compare => ({ key: b(`k${i}`) }));
  const cases: [string, TxnRequest, string | undefined][] = [
    ['put twice', { success: [put('b', '1'), put('b', '2')] }, ErrGRPCDuplicateKey],
    ['delete range covering a put', { success: [del('a', b('c')), put('b')] }, ErrGRPCDuplicateKey],
    ['put and single delete of one key', { success: [put('n1'), del('n1')] }, ErrGRPCDuplicateKey],
    ['nested put under an outer delete', { success: [del('q'), sub({ success: [put('q')] })] }, ErrGRPCDuplicateKey],
    ['nested put and outer put', { success: [put('q'), sub({ success: [put('q')] })] }, ErrGRPCDuplicateKey],
    ['nested delete and later nested put', { success: [sub({ success: [del('q')] }), sub({ success: [put('q')] })] }, ErrGRPCDuplicateKey],
    ['failure branch is checked too', { failure: [put('b'), put('b')] }, ErrGRPCDuplicateKey],
    ['from-key delete does not conflict with a put', { success: [del('a', FROM_KEY), put('b')] }, undefined],
    ['two deletes of one key are fine', { success: [del('b'), del('b')] }, undefined],
    ['then and else may put the same key', { success: [sub({ compare: [{ key: b('c') }], success: [put('q')], failure: [put('q')] })] }, undefined],
    ['success and failure may put the same key', { success: [put('q')], failure: [put('q')] }, undefined],
    ['129 ops', { success: many(129, (i) => put(`k${i}`)) }, ErrGRPCTooManyOps],
    ['128 ops', { success: many(128, (i) => put(`k${i}`)) }, undefined],
    ['129 compares', { compare: cmps(129) }, ErrGRPCTooManyOps],
    ['128 compares + a nested txn of 1 op', { compare: cmps(128), success: [sub({ success: [put('x')] })] }, ErrGRPCTooManyOps],
    ['100 compares + nested 29 ops', { compare: cmps(100), success: [sub({ success: many(29, () => get('x')) })] }, ErrGRPCTooManyOps],
    ['100 compares + nested 28 ops', { compare: cmps(100), success: [sub({ success: many(28, () => get('x')) })] }, undefined],
    ['compare with an empty key', { compare: [{ key: new Uint8Array(0) }] }, ErrGRPCEmptyKey],
    ['range with an empty key', { success: [{ requestRange: { key: new Uint8Array(0) } }] }, ErrGRPCEmptyKey],
    ['put with an empty key in a nested txn', { failure: [sub({ success: [{ requestPut: { key: new Uint8Array(0) } }] })] }, ErrGRPCEmptyKey],
    ['an empty op', { success: [{}] }, ErrGRPCKeyNotFound],
  ];
  for (const [name, req, err] of cases) {
    it(name, () => {
      const s = new KVStore();
      if (err === undefined) expect(() => s.txn(req)).not.toThrow();
      else expectKvError(() => s.txn(req), err, err);
    });
  }

  it('maxTxnOps is configurable', () => {
    const s = new KVStore({ maxTxnOps: 2 });
    expectKvError(() => s.txn({ success: [put('a'), put('b'), put('c')] }), ErrGRPCTooManyOps);
    expect(s.txn({ success: [put('a'), put('b')] }).header.revision).toBe(2);
  });

  it('chosen ops are checked against the store before anything is written', () => {
    const s = new KVStore();
    s.put({ key: b('k'), value: b('v') });
    s.compact(2);
    s.put({ key: b('k'), value: b('w') });
    const ignoreMissing: RequestOp = { requestPut: { key: b('nokey'), ignoreValue: true } };
    expectKvError(() => s.txn({ success: [put('a'), ignoreMissing] }), ErrKeyNotFound);
    // Only the chosen branch is checked.
    expect(s.txn({ compare: [{ key: b('k'), version: 99 }], success: [ignoreMissing], failure: [put('b')] }).succeeded).toBe(false);
    expectKvError(() => s.txn({ success: [put('c'), { requestRange: { key: b('k'), revision: 99 } }] }), ErrFutureRev);
    expectKvError(() => s.txn({ success: [put('c'), { requestRange: { key: b('k'), revision: 1 } }] }), ErrCompacted);
    s.setLessor({ exists: (id) => id === '1', attach: () => {}, detach: () => {} });
    expectKvError(() => s.txn({ success: [put('c'), { requestPut: { key: b('d'), lease: '2' } }] }), ErrLeaseNotFound);
    expect(keysOf(s.range({ key: b('a'), rangeEnd: FROM_KEY }).kvs)).toEqual(['b', 'k']);
    expect(s.rev).toBe(4);
  });

  it('a range at an old revision inside a txn reads history', () => {
    const s = new KVStore();
    s.put({ key: b('k'), value: b('1') });
    s.put({ key: b('k'), value: b('2') });
    const r = s.txn({ success: [put('other'), { requestRange: { key: b('k'), revision: 2 } }] });
    expect(r.responses[1]!.responseRange!.kvs.map(kvRow)).toEqual([['k', '1', 2, 2, 1, '0']]);
    expect(r.responses[1]!.responseRange!.header.revision).toBe(4);
  });
});
