// User and role management (etcd 3.4 auth/store.go), with the exact texts etcd 3.4.23 answered.
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ErrInvalidAuthMgmt,
  ErrPermissionNotGranted,
  ErrRoleAlreadyExist,
  ErrRoleEmpty,
  ErrRoleNotFound,
  ErrRoleNotGranted,
  ErrUserAlreadyExist,
  ErrUserEmpty,
  ErrUserNotFound,
  type AuthStore,
} from '../../src/engine/auth/index.ts';
import { EMPTY, FROM_KEY, expectAuthError, fromUtf8, newStore, perm, prefixEnd, utf8, withRoot } from './helpers.ts';

function roleSummary(store: AuthStore, role: string): string[] {
  return store.roleGet({ role }).perm.map((p) => `${p.permType} ${JSON.stringify(fromUtf8(p.key))} ${JSON.stringify(fromUtf8(p.rangeEnd))}`);
}

describe('error texts and codes (as etcdctl printed them against etcd 3.4.23, auth enabled, as root)', () => {
  type Case = [string, (s: AuthStore) => unknown, string, string];
  const cases: Case[] = [
    ['role add root', (s) => s.roleAdd({ name: 'root' }), 'etcdserver: role name already exists', 'FailedPrecondition'],
    ['role add ""', (s) => s.roleAdd({ name: '' }), 'etcdserver: role name is empty', 'InvalidArgument'],
    ['user add "" (raw API)', (s) => s.userAdd({ name: '', password: 'x' }), 'etcdserver: user name is empty', 'InvalidArgument'],
    ['user add root:pw2', (s) => s.userAdd({ name: 'root', password: 'pw2' }), 'etcdserver: user name already exists', 'FailedPrecondition'],
    ['user get nobody', (s) => s.userGet({ name: 'nobody' }), 'etcdserver: user name not found', 'FailedPrecondition'],
    ['role get nobody', (s) => s.roleGet({ role: 'nobody' }), 'etcdserver: role name not found', 'FailedPrecondition'],
    ['user delete nobody', (s) => s.userDelete({ name: 'nobody' }), 'etcdserver: user name not found', 'FailedPrecondition'],
    ['role delete nobody', (s) => s.roleDelete({ role: 'nobody' }), 'etcdserver: role name not found', 'FailedPrecondition'],
    ['user grant-role nobody root', (s) => s.userGrantRole({ user: 'nobody', role: 'root' }), 'etcdserver: user name not found', 'FailedPrecondition'],
    ['user grant-role root nope', (s) => s.userGrantRole({ user: 'root', role: 'nope' }), 'etcdserver: role name not found', 'FailedPrecondition'],
    ['user revoke-role root nope', (s) => s.userRevokeRole({ name: 'root', role: 'nope' }), 'etcdserver: role is not granted to the user', 'FailedPrecondition'],
    ['user revoke-role nobody r', (s) => s.userRevokeRole({ name: 'nobody', role: 'r' }), 'etcdserver: user name not found', 'FailedPrecondition'],
    ['role revoke-permission root foo', (s) => s.roleRevokePermission({ role: 'root', key: utf8('foo'), rangeEnd: EMPTY }), 'etcdserver: permission is not granted to the role', 'FailedPrecondition'],
    ['role revoke-permission nope foo', (s) => s.roleRevokePermission({ role: 'nope', key: utf8('foo'), rangeEnd: EMPTY }), 'etcdserver: role name not found', 'FailedPrecondition'],
    ['role grant-permission nope read foo', (s) => s.roleGrantPermission({ name: 'nope', perm: perm('READ', 'foo') }), 'etcdserver: role name not found', 'FailedPrecondition'],
    ['user passwd nobody', (s) => s.userChangePassword({ name: 'nobody', password: 'x' }), 'etcdserver: user name not found', 'FailedPrecondition'],
    ['user delete root', (s) => s.userDelete({ name: 'root' }), 'etcdserver: invalid auth management', 'InvalidArgument'],
    ['role delete root', (s) => s.roleDelete({ role: 'root' }), 'etcdserver: invalid auth management', 'InvalidArgument'],
    ['user revoke-role root root', (s) => s.userRevokeRole({ name: 'root', role: 'root' }), 'etcdserver: invalid auth management', 'InvalidArgument'],
  ];

  it.each(cases)('%s -> %s', (_name, run, message, code) => {
    const { store } = newStore();
    withRoot(store);
    const err = expectAuthError(() => run(store), message);
    expect(err.code).toBe(code);
  });

  it('the exported constants are those texts', () => {
    expect([ErrUserEmpty, ErrUserAlreadyExist, ErrUserNotFound, ErrRoleEmpty, ErrRoleAlreadyExist, ErrRoleNotFound]).toEqual([
      'etcdserver: user name is empty',
      'etcdserver: user name already exists',
      'etcdserver: user name not found',
      'etcdserver: role name is empty',
      'etcdserver: role name already exists',
      'etcdserver: role name not found',
    ]);
    expect([ErrRoleNotGranted, ErrPermissionNotGranted, ErrInvalidAuthMgmt]).toEqual([
      'etcdserver: role is not granted to the user',
      'etcdserver: permission is not granted to the role',
      'etcdserver: invalid auth management',
    ]);
    expect(new AuthError(ErrRoleNotFound)).toBeInstanceOf(Error);
  });
});

