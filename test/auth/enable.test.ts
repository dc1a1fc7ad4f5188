// Enabling and disabling auth (etcd 3.4 AuthEnable / AuthDisable), and the auth revision.
import { describe, expect, it } from 'vitest';
import {
  ErrRootRoleNotExist,
  ErrRootUserNotExist,
} from '../../src/engine/auth/index.ts';
import { expectAuthError, newStore, perm, utf8, withRoot } from './helpers.ts';

describe('auth enable', () => {
  it('needs the root user: "etcdserver: root user does not exist"', () => {
    const { store } = newStore();
    const err = expectAuthError(() => store.authEnable(), ErrRootUserNotExist);
    expect(err.message).toBe('etcdserver: root user does not exist');
    expect(err.code).toBe('FailedPrecondition');
    expect(store.isAuthEnabled()).toBe(false);
  });

  it('needs the root user to hold the root role: "etcdserver: root user does not have root role"', () => {
    const { store } = newStore();
    store.userAdd({ name: 'root', password: 'pw' });
    store.roleAdd({ name: 'root' });
    const err = expectAuthError(() => store.authEnable(), ErrRootRoleNotExist);
    expect(err.message).toBe('etcdserver: root user does not have root role');
    expect(store.isAuthEnabled()).toBe(false);
    // Another user holding the root role does not count.
    store.userAdd({ name: 'admin', password: 'pw' });
    store.userGrantRole({ user: 'admin', role: 'root' });
    expectAuthError(() => store.authEnable(), ErrRootRoleNotExist);
  });

  it('enables once root has the root role, even before the root role exists (etcd allows granting it)', () => {
    const { store } = newStore();
    store.userAdd({ name: 'root', password: 'pw' });
    store.userGrantRole({ user: 'root', role: 'root' });
    expect(store.roleList().roles).toEqual([]);
    store.authEnable();
    expect(store.isAuthEnabled()).toBe(true);
  });

  it('enable does not bump the revision; enabling again is a no-op', () => {
    const { store } = newStore();
    withRoot(store, false);
    const rev = store.revision();
    store.authEnable();
    expect(store.revision()).toBe(rev);
    expect(store.authEnable()).toEqual({});
    expect(store.revision()).toBe(rev);
    expect(store.isAuthEnabled()).toBe(true);
  });

  it('disable bumps the revision once; disabling again changes nothing', () => {
    const { store } = newStore();
    withRoot(store);
    const rev = store.revision();
    store.authDisable();
    expect(store.isAuthEnabled()).toBe(false);
    expect(store.revision()).toBe(rev + 1);
    store.authDisable();
    expect(store.revision()).toBe(rev + 1);
  });
});

describe('auth revision', () => {
  // Counts observed on etcd 3.4.23 through etcd_debugging_auth_revision: a fresh store is at
  // revision 1 and each of these changes adds exactly the given amount.
  it('starts at 1', () => {
    expect(newStore().store.revision()).toBe(1);
  });

  type Step = [string, (s: ReturnType<typeof newStore>['store']) => unknown, number];
  const steps: Step[] = [
    ['user add', (s) => s.userAdd({ name: 'x', password: '1' }), 1],
    ['grant the (not yet existing) root role', (s) => s.userGrantRole({ user: 'x', role: 'root' }), 1],
    ['user add root', (s) => s.userAdd({ name: 'root', password: 'pw' }), 1],
    ['grant root role to root', (s) => s.userGrantRole({ user: 'root', role: 'root' }), 1],
    ['grant it again (no-op)', (s) => s.userGrantRole({ user: 'root', role: 'root' }), 0],
    ['revoke root role while disabled', (s) => s.userRevokeRole({ name: 'root', role: 'root' }), 1],
    ['role add root', (s) => s.roleAdd({ name: 'root' }), 1],
    ['role delete root while disabled', (s) => s.roleDelete({ role: 'root' }), 1],
    ['role add q', (s) => s.roleAdd({ name: 'q' }), 1],
    ['grant q', (s) => s.userGrantRole({ user: 'x', role: 'q' }), 1],
    ['grant permission', (s) => s.roleGrantPermission({ name: 'q', perm: perm('READ', 'a', 'b') }), 1],
    ['re-grant the same permission as another type', (s) => s.roleGrantPermission({ name: 'q', perm: perm('READWRITE', 'a', 'b') }), 1],
    ['revoke permission', (s) => s.roleRevokePermission({ role: 'q', key: utf8('a'), rangeEnd: utf8('b') }), 1],
    ['change password', (s) => s.userChangePassword({ name: 'x', password: '2' }), 1],
    ['role delete q (also updates x)', (s) => s.roleDelete({ role: 'q' }), 1],
    ['user delete', (s) => s.userDelete({ name: 'x' }), 1],
    ['reads change nothing', (s) => [s.userList(), s.roleList(), s.userGet({ name: 'root' })], 0],
  ];

  it.each(steps.map((s, i) => [i, s[0]] as const))('step %i: %s', (i) => {
    const { store } = newStore();
    for (let j = 0; j < i; j++) steps[j]![1](store);
    const before = store.revision();
    steps[i]![1](store);
    expect(store.revision() - before).toBe(steps[i]![2]);
  });

  it('failed changes do not bump it', () => {
    const { store } = newStore();
    withRoot(store);
    const rev = store.revision();
    const failing = [
      () => store.userAdd({ name: 'root', password: 'x' }),
      () => store.userDelete({ name: 'nobody' }),
      () => store.userDelete({ name: 'root' }),
      () => store.roleAdd({ name: '' }),
      () => store.roleGrantPermission({ name: 'nope', perm: perm('READ', 'a') }),
      () => store.roleRevokePermission({ role: 'root', key: utf8('a'), rangeEnd: utf8('') }),
      () => store.userRevokeRole({ name: 'root', role: 'nope' }),
    ];
    for (const f of failing) expect(f).toThrow();
    expect(store.revision()).toBe(rev);
  });
});
