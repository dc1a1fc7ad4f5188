// Whole-request checks the server runs: txn, watch, put/delete with prevKv, lease keys.
import { describe, expect, it } from 'vitest';
import {
  ErrPermissionDenied,
  ErrUserEmpty,
  checkDeleteRangeAuth,
  checkLeaseKeysAuth,
  checkPutAuth,
  checkRangeAuth,
  checkTxnAuth,
  isWatchPermitted,
  type AuthStore,
  type RequestOpLike,
  type TxnRequestLike,
} from '../../src/engine/auth/index.ts';
import type { TxnRequest } from '../../src/engine/mvcc/rpc.ts';
import { FROM_KEY, infoFor, newStore, perm, prefixEnd, utf8, withRoot } from './helpers.ts';

/** u may read r/..., write w/..., and read and write rw. */
function setup(): AuthStore {
  const { store } = newStore();
  withRoot(store);
  store.userAdd({ name: 'u', password: 'p' });
  store.roleAdd({ name: 'r' });
  store.roleGrantPermission({ name: 'r', perm: perm('READ', 'r/', prefixEnd('r/')) });
  store.roleGrantPermission({ name: 'r', perm: perm('WRITE', 'w/', prefixEnd('w/')) });
  store.roleGrantPermission({ name: 'r', perm: perm('READWRITE', 'rw') });
  store.userGrantRole({ user: 'u', role: 'r' });
  return store;
}

const get = (key: string, rangeEnd?: Uint8Array): RequestOpLike => ({ requestRange: { key: utf8(key), rangeEnd } });
const put = (key: string, prevKv = false): RequestOpLike => ({ requestPut: { key: utf8(key), prevKv } });
const del = (key: string, prevKv = false): RequestOpLike => ({ requestDeleteRange: { key: utf8(key), prevKv } });
const txn = (compare: string[], success: RequestOpLike[], failure: RequestOpLike[] = []): TxnRequestLike => ({
  compare: compare.map((k) => ({ key: utf8(k) })),
  success,
  failure,
});

describe('txn', () => {
  type Row = [string, TxnRequestLike, boolean];
  const rows: Row[] = [
    ['readable compare, writable put (etcd 3.4.23: FAILURE, not denied)', txn(['rw'], [put('w/1')]), true],
    ['unreadable compare (etcd 3.4.23: permission denied)', txn(['w/1'], [put('w/1')]), false],
    ['every op of success is checked', txn([], [get('r/1'), put('r/1')]), false],
    ['the failure branch is checked too', txn([], [put('w/1')], [get('w/1')]), false],
    ['delete needs write', txn([], [del('r/1')]), false],
    ['delete with prevKv needs read as well', txn([], [del('rw', true), del('w/1')]), true],
    ['delete with prevKv of a write-only key', txn([], [del('w/1', true)]), false],
    ['put with prevKv inside a txn is only checked for write (etcd 3.4)', txn([], [put('w/1', true)]), true],
    ['a compare over a range must be covered', { compare: [{ key: utf8('r/'), rangeEnd: prefixEnd('r/') }], success: [], failure: [] }, true],
    ['a compare over a wider range is denied', { compare: [{ key: utf8('r'), rangeEnd: prefixEnd('r') }], success: [], failure: [] }, false],
    ['an empty txn', txn([], []), true],
  ];
  it.each(rows)('%s', (_n, t, want) => {
    const store = setup();
    const err = checkTxnAuth(store, infoFor(store, 'u'), t);
    expect(err?.message ?? null).toBe(want ? null : ErrPermissionDenied);
  });

  it('nested txn ops go unchecked, as in etcd 3.4.23, unless checkNested is set', () => {
    const store = setup();
    const ai = infoFor(store, 'u');
    // Observed on etcd 3.4.23: {"success":[{"request_txn":{"success":[{"request_range":{"key":"s"}}]}}]}
    // returned the value of s to a user with no permission on s.
    const nested = txn([], [{ requestTxn: txn([], [get('secret')]) }]);
    expect(checkTxnAuth(store, ai, nested)).toBeNull();
    expect(checkTxnAuth(store, ai, nested, { checkNested: true })?.message).toBe(ErrPermissionDenied);
    const fine = txn([], [{ requestTxn: txn(['rw'], [get('r/x')], [put('w/x')]) }]);
    expect(checkTxnAuth(store, ai, fine, { checkNested: true })).toBeNull();
    const badCompare = txn([], [{ requestTxn: txn(['secret'], []) }]);
    expect(checkTxnAuth(store, ai, badCompare, { checkNested: true })?.message).toBe(ErrPermissionDenied);
  });

  it('takes the server\'s etcdserverpb TxnRequest as it is (fields may be absent)', () => {
    const store = setup();
    const ai = infoFor(store, 'u');
    const ok: TxnRequest = { success: [{ requestPut: { key: utf8('w/1'), value: utf8('v'), prevKv: true } }] };
    const bad: TxnRequest = { compare: [{ key: utf8('secret'), target: 'VERSION', result: 'EQUAL', version: 0 }] };
    expect(checkTxnAuth(store, ai, ok)).toBeNull();
    expect(checkTxnAuth(store, ai, bad)?.message).toBe(ErrPermissionDenied);
    expect(checkTxnAuth(store, ai, {})).toBeNull();
  });

  it('root may run anything; no user is ErrUserEmpty', () => {
    const store = setup();
    const t = txn(['secret'], [put('secret')], [del('x', true)]);
    expect(checkTxnAuth(store, infoFor(store, 'root'), t)).toBeNull();
    expect(checkTxnAuth(store, null, t)?.message).toBe(ErrUserEmpty);
  });
});

