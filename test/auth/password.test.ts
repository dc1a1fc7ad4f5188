// The stand-in for bcrypt: salted SHA-256 with the salt from the seeded PRNG.
import { describe, expect, it } from 'vitest';
import { checkPassword, hashPassword } from '../../src/engine/auth/index.ts';
import { Prng } from '../../src/engine/util/prng.ts';
import { fromUtf8, newStore, utf8 } from './helpers.ts';

describe('password hashing', () => {
  it('verifies the right password and only it', () => {
    const h = hashPassword('s3cret', new Prng(1));
    expect(checkPassword(h, 's3cret')).toBe(true);
    for (const wrong of ['', 's3cre', 's3cret ', 'S3cret']) expect(checkPassword(h, wrong), wrong).toBe(false);
  });

  it('is salted: the same password hashes differently each time, and never stores the password', () => {
    const prng = new Prng(1);
    const a = hashPassword('pw', prng);
    const b = hashPassword('pw', prng);
    expect(a).not.toEqual(b);
    expect(checkPassword(a, 'pw') && checkPassword(b, 'pw')).toBe(true);
    expect(fromUtf8(a)).toMatch(/^\$sha256\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(fromUtf8(hashPassword('hunter2', prng))).not.toContain('hunter2');
  });

  it('is deterministic for a seed', () => {
    expect(hashPassword('pw', new Prng(42))).toEqual(hashPassword('pw', new Prng(42)));
    expect(hashPassword('pw', new Prng(42))).not.toEqual(hashPassword('pw', new Prng(43)));
  });

  it('handles non-ASCII passwords and rejects malformed hashes', () => {
    const h = hashPassword('pässwörd 🔑', new Prng(3));
    expect(checkPassword(h, 'pässwörd 🔑')).toBe(true);
    expect(checkPassword(h, 'passwort 🔑')).toBe(false);
    expect(checkPassword(new Uint8Array(0), '')).toBe(false);
    expect(checkPassword(utf8('$2a$10$abcdefghijklmnopqrstuv'), '')).toBe(false);
    expect(checkPassword(utf8(`${fromUtf8(h)}$extra`), 'pässwörd 🔑')).toBe(false);
  });

  it('a noPassword user stores no hash', () => {
    const { store } = newStore();
    store.userAdd({ name: 'n', password: 'given anyway', options: { noPassword: true } });
    store.userAdd({ name: 'p', password: 'given' });
    const users = JSON.parse(fromUtf8(store.snapshot())).users as { name: string; password: string }[];
    expect(users.find((u) => u.name === 'n')?.password).toBe('');
    expect(users.find((u) => u.name === 'p')?.password).not.toBe('');
  });
});
