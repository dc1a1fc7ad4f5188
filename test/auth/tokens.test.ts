// Password checks, Authenticate and simple tokens (etcd 3.4 auth/simple_token.go).
import { describe, expect, it } from 'vitest';
import {
  ErrAuthFailed,
  ErrAuthNotEnabled,
  ErrInvalidAuthToken,
  ErrNoPasswordUser,
  SIMPLE_TOKEN_TTL_DEFAULT_MS,
  SimpleTokenProvider,
  simpleTokenIndex,
  type AuthStore,
} from '../../src/engine/auth/index.ts';
import { VirtualClock } from '../../src/engine/cluster/clock.ts';
import { expectAuthError, newStore, withRoot } from './helpers.ts';

/** The whole Authenticate flow: check the password, draw a prefix, apply at raft index `index`. */
function login(store: AuthStore, name: string, password: string, index: number): string {
  store.checkPassword(name, password);
  return store.authenticate({ name, simpleToken: store.genTokenPrefix() }, index).token;
}

function setup(seed = 1, ttl?: number) {
  const { store, clock } = newStore(seed, ttl);
  withRoot(store);
  store.userAdd({ name: 'u', password: 'p' });
  return { store, clock };
}

describe('authenticate', () => {
  it('returns "<16 letters>.<raft index>" and the token names the user', () => {
    const { store } = setup();
    const token = login(store, 'u', 'p', 198);
    expect(token).toMatch(/^[a-zA-Z]{16}\.198$/);
    expect(store.authInfoFromToken(token)).toEqual({ username: 'u', revision: store.revision() });
    const rootToken = login(store, 'root', 'pw', 199);
    expect(rootToken).toMatch(/^[a-zA-Z]{16}\.199$/);
    expect(rootToken.slice(0, 16)).not.toBe(token.slice(0, 16));
    expect(store.authInfoFromToken(rootToken).username).toBe('root');
  });

  it('checkPassword returns the auth revision it checked against', () => {
    const { store } = setup();
    expect(store.checkPassword('u', 'p')).toBe(store.revision());
  });

  type Case = [string, string, string, string];
  const failures: Case[] = [
    ['wrong password', 'u', 'bad', ErrAuthFailed],
    ['unknown user', 'ghost', 'bad', ErrAuthFailed],
    ['empty name', '', '', ErrAuthFailed],
    ['noPassword user, with a password', 'nopw', 'x', ErrNoPasswordUser],
    ['noPassword user, empty password', 'nopw', '', ErrNoPasswordUser],
  ];
  it.each(failures)('%s -> %s', (_n, name, password, message) => {
    const { store } = setup();
    store.userAdd({ name: 'nopw', password: 'ignored', options: { noPassword: true } });
    expectAuthError(() => store.checkPassword(name, password), message);
  });

  it('uses etcd 3.4.23\'s texts and codes', () => {
    const { store } = setup();
    store.userAdd({ name: 'nopw', password: '', options: { noPassword: true } });
    const failed = expectAuthError(() => store.checkPassword('u', 'bad'), 'etcdserver: authentication failed, invalid user ID or password');
    expect(failed.code).toBe('InvalidArgument');
    const nopw = expectAuthError(
      () => store.checkPassword('nopw', 'x'),
      'auth: authentication failed, password was given for no password user',
    );
    expect(nopw.code).toBe('Unknown');
    // Applying an Authenticate entry for a noPassword user fails too.
    expectAuthError(() => store.authenticate({ name: 'nopw', simpleToken: 'abc' }, 5), ErrAuthFailed);
    expectAuthError(() => store.authenticate({ name: 'ghost', simpleToken: 'abc' }, 5), ErrAuthFailed);
  });

  it('needs auth enabled: "etcdserver: authentication is not enabled"', () => {
    const { store } = newStore();
    withRoot(store, false);
    const err = expectAuthError(() => store.checkPassword('root', 'pw'), ErrAuthNotEnabled);
    expect(err.message).toBe('etcdserver: authentication is not enabled');
    expect(err.code).toBe('FailedPrecondition');
    expectAuthError(() => store.authenticate({ name: 'root', simpleToken: 'abc' }, 5), ErrAuthNotEnabled);
  });

  it('an empty password is a password like any other', () => {
    const { store } = setup();
    store.userAdd({ name: 'e', password: '' });
    expect(() => store.checkPassword('e', '')).not.toThrow();
    expectAuthError(() => store.checkPassword('e', 'x'), ErrAuthFailed);
  });

  it('same seed, same tokens; another seed, other tokens', () => {
    const run = (seed: number) => {
      const { store } = setup(seed);
      return [login(store, 'u', 'p', 10), login(store, 'root', 'pw', 11)];
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)[0]).not.toBe(run(8)[0]);
  });
});

