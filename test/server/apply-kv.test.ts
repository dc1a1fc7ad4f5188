// KV requests through the applier, as entries: exact responses (headers with
// the cluster, member, current revision and raft term) and etcd's error texts.
import { describe, expect, it } from 'vitest';
import type { RangeResponse, TxnResponse } from '../../src/engine/mvcc/rpc.ts';
import { FROM_KEY, MEMBER, Member, b, dump, hdr } from './helpers.ts';

const kv = (key: string, value: string, create: number, mod: number, version: number, lease = '0') => ({
  key: b(key),
  value: b(value),
  createRevision: create,
  modRevision: mod,
  version,
  lease,
});

describe('applier: put, range, delete', () => {
  it('answers a put with the new revision, and prevKv when asked', () => {
    const m = new Member();
    expect(m.exec('put', { key: b('foo'), value: b('bar') })).toEqual({ resp: { header: hdr(2) } });
    expect(m.exec('put', { key: b('foo'), value: b('baz'), prevKv: true })).toEqual({
      resp: { header: hdr(3), prevKv: kv('foo', 'bar', 2, 2, 1) },
    });
    expect(dump(m)).toEqual(['foo=baz']);
    expect(m.sm.consistentIndex).toBe(2);
  });

  it('answers a range with the current revision in the header, even at an old revision', () => {
    const m = new Member();
    m.ok('put', { key: b('a'), value: b('1') });
    m.ok('put', { key: b('b'), value: b('2') });
    m.ok('put', { key: b('a'), value: b('3') });
    expect(m.exec('range', { key: b('a'), rangeEnd: FROM_KEY })).toEqual({
      resp: { header: hdr(4), kvs: [kv('a', '3', 2, 4, 2), kv('b', '2', 3, 3, 1)], more: false, count: 2 },
    });
    const old = m.ok('range', { key: b('a'), revision: 2 }) as RangeResponse;
    expect(old).toEqual({ header: hdr(4), kvs: [kv('a', '1', 2, 2, 1)], more: false, count: 1 });
    // A range in the log does not move the revision.
    expect(m.rev).toBe(4);
  });

  it('answers a delete with the count and prevKvs; deleting nothing keeps the revision', () => {
    const m = new Member();
    m.ok('put', { key: b('a'), value: b('1') });
    m.ok('put', { key: b('b'), value: b('2') });
    expect(m.exec('deleteRange', { key: b('a'), rangeEnd: b('c'), prevKv: true })).toEqual({
      resp: { header: hdr(4), deleted: 2, prevKvs: [kv('a', '1', 2, 2, 1), kv('b', '2', 3, 3, 1)] },
    });
    expect(m.exec('deleteRange', { key: b('a') })).toEqual({ resp: { header: hdr(4), deleted: 0, prevKvs: [] } });
  });

  it('puts the entry term in the header', () => {
    const m = new Member();
    m.term = 7;
    expect(m.ok('put', { key: b('a') }).header).toEqual(hdr(2, 7));
    expect(m.sm.term).toBe(7);
  });

  it('answers store refusals with the texts clients see', () => {
    const m = new Member();
    m.ok('put', { key: b('a'), value: b('1') });
    m.fails('put', { key: b('a'), lease: '123' }, 'etcdserver: requested lease not found');
    m.fails('put', { key: b('missing'), ignoreValue: true }, 'etcdserver: key not found');
    m.fails('put', { key: new Uint8Array(0) }, 'etcdserver: key is not provided');
    m.fails('range', { key: b('a'), revision: 9 }, 'etcdserver: mvcc: required revision is a future revision');
    const res = m.fails('range', { key: b('a'), revision: 9 }, 'etcdserver: mvcc: required revision is a future revision');
    expect(res.err!.code).toBe('OutOfRange');
    expect(res.resp).toBeUndefined();
    // Nothing was written by the refused requests.
    expect(m.rev).toBe(2);
  });
});

