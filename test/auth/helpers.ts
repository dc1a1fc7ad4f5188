// Shared set-up for the auth store tests.
import { expect } from 'vitest';
import { AuthError, AuthStore, type AuthInfo, type Permission, type PermissionType } from '../../src/engine/auth/index.ts';
import { VirtualClock } from '../../src/engine/cluster/clock.ts';
import { Prng } from '../../src/engine/util/prng.ts';
import { fromUtf8, utf8 } from '../../src/engine/util/bytes.ts';

export { utf8, fromUtf8 };

export const EMPTY = new Uint8Array(0);
/** rangeEnd "\0": every key from the key on (etcdctl --from-key). */
export const FROM_KEY = new Uint8Array([0]);

export function newStore(seed = 1, tokenTtlMs?: number): { store: AuthStore; clock: VirtualClock } {
  const clock = new VirtualClock();
  const store = new AuthStore({ prng: new Prng(seed).fork('auth'), clock, tokenTtlMs });
  return { store, clock };
}

/** root user with the root role, as `etcdctl user add root:pw && etcdctl auth enable` leaves it. */
export function withRoot(store: AuthStore, enable = true): void {
  store.userAdd({ name: 'root', password: 'pw' });
  store.roleAdd({ name: 'root' });
  store.userGrantRole({ user: 'root', role: 'root' });
  if (enable) store.authEnable();
}

/** etcdctl's prefix range end: the key with its last byte below 0xff incremented. */
export function prefixEnd(prefix: string): Uint8Array {
  const b = utf8(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i]! < 0xff) {
      const end = b.slice(0, i + 1);
      end[i]!++;
      return end;
    }
  }
  return FROM_KEY;
}

export function perm(permType: PermissionType, key: string, rangeEnd: string | Uint8Array = ''): Permission {
  return { permType, key: utf8(key), rangeEnd: typeof rangeEnd === 'string' ? utf8(rangeEnd) : rangeEnd };
}

/** An AuthInfo as the server would take it from a request carrying a fresh token. */
export function infoFor(store: AuthStore, username: string): AuthInfo {
  return { username, revision: store.revision() };
}

/** Asserts fn throws an AuthError with exactly this message. */
export function expectAuthError(fn: () => unknown, message: string): AuthError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected "${message}"`).toBeInstanceOf(AuthError);
  expect((caught as AuthError).message).toBe(message);
  return caught as AuthError;
}