describe('single requests', () => {
  it('range', () => {
    const store = setup();
    const ai = infoFor(store, 'u');
    expect(checkRangeAuth(store, ai, { key: utf8('r/a') })).toBeNull();
    expect(checkRangeAuth(store, ai, { key: utf8('r/'), rangeEnd: prefixEnd('r/') })).toBeNull();
    expect(checkRangeAuth(store, ai, { key: utf8('r/'), rangeEnd: FROM_KEY })?.message).toBe(ErrPermissionDenied);
  });

  it('put with prevKv needs read permission too (outside a txn)', () => {
    const store = setup();
    const ai = infoFor(store, 'u');
    expect(checkPutAuth(store, ai, { key: utf8('w/1') })).toBeNull();
    expect(checkPutAuth(store, ai, { key: utf8('w/1'), prevKv: true })?.message).toBe(ErrPermissionDenied);
    expect(checkPutAuth(store, ai, { key: utf8('rw'), prevKv: true })).toBeNull();
    expect(checkPutAuth(store, ai, { key: utf8('r/1') })?.message).toBe(ErrPermissionDenied);
  });

  it('put onto a lease needs write permission on the keys already on it', () => {
    const store = setup();
    const ai = infoFor(store, 'u');
    expect(checkPutAuth(store, ai, { key: utf8('w/1') }, [utf8('w/2'), utf8('rw')])).toBeNull();
    expect(checkPutAuth(store, ai, { key: utf8('w/1') }, [utf8('w/2'), utf8('r/2')])?.message).toBe(ErrPermissionDenied);
  });

  it('delete range with prevKv', () => {
    const store = setup();
    const ai = infoFor(store, 'u');
    const w = { key: utf8('w/'), rangeEnd: prefixEnd('w/') };
    expect(checkDeleteRangeAuth(store, ai, w)).toBeNull();
    expect(checkDeleteRangeAuth(store, ai, { ...w, prevKv: true })?.message).toBe(ErrPermissionDenied);
    expect(checkDeleteRangeAuth(store, ai, { key: utf8('rw'), prevKv: true })).toBeNull();
  });

  it('lease revoke needs write permission on every attached key', () => {
    const store = setup();
    const ai = infoFor(store, 'u');
    expect(checkLeaseKeysAuth(store, ai, [])).toBeNull();
    expect(checkLeaseKeysAuth(store, ai, [utf8('w/a'), utf8('rw')])).toBeNull();
    expect(checkLeaseKeysAuth(store, ai, [utf8('w/a'), utf8('r/a')])?.message).toBe(ErrPermissionDenied);
  });
});

describe('watch', () => {
  it('needs read permission over the whole watched range', () => {
    const store = setup();
    const ai = infoFor(store, 'u');
    expect(isWatchPermitted(store, ai, utf8('r/x'))).toBe(true);
    expect(isWatchPermitted(store, ai, utf8('r/'), prefixEnd('r/'))).toBe(true);
    // etcdctl watch --prefix q as a user without q: "watch was canceled (... permission denied)".
    expect(isWatchPermitted(store, ai, utf8('q'), prefixEnd('q'))).toBe(false);
    expect(isWatchPermitted(store, ai, utf8('w/x'))).toBe(false);
    expect(isWatchPermitted(store, null, utf8('r/x'))).toBe(false);
    store.authDisable();
    expect(isWatchPermitted(store, null, utf8('q'), prefixEnd('q'))).toBe(true);
  });
});
