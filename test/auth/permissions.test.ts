// Permission checks with etcd 3.4's range permission cache semantics.
import { describe, expect, it } from 'vitest';
import {
  ErrAuthOldRevision,
  ErrPermissionDenied,
  ErrUserEmpty,
  ErrUserNotFound,
  type AuthStore,
  type Permission,
} from '../../src/engine/auth/index.ts';
import { EMPTY, FROM_KEY, infoFor, newStore, perm, prefixEnd, utf8, withRoot } from './helpers.ts';

/** A store with auth on and user u holding one role per entry of roles. */
function storeWith(...roles: Permission[][]): AuthStore {
  const { store } = newStore();
  withRoot(store);
  store.userAdd({ name: 'u', password: 'p' });
  roles.forEach((perms, i) => {
    store.roleAdd({ name: `r${i}` });
    for (const p of perms) store.roleGrantPermission({ name: `r${i}`, perm: p });
    store.userGrantRole({ user: 'u', role: `r${i}` });
  });
  return store;
}

type Op = 'get' | 'put' | 'del';

function allowed(store: AuthStore, op: Op, key: string | Uint8Array, rangeEnd: string | Uint8Array = EMPTY): boolean {
  const k = typeof key === 'string' ? utf8(key) : key;
  const e = typeof rangeEnd === 'string' ? utf8(rangeEnd) : rangeEnd;
  const ai = infoFor(store, 'u');
  const err =
    op === 'get' ? store.isRangePermitted(ai, k, e) : op === 'put' ? store.isPutPermitted(ai, k) : store.isDeleteRangePermitted(ai, k, e);
  if (err) expect(err.message).toBe(ErrPermissionDenied);
  return err === null;
}

describe('the session replayed on etcd 3.4.23 (user u1 with roles r2 and r3)', () => {
  // etcdctl role grant-permission r2 read k1 k5; r2 read k3 k8; r2 write w1;
  //         r3 read k8 k9; r3 readwrite p --prefix; r3 read z --from-key
  const store = storeWith(
    [perm('READ', 'k1', 'k5'), perm('READ', 'k3', 'k8'), perm('WRITE', 'w1')],
    [perm('READ', 'k8', 'k9'), perm('READWRITE', 'p', prefixEnd('p')), perm('READ', 'z', FROM_KEY)],
  );
  type Row = [string, Op, string | Uint8Array, string | Uint8Array, boolean];
  const rows: Row[] = [
    ['get k1', 'get', 'k1', '', true],
    ['get k1 k9 (three grants, two roles, contiguous)', 'get', 'k1', 'k9', true],
    ['get k1 ka (past the last grant)', 'get', 'k1', 'ka', false],
    ['get k0 k2 (starts before the first grant)', 'get', 'k0', 'k2', false],
    ['get k5', 'get', 'k5', '', true],
    ['get k9 (range ends are exclusive)', 'get', 'k9', '', false],
    ['put k2 (read-only range)', 'put', 'k2', '', false],
    ['put w1', 'put', 'w1', '', true],
    ['put w2', 'put', 'w2', '', false],
    ['del w1', 'del', 'w1', '', true],
    ['del w1 w2 (single-key grant does not cover a range)', 'del', 'w1', 'w2', false],
    ['get w1 (write-only)', 'get', 'w1', '', false],
    ['put p/1', 'put', 'p/1', '', true],
    ['get p --prefix', 'get', 'p', prefixEnd('p'), true],
    ['get p/ --prefix', 'get', 'p/', prefixEnd('p/'), true],
    ['get z --from-key', 'get', 'z', FROM_KEY, true],
    ['get za --from-key', 'get', 'za', FROM_KEY, true],
    ['get y --from-key', 'get', 'y', FROM_KEY, false],
    ['get "" --prefix (key "\\0", end "\\0")', 'get', FROM_KEY, FROM_KEY, false],
    ['del p --prefix', 'del', 'p', prefixEnd('p'), true],
    ['watch --prefix q (a range check)', 'get', 'q', prefixEnd('q'), false],
  ];
  it.each(rows)('%s', (_name, op, key, end, want) => {
    expect(allowed(store, op, key, end)).toBe(want);
  });
});