describe('users', () => {
  it('adds, lists (byte order), gets and deletes users', () => {
    const { store } = newStore();
    for (const name of ['u2', 'root', 'U1', 'u1']) store.userAdd({ name, password: 'p' });
    expect(store.userList().users).toEqual(['U1', 'root', 'u1', 'u2']);
    expect(store.userGet({ name: 'u1' })).toEqual({ roles: [] });
    store.userDelete({ name: 'u1' });
    expect(store.userList().users).toEqual(['U1', 'root', 'u2']);
    expectAuthError(() => store.userGet({ name: 'u1' }), ErrUserNotFound);
  });

  it('keeps roles sorted and ignores a repeated grant', () => {
    const { store } = newStore();
    store.userAdd({ name: 'u', password: 'p' });
    for (const r of ['zeta', 'alpha', 'mid']) store.roleAdd({ name: r });
    for (const r of ['zeta', 'alpha', 'mid', 'alpha']) store.userGrantRole({ user: 'u', role: r });
    expect(store.userGet({ name: 'u' }).roles).toEqual(['alpha', 'mid', 'zeta']);
    expect(store.hasRole('u', 'mid')).toBe(true);
    store.userRevokeRole({ name: 'u', role: 'mid' });
    expect(store.userGet({ name: 'u' }).roles).toEqual(['alpha', 'zeta']);
    expect(store.hasRole('u', 'mid')).toBe(false);
    expectAuthError(() => store.userRevokeRole({ name: 'u', role: 'mid' }), ErrRoleNotGranted);
  });

  it('a password change keeps roles and the noPassword option', () => {
    const { store } = newStore();
    store.roleAdd({ name: 'r' });
    store.userAdd({ name: 'n', password: '', options: { noPassword: true } });
    store.userGrantRole({ user: 'n', role: 'r' });
    store.userChangePassword({ name: 'n', password: 'x' });
    expect(store.userGet({ name: 'n' }).roles).toEqual(['r']);
    withRoot(store);
    expect(() => store.checkPassword('n', 'x')).toThrow('password was given for no password user');
  });

  it('returns copies: changing a response does not change the store', () => {
    const { store } = newStore();
    store.roleAdd({ name: 'r' });
    store.roleGrantPermission({ name: 'r', perm: perm('READ', 'a') });
    store.userAdd({ name: 'u', password: 'p' });
    store.userGrantRole({ user: 'u', role: 'r' });
    store.userGet({ name: 'u' }).roles.push('root');
    const got = store.roleGet({ role: 'r' }).perm[0]!;
    got.key[0] = 0x7a;
    got.permType = 'WRITE';
    expect(store.userGet({ name: 'u' }).roles).toEqual(['r']);
    expect(roleSummary(store, 'r')).toEqual(['READ "a" ""']);
  });

  it('root and the root role can be removed while auth is disabled', () => {
    const { store } = newStore();
    withRoot(store, false);
    store.userRevokeRole({ name: 'root', role: 'root' });
    store.roleDelete({ role: 'root' });
    store.userDelete({ name: 'root' });
    expect(store.userList().users).toEqual([]);
    expect(store.roleList().roles).toEqual([]);
  });
});

