// snapshot() / restore(): users, roles, the enabled flag and the revision persist; tokens do not.
import { describe, expect, it } from 'vitest';
import {
  ErrInvalidAuthToken,
  decodeAuthState,
  encodeAuthState,
  type AuthStore,
} from '../../src/engine/auth/index.ts';
import { FROM_KEY, expectAuthError, fromUtf8, infoFor, newStore, perm, prefixEnd, utf8, withRoot } from './helpers.ts';

function populated(seed = 1): AuthStore {
  const { store } = newStore(seed);
  withRoot(store);
  store.userAdd({ name: 'u', password: 'p' });
  store.userAdd({ name: 'nopw', password: '', options: { noPassword: true } });
  store.roleAdd({ name: 'r' });
  store.roleGrantPermission({ name: 'r', perm: perm('READ', 'a', prefixEnd('a')) });
  store.roleGrantPermission({ name: 'r', perm: perm('WRITE', 'z', FROM_KEY) });
  store.roleGrantPermission({ name: 'r', perm: { permType: 'READWRITE', key: new Uint8Array([0xff, 0]), rangeEnd: new Uint8Array(0) } });
  store.userGrantRole({ user: 'u', role: 'r' });
  return store;
}

function view(s: AuthStore) {
  return {
    enabled: s.isAuthEnabled(),
    revision: s.revision(),
    users: s.userList().users.map((name) => [name, s.userGet({ name }).roles]),
    roles: s.roleList().roles.map((role) => [role, s.roleGet({ role }).perm]),
  };
}

describe('snapshot and restore', () => {
  it('round-trips users, roles, permissions, the enabled flag and the revision', () => {
    const src = populated();
    const { store: dst } = newStore(99);
    expect(view(dst)).not.toEqual(view(src));
    dst.restore(src.snapshot());
    expect(view(dst)).toEqual(view(src));
    expect(dst.isAuthEnabled()).toBe(true);
    expect(dst.snapshot()).toEqual(src.snapshot());
  });

  it('restored passwords and permissions work', () => {
    const { store: dst } = newStore(99);
    dst.restore(populated().snapshot());
    expect(dst.checkPassword('u', 'p')).toBe(dst.revision());
    expect(() => dst.checkPassword('u', 'q')).toThrow('invalid user ID or password');
    expect(() => dst.checkPassword('nopw', '')).toThrow('no password user');
    const ai = infoFor(dst, 'u');
    expect(dst.isRangePermitted(ai, utf8('abc'))).toBeNull();
    expect(dst.isPutPermitted(ai, utf8('zz'))).toBeNull();
    expect(dst.isPutPermitted(ai, new Uint8Array([0xff, 0]))).toBeNull();
    expect(dst.isPutPermitted(ai, utf8('abc'))?.message).toBe('etcdserver: permission denied');
  });

  it('does not carry tokens: a restarted member knows none', () => {
    const src = populated();
    const token = src.authenticate({ name: 'u', simpleToken: src.genTokenPrefix() }, 7).token;
    expect(src.authInfoFromToken(token).username).toBe('u');
    expect(fromUtf8(src.snapshot())).not.toContain(token.split('.')[0]);
    const { store: dst } = newStore(1);
    dst.restore(src.snapshot());
    expectAuthError(() => dst.authInfoFromToken(token), ErrInvalidAuthToken);
    // New tokens can be issued at once: the restored store is enabled.
    const fresh = dst.authenticate({ name: 'u', simpleToken: dst.genTokenPrefix() }, 8).token;
    expect(dst.authInfoFromToken(fresh).username).toBe('u');
  });

  it('restoring a disabled state drops live tokens; restoring an enabled one keeps them', () => {
    const store = populated();
    const token = store.authenticate({ name: 'u', simpleToken: store.genTokenPrefix() }, 7).token;
    const enabled = store.snapshot();
    store.restore(enabled);
    expect(store.authInfoFromToken(token).username).toBe('u');
    const { store: off } = newStore();
    off.userAdd({ name: 'u', password: 'p' });
    store.restore(off.snapshot());
    expect(store.isAuthEnabled()).toBe(false);
    expect(store.revision()).toBe(2);
    expect(store.userList().users).toEqual(['u']);
    expect(store.roleList().roles).toEqual([]);
    store.restore(enabled);
    expectAuthError(() => store.authInfoFromToken(token), ErrInvalidAuthToken);
  });

  it('is deterministic: same seed and calls give the same bytes, another seed other hashes', () => {
    expect(populated(5).snapshot()).toEqual(populated(5).snapshot());
    expect(populated(5).snapshot()).not.toEqual(populated(6).snapshot());
    const a = decodeAuthState(populated(5).snapshot());
    const b = decodeAuthState(populated(6).snapshot());
    expect({ ...a, users: a.users.map((u) => ({ ...u, password: null })) }).toEqual({
      ...b,
      users: b.users.map((u) => ({ ...u, password: null })),
    });
  });

  it('encodes users and roles in name order whatever order they were added in', () => {
    const state = decodeAuthState(populated().snapshot());
    const shuffled = encodeAuthState({ ...state, users: [...state.users].reverse(), roles: [...state.roles].reverse() });
    expect(shuffled).toEqual(populated().snapshot());
  });

  it.each([
    ['not JSON', utf8('{')],
    ['another format', utf8(JSON.stringify({ format: 'x', version: 1 }))],
    ['a newer version', utf8(JSON.stringify({ format: 'etcd-playground/auth', version: 2 }))],
    ['a bad revision', utf8(JSON.stringify({ format: 'etcd-playground/auth', version: 1, enabled: true, revision: -1, users: [], roles: [] }))],
    [
      'an unknown permission type',
      utf8(
        JSON.stringify({
          format: 'etcd-playground/auth',
          version: 1,
          enabled: false,
          revision: 3,
          users: [],
          roles: [{ name: 'r', keyPermission: [{ permType: 'ADMIN', key: '', rangeEnd: '' }] }],
        }),
      ),
    ],
  ])('refuses %s and leaves the store unchanged', (_n, bytes) => {
    const store = populated();
    const before = view(store);
    expect(() => store.restore(bytes)).toThrow(/^auth: invalid snapshot/);
    expect(view(store)).toEqual(before);
  });
});