describe('permission coverage', () => {
  type Row = [string, Permission[][], Op, string | Uint8Array, string | Uint8Array, boolean];
  const rows: Row[] = [
    ['exact key', [[perm('READ', 'a')]], 'get', 'a', '', true],
    ['other key', [[perm('READ', 'a')]], 'get', 'b', '', false],
    ['longer key is not covered by a single-key grant', [[perm('READ', 'a')]], 'get', 'ab', '', false],
    ['single key as a range [a, a\\0)', [[perm('READ', 'a')]], 'get', 'a', 'a\0', true],
    ['key inside a range', [[perm('READ', 'a', 'c')]], 'get', 'b', '', true],
    ['range end is exclusive', [[perm('READ', 'a', 'c')]], 'get', 'c', '', false],
    ['sub-range', [[perm('READ', 'a', 'c')]], 'get', 'aa', 'b', true],
    ['whole range', [[perm('READ', 'a', 'c')]], 'get', 'a', 'c', true],
    ['partial coverage at the end is denied', [[perm('READ', 'a', 'c')]], 'get', 'b', 'd', false],
    ['partial coverage at the start is denied', [[perm('READ', 'b', 'd')]], 'get', 'a', 'c', false],
    ['a gap between two grants is denied', [[perm('READ', 'a', 'b'), perm('READ', 'c', 'd')]], 'get', 'a', 'd', false],
    ['adjacent grants merge', [[perm('READ', 'a', 'b'), perm('READ', 'b', 'c')]], 'get', 'a', 'c', true],
    ['adjacent grants from two roles merge', [[perm('READ', 'a', 'b')], [perm('READ', 'b', 'c')]], 'get', 'a', 'c', true],
    ['overlapping grants from two roles merge', [[perm('READ', 'a', 'm')], [perm('READ', 'f', 'z')]], 'get', 'b', 'y', true],
    ['a nested grant does not extend coverage', [[perm('READ', 'a', 'm'), perm('READ', 'b', 'c')]], 'get', 'a', 'n', false],
    ['prefix covers its keys', [[perm('READ', 'foo/', prefixEnd('foo/'))]], 'get', 'foo/bar', '', true],
    ['prefix covers a sub-prefix', [[perm('READ', 'foo/', prefixEnd('foo/'))]], 'get', 'foo/b', prefixEnd('foo/b'), true],
    ['prefix does not cover its parent', [[perm('READ', 'foo/', prefixEnd('foo/'))]], 'get', 'foo', prefixEnd('foo'), false],
    ['from-key covers any later key', [[perm('READ', 'm', FROM_KEY)]], 'get', 'zzzz', '', true],
    ['from-key covers a later from-key range', [[perm('READ', 'm', FROM_KEY)]], 'get', 'n', FROM_KEY, true],
    ['from-key covers a later bounded range', [[perm('READ', 'm', FROM_KEY)]], 'get', 'n', 'p', true],
    ['from-key does not cover an earlier key', [[perm('READ', 'm', FROM_KEY)]], 'get', 'l', '', false],
    ['a bounded grant does not cover from-key', [[perm('READ', 'm', 'z')]], 'get', 'n', FROM_KEY, false],
    ['everything ("\\0" from-key) covers the whole key space', [[{ permType: 'READ', key: FROM_KEY, rangeEnd: FROM_KEY }]], 'get', FROM_KEY, FROM_KEY, true],
    ['an inverted grant [z, a) covers nothing', [[perm('READ', 'z', 'a')]], 'get', 'b', '', false],
    ['READ does not allow put', [[perm('READ', 'a')]], 'put', 'a', '', false],
    ['WRITE allows put', [[perm('WRITE', 'a')]], 'put', 'a', '', true],
    ['WRITE does not allow get', [[perm('WRITE', 'a')]], 'get', 'a', '', false],
    ['WRITE allows delete of a range', [[perm('WRITE', 'a', 'c')]], 'del', 'a', 'c', true],
    ['READ does not allow delete', [[perm('READ', 'a', 'c')]], 'del', 'a', 'c', false],
    ['READWRITE allows get', [[perm('READWRITE', 'a')]], 'get', 'a', '', true],
    ['READWRITE allows put', [[perm('READWRITE', 'a')]], 'put', 'a', '', true],
    ['READ and WRITE from two roles do not merge into one range', [[perm('READ', 'a', 'b')], [perm('WRITE', 'b', 'c')]], 'get', 'a', 'c', false],
    ['no roles, nothing', [], 'get', 'a', '', false],
  ];
  it.each(rows)('%s', (_name, roles, op, key, end, want) => {
    expect(allowed(storeWith(...roles), op, key, end)).toBe(want);
  });

  it('re-granting a range as WRITE takes its READ away', () => {
    const store = storeWith([perm('READWRITE', 'a', 'b')]);
    expect(allowed(store, 'get', 'a')).toBe(true);
    store.roleGrantPermission({ name: 'r0', perm: perm('WRITE', 'a', 'b') });
    expect(allowed(store, 'get', 'a')).toBe(false);
    expect(allowed(store, 'put', 'a')).toBe(true);
  });

  it('follows grants, revokes and role deletion (no stale cache)', () => {
    const store = storeWith([perm('READ', 'a')]);
    expect(allowed(store, 'get', 'a')).toBe(true);
    store.roleRevokePermission({ role: 'r0', key: utf8('a'), rangeEnd: EMPTY });
    expect(allowed(store, 'get', 'a')).toBe(false);
    store.roleGrantPermission({ name: 'r0', perm: perm('READ', 'a') });
    expect(allowed(store, 'get', 'a')).toBe(true);
    store.userRevokeRole({ name: 'u', role: 'r0' });
    expect(allowed(store, 'get', 'a')).toBe(false);
    store.userGrantRole({ user: 'u', role: 'r0' });
    expect(allowed(store, 'get', 'a')).toBe(true);
    store.roleDelete({ role: 'r0' });
    expect(allowed(store, 'get', 'a')).toBe(false);
  });
});