describe('roles and permissions', () => {
  it('adds, lists, gets and deletes roles; the root role shows no permissions', () => {
    const { store } = newStore();
    withRoot(store);
    store.roleAdd({ name: 'r1' });
    expect(store.roleList().roles).toEqual(['r1', 'root']);
    expect(store.roleGet({ role: 'root' }).perm).toEqual([]);
    store.roleDelete({ role: 'r1' });
    expect(store.roleList().roles).toEqual(['root']);
  });

  it('deleting a role takes it from every user (a re-created role is not re-granted)', () => {
    const { store } = newStore();
    store.roleAdd({ name: 'q' });
    store.roleAdd({ name: 'keep' });
    for (const u of ['a', 'b']) {
      store.userAdd({ name: u, password: 'p' });
      store.userGrantRole({ user: u, role: 'q' });
    }
    store.userGrantRole({ user: 'b', role: 'keep' });
    store.roleDelete({ role: 'q' });
    store.roleAdd({ name: 'q' });
    expect(store.userGet({ name: 'a' }).roles).toEqual([]);
    expect(store.userGet({ name: 'b' }).roles).toEqual(['keep']);
  });

  it('keeps permissions sorted by key (etcd 3.4.23 role get -w json order)', () => {
    const { store } = newStore();
    store.roleAdd({ name: 'r1' });
    store.roleGrantPermission({ name: 'r1', perm: perm('READWRITE', 'a', prefixEnd('a')) });
    store.roleGrantPermission({ name: 'r1', perm: perm('WRITE', 'b', 'c') });
    store.roleGrantPermission({ name: 'r1', perm: perm('READ', 'x', FROM_KEY) });
    // etcdctl's `role grant-permission r1 read "" --prefix` sends key "\0", rangeEnd "\0".
    store.roleGrantPermission({ name: 'r1', perm: { permType: 'READ', key: FROM_KEY, rangeEnd: FROM_KEY } });
    expect(roleSummary(store, 'r1')).toEqual([
      'READ "\\u0000" "\\u0000"',
      'READWRITE "a" "b"',
      'WRITE "b" "c"',
      'READ "x" "\\u0000"',
    ]);
    // Granting an equal range again only changes its type (etcd: "Role r1 updated").
    store.roleGrantPermission({ name: 'r1', perm: perm('WRITE', 'a', 'b') });
    expect(roleSummary(store, 'r1')[1]).toBe('WRITE "a" "b"');
    expect(roleSummary(store, 'r1')).toHaveLength(4);
  });

  it('reproduces etcd 3.4.23 appending a duplicate when two grants share a key', () => {
    const { store } = newStore();
    store.roleAdd({ name: 'q' });
    store.roleGrantPermission({ name: 'q', perm: perm('READ', 'a', 'b') });
    store.roleGrantPermission({ name: 'q', perm: perm('READ', 'a', 'c') });
    store.roleGrantPermission({ name: 'q', perm: perm('WRITE', 'a', 'c') });
    expect(roleSummary(store, 'q')).toEqual(['READ "a" "b"', 'READ "a" "c"', 'WRITE "a" "c"']);
    store.roleGrantPermission({ name: 'q', perm: perm('READWRITE', 'a', 'b') });
    expect(roleSummary(store, 'q')).toEqual(['READWRITE "a" "b"', 'READ "a" "c"', 'WRITE "a" "c"']);
    // Revoking [a, c) removes both copies.
    store.roleRevokePermission({ role: 'q', key: utf8('a'), rangeEnd: utf8('c') });
    expect(roleSummary(store, 'q')).toEqual(['READWRITE "a" "b"']);
  });

  it('revoking needs the exact key and range end', () => {
    const { store } = newStore();
    store.roleAdd({ name: 'r1' });
    store.roleGrantPermission({ name: 'r1', perm: perm('READ', 'foo') });
    expectAuthError(() => store.roleRevokePermission({ role: 'r1', key: utf8('foo'), rangeEnd: utf8('bar') }), ErrPermissionNotGranted);
    expectAuthError(() => store.roleRevokePermission({ role: 'r1', key: utf8('fo'), rangeEnd: EMPTY }), ErrPermissionNotGranted);
    store.roleRevokePermission({ role: 'r1', key: utf8('foo'), rangeEnd: EMPTY });
    expect(store.roleGet({ role: 'r1' }).perm).toEqual([]);
  });

  it('accepts ranges etcd 3.4.23 accepts unchecked: empty key, range end before key', () => {
    const { store } = newStore();
    store.roleAdd({ name: 'r2' });
    store.roleGrantPermission({ name: 'r2', perm: perm('READ', 'z', 'a') });
    store.roleGrantPermission({ name: 'r2', perm: perm('READ', '', FROM_KEY) });
    store.roleGrantPermission({ name: 'r2', perm: perm('READ', '', '') });
    expect(roleSummary(store, 'r2')).toEqual(['READ "" "\\u0000"', 'READ "" ""', 'READ "z" "a"']);
  });
});