describe('applier: txn', () => {
  it('runs the success branch as one revision and answers each op', () => {
    const m = new Member();
    m.ok('put', { key: b('k'), value: b('v0') });
    const res = m.exec('txn', {
      compare: [{ key: b('k'), target: 'VALUE', value: b('v0') }],
      success: [
        { requestPut: { key: b('k'), value: b('v1'), prevKv: true } },
        { requestPut: { key: b('other'), value: b('o') } },
        { requestRange: { key: b('k') } },
        { requestDeleteRange: { key: b('nothing') } },
      ],
      failure: [{ requestRange: { key: b('k') } }],
    });
    expect(res.err).toBeUndefined();
    const resp = res.resp as TxnResponse;
    expect(resp.header).toEqual(hdr(3));
    expect(resp.succeeded).toBe(true);
    expect(resp.responses).toEqual([
      { responsePut: { header: { clusterId: '0', memberId: '0', revision: 3, raftTerm: 0 }, prevKv: kv('k', 'v0', 2, 2, 1) } },
      { responsePut: { header: { clusterId: '0', memberId: '0', revision: 3, raftTerm: 0 } } },
      {
        responseRange: {
          header: { clusterId: '0', memberId: '0', revision: 3, raftTerm: 0 },
          kvs: [kv('k', 'v1', 2, 3, 2)],
          more: false,
          count: 1,
        },
      },
      { responseDeleteRange: { header: { clusterId: '0', memberId: '0', revision: 3, raftTerm: 0 }, deleted: 0, prevKvs: [] } },
    ]);
    expect(dump(m)).toEqual(['k=v1', 'other=o']);
  });

  it('runs the failure branch when a compare fails; a read-only txn keeps the revision', () => {
    const m = new Member();
    m.ok('put', { key: b('k'), value: b('v0') });
    const resp = m.ok('txn', {
      compare: [{ key: b('k'), target: 'MOD', result: 'GREATER', modRevision: 5 }],
      success: [{ requestPut: { key: b('k'), value: b('no') } }],
      failure: [{ requestRange: { key: b('k') } }],
    }) as TxnResponse;
    expect(resp.succeeded).toBe(false);
    expect(resp.header).toEqual(hdr(2));
    expect((resp.responses[0]!.responseRange as RangeResponse).kvs).toEqual([kv('k', 'v0', 2, 2, 1)]);
  });

  it('refuses invalid txns with etcd texts and writes nothing', () => {
    const m = new Member();
    m.fails(
      'txn',
      { success: [{ requestPut: { key: b('a') } }, { requestPut: { key: b('a') } }] },
      'etcdserver: duplicate key given in txn request',
    );
    m.fails('txn', { success: [{ requestPut: { key: b('a'), lease: '5' } }] }, 'etcdserver: requested lease not found');
    m.fails('txn', { success: [{ requestRange: { key: b('a'), revision: 5 } }] }, 'etcdserver: mvcc: required revision is a future revision');
    const many = Array.from({ length: 129 }, (_, i) => ({ requestPut: { key: b(`k${i}`) } }));
    m.fails('txn', { success: many }, 'etcdserver: too many operations in txn request');
    expect(m.rev).toBe(1);
  });
});

describe('applier: compaction', () => {
  it('compacts, keeps the revision, and refuses compacted and future revisions', () => {
    const m = new Member();
    for (let i = 0; i < 3; i++) m.ok('put', { key: b('k'), value: b(`v${i}`) });
    expect(m.exec('compaction', { revision: 3 })).toEqual({ resp: { header: hdr(4) } });
    m.fails('compaction', { revision: 3 }, 'etcdserver: mvcc: required revision has been compacted');
    m.fails('compaction', { revision: 5 }, 'etcdserver: mvcc: required revision is a future revision');
    m.fails('range', { key: b('k'), revision: 2 }, 'etcdserver: mvcc: required revision has been compacted');
    expect(m.rev).toBe(4);
  });
});

describe('applier: results by request ID', () => {
  it('keeps each result under its header ID until taken, bounded', () => {
    const m = new Member({ resultCapacity: 3 });
    m.commit();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = m.ids.next();
      ids.push(id);
      m.sm.applyRequest({ header: { ID: id, username: '', authRevision: 0 }, put: { key: b(`k${i}`) } }, ++m.index, 2);
    }
    expect([...m.sm.results.keys()]).toEqual(ids.slice(2));
    expect(m.sm.takeResult(ids[0]!)).toBeUndefined();
    expect(m.sm.takeResult(ids[4]!)).toEqual({ resp: { header: hdr(6) } });
    expect(m.sm.takeResult(ids[4]!)).toBeUndefined();
    expect(m.sm.memberId).toBe(MEMBER);
  });
});