describe('who is asking', () => {
  it('root-role holders may do anything; others may not', () => {
    const store = storeWith();
    expect(allowed(store, 'get', 'x')).toBe(false);
    expect(store.isDeleteRangePermitted(infoFor(store, 'root'), utf8('\0'), FROM_KEY)).toBeNull();
    store.userGrantRole({ user: 'u', role: 'root' });
    expect(allowed(store, 'get', FROM_KEY, FROM_KEY)).toBe(true);
    expect(allowed(store, 'put', 'anything')).toBe(true);
  });

  it('with auth disabled everything is permitted, even without a user', () => {
    const store = storeWith();
    expect(store.isPutPermitted(null, utf8('k'))?.message).toBe(ErrUserEmpty);
    store.authDisable();
    expect(store.isPutPermitted(null, utf8('k'))).toBeNull();
    expect(store.isRangePermitted(null, utf8('a'), FROM_KEY)).toBeNull();
    expect(store.isDeleteRangePermitted({ username: 'nobody', revision: 1 }, utf8('a'), utf8('b'))).toBeNull();
    expect(store.isAdminPermitted(null)).toBeNull();
    expect(allowed(store, 'get', 'x')).toBe(true);
  });

  it('no user (no token, or revision 0) is "etcdserver: user name is empty"', () => {
    const store = storeWith([perm('READ', 'a')]);
    expect(store.isRangePermitted(null, utf8('a'))?.message).toBe('etcdserver: user name is empty');
    expect(store.isRangePermitted({ username: 'u', revision: 0 }, utf8('a'))?.message).toBe(ErrUserEmpty);
    expect(store.isRangePermitted({ username: 'u', revision: store.revision() }, utf8('a'))).toBeNull();
  });

  it('an AuthInfo from before an auth change is "etcdserver: revision of auth store is old"', () => {
    const store = storeWith([perm('READ', 'a')]);
    const ai = infoFor(store, 'u');
    expect(store.isRangePermitted(ai, utf8('a'))).toBeNull();
    store.roleAdd({ name: 'unrelated' });
    const err = store.isRangePermitted(ai, utf8('a'));
    expect(err?.message).toBe(ErrAuthOldRevision);
    expect(err?.message).toBe('etcdserver: revision of auth store is old');
    expect(err?.code).toBe('InvalidArgument');
    expect(store.isRangePermitted(infoFor(store, 'u'), utf8('a'))).toBeNull();
  });

  it('an unknown user is denied', () => {
    const store = storeWith([perm('READ', 'a')]);
    expect(store.isRangePermitted(infoFor(store, 'ghost'), utf8('a'))?.message).toBe(ErrPermissionDenied);
  });

  it('admin needs the root role: empty user, unknown user, and plain user give etcd\'s errors', () => {
    const store = storeWith([perm('READWRITE', 'a', FROM_KEY)]);
    expect(store.isAdminPermitted(infoFor(store, 'root'))).toBeNull();
    expect(store.isAdminPermitted(null)?.message).toBe(ErrUserEmpty);
    expect(store.isAdminPermitted({ username: '', revision: 5 })?.message).toBe(ErrUserEmpty);
    expect(store.isAdminPermitted(infoFor(store, 'ghost'))?.message).toBe(ErrUserNotFound);
    expect(store.isAdminPermitted(infoFor(store, 'u'))?.message).toBe(ErrPermissionDenied);
    store.userGrantRole({ user: 'u', role: 'root' });
    expect(store.isAdminPermitted(infoFor(store, 'u'))).toBeNull();
  });
});