describe('token validity', () => {
  it.each([['bogus'], ['bogus.12'], ['abc.def'], ['a.b.c'], ['x.-1'], ['']])('unknown or malformed %j is "etcdserver: invalid auth token"', (token) => {
    const { store } = setup();
    const real = login(store, 'u', 'p', 12);
    expect(store.authInfoFromToken(real).username).toBe('u');
    const err = expectAuthError(() => store.authInfoFromToken(token), ErrInvalidAuthToken);
    expect(err.message).toBe('etcdserver: invalid auth token');
    expect(err.code).toBe('Unauthenticated');
    // A real token with anything appended is no token either.
    expectAuthError(() => store.authInfoFromToken(`${real}.1`), ErrInvalidAuthToken);
  });

  it('simpleTokenIndex parses the raft index, or rejects the token', () => {
    expect(simpleTokenIndex('DPDecrciYcNLiGRo.198')).toBe(198);
    expect(simpleTokenIndex('x.0')).toBe(0);
    expect(simpleTokenIndex('x.18446744073709551615')).toBe(18446744073709551615);
    for (const bad of ['x', 'x.', 'x.y', 'x.1.2', 'x.+1', 'x. 1', 'x.18446744073709551616']) {
      expect(simpleTokenIndex(bad), bad).toBeUndefined();
    }
  });

  it('a password change invalidates only that user\'s tokens', () => {
    const { store } = setup();
    const u1 = login(store, 'u', 'p', 20);
    const u2 = login(store, 'u', 'p', 21);
    const r = login(store, 'root', 'pw', 22);
    store.userChangePassword({ name: 'u', password: 'p2' });
    expectAuthError(() => store.authInfoFromToken(u1), ErrInvalidAuthToken);
    expectAuthError(() => store.authInfoFromToken(u2), ErrInvalidAuthToken);
    expect(store.authInfoFromToken(r).username).toBe('root');
    expectAuthError(() => store.checkPassword('u', 'p'), ErrAuthFailed);
    const fresh = login(store, 'u', 'p2', 23);
    expect(store.authInfoFromToken(fresh).username).toBe('u');
  });

  it('deleting a user invalidates their tokens', () => {
    const { store } = setup();
    const t = login(store, 'u', 'p', 30);
    const r = login(store, 'root', 'pw', 31);
    store.userDelete({ name: 'u' });
    expectAuthError(() => store.authInfoFromToken(t), ErrInvalidAuthToken);
    expect(store.authInfoFromToken(r).username).toBe('root');
  });

  it('role changes keep tokens valid, at the new revision', () => {
    const { store } = setup();
    const t = login(store, 'u', 'p', 40);
    const before = store.authInfoFromToken(t).revision;
    store.roleAdd({ name: 'r' });
    store.userGrantRole({ user: 'u', role: 'r' });
    expect(store.authInfoFromToken(t)).toEqual({ username: 'u', revision: before + 2 });
  });

  it('disabling auth invalidates every token, and they stay invalid after re-enabling', () => {
    const { store } = setup();
    const t = login(store, 'u', 'p', 50);
    const r = login(store, 'root', 'pw', 51);
    store.authDisable();
    // etcd 3.4 still looks a sent token up while disabled: it is invalid.
    expectAuthError(() => store.authInfoFromToken(r), ErrInvalidAuthToken);
    store.authEnable();
    expectAuthError(() => store.authInfoFromToken(t), ErrInvalidAuthToken);
    expectAuthError(() => store.authInfoFromToken(r), ErrInvalidAuthToken);
    expect(store.authInfoFromToken(login(store, 'root', 'pw', 52)).username).toBe('root');
  });

  it('a token assigned while disabled is not recorded', () => {
    const { store } = setup();
    store.authDisable();
    // (etcd refuses Authenticate first; the provider itself also ignores the assignment.)
    expectAuthError(() => store.authenticate({ name: 'u', simpleToken: 'abcdefghijklmnop' }, 60), ErrAuthNotEnabled);
    store.authEnable();
    expectAuthError(() => store.authInfoFromToken('abcdefghijklmnop.60'), ErrInvalidAuthToken);
  });

  it('the provider records nothing while disabled, and refuses to assign one token twice', () => {
    const tokens = new SimpleTokenProvider(new VirtualClock());
    expect(tokens.assign('u', 'prefix', 1)).toBe('prefix.1');
    expect(tokens.info('prefix.1')).toBeUndefined();
    tokens.enable();
    expect(tokens.assign('u', 'prefix', 1)).toBe('prefix.1');
    expect(tokens.info('prefix.1')).toBe('u');
    expect(tokens.size).toBe(1);
    expect(() => tokens.assign('v', 'prefix', 1)).toThrow('already assigned');
    tokens.disable();
    expect(tokens.size).toBe(0);
  });
});

describe('token TTL (virtual clock)', () => {
  it('defaults to etcd\'s 300 s', () => {
    expect(SIMPLE_TOKEN_TTL_DEFAULT_MS).toBe(300_000);
    const { store, clock } = setup();
    const t = login(store, 'u', 'p', 70);
    clock.set(300_000);
    expect(store.authInfoFromToken(t).username).toBe('u');
    clock.set(600_001);
    expectAuthError(() => store.authInfoFromToken(t), ErrInvalidAuthToken);
  });

  it('expires an idle token, and each use restarts the TTL (as seen with --auth-token-ttl 3)', () => {
    const { store, clock } = setup(1, 3000);
    const t = login(store, 'u', 'p', 57);
    clock.set(2000);
    expect(store.authInfoFromToken(t).username).toBe('u');
    clock.set(4000);
    expect(store.authInfoFromToken(t).username).toBe('u');
    clock.set(6000);
    expect(store.authInfoFromToken(t).username).toBe('u');
    clock.set(9001);
    expectAuthError(() => store.authInfoFromToken(t), ErrInvalidAuthToken);
  });

  it('the sweep forgets expired tokens only', () => {
    const { store, clock } = setup(1, 1000);
    const old = login(store, 'u', 'p', 80);
    clock.set(800);
    const young = login(store, 'root', 'pw', 81);
    clock.set(1500);
    expect(store.expireTokens()).toBe(1);
    expect(store.expireTokens()).toBe(0);
    expectAuthError(() => store.authInfoFromToken(old), ErrInvalidAuthToken);
    expect(store.authInfoFromToken(young).username).toBe('root');
  });
});
