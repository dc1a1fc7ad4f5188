// Bytes-affine intervals (etcd pkg/adt) behind the range permission cache.
import { describe, expect, it } from 'vitest';
import {
  compareAffine,
  compareBytes,
  covers,
  getMergedPerms,
  intersects,
  pointInterval,
  type KeyInterval,
} from '../../src/engine/auth/index.ts';
import { FROM_KEY, perm, utf8 } from './helpers.ts';

const iv = (begin: string, end: string): KeyInterval => ({ begin: utf8(begin), end: utf8(end) });
const E = new Uint8Array(0);

describe('ordering', () => {
  it('compares bytes like Go\'s bytes.Compare (unsigned, prefix first)', () => {
    expect(compareBytes(utf8('a'), utf8('b'))).toBe(-1);
    expect(compareBytes(utf8('ab'), utf8('a'))).toBe(1);
    expect(compareBytes(utf8('a'), utf8('a'))).toBe(0);
    expect(compareBytes(new Uint8Array([0x7f]), new Uint8Array([0x80]))).toBe(-1);
    expect(compareBytes(E, utf8('a'))).toBe(-1);
  });

  it('affine order puts the empty string above everything', () => {
    expect(compareAffine(E, utf8('zzz'))).toBe(1);
    expect(compareAffine(new Uint8Array([0xff, 0xff]), E)).toBe(-1);
    expect(compareAffine(E, E)).toBe(0);
    expect(compareAffine(utf8('a'), utf8('b'))).toBe(-1);
  });

  it('a point is [k, k+"\\0")', () => {
    expect(pointInterval(utf8('ab'))).toEqual({ begin: utf8('ab'), end: new Uint8Array([0x61, 0x62, 0]) });
  });
});

describe('covers and intersects', () => {
  it.each([
    ['inside one interval', [iv('a', 'c')], iv('a', 'b'), true],
    ['exactly one interval', [iv('a', 'c')], iv('a', 'c'), true],
    ['sticks out', [iv('a', 'c')], iv('a', 'd'), false],
    ['adjacent intervals chain', [iv('a', 'b'), iv('b', 'c'), iv('c', 'd')], iv('a', 'd'), true],
    ['a gap breaks the chain', [iv('a', 'b'), iv('b', 'c'), iv('c2', 'd')], iv('a', 'd'), false],
    ['a gap outside the query does not matter', [iv('a', 'b'), iv('c', 'f')], iv('d', 'e'), true],
    ['open end covers open end', [{ begin: utf8('a'), end: E }], { begin: utf8('b'), end: E }, true],
    ['bounded does not cover open end', [iv('a', 'z')], { begin: utf8('b'), end: E }, false],
    ['nothing covers nothing', [], iv('a', 'b'), false],
  ])('%s', (_n, ivs, q, want) => {
    expect(covers(ivs, q)).toBe(want);
  });

  it('intersects finds any overlap, not coverage', () => {
    expect(intersects([iv('a', 'c')], pointInterval(utf8('b')))).toBe(true);
    expect(intersects([iv('a', 'c')], pointInterval(utf8('c')))).toBe(false);
    expect(intersects([iv('a', 'c')], iv('b', 'z'))).toBe(true);
    expect(intersects([], pointInterval(utf8('a')))).toBe(false);
  });
});

describe('merging a user\'s roles', () => {
  it('puts READWRITE in both sets, sorts by begin, and skips roles that no longer exist', () => {
    const roles = new Map([
      ['r1', { name: 'r1', keyPermission: [perm('WRITE', 'm', 'n'), perm('READ', 'x', FROM_KEY)] }],
      ['r2', { name: 'r2', keyPermission: [perm('READWRITE', 'b')] }],
    ]);
    const merged = getMergedPerms(
      { name: 'u', password: E, roles: ['gone', 'r1', 'r2'], options: { noPassword: false } },
      (name) => roles.get(name),
    );
    expect(merged.readPerms).toEqual([pointInterval(utf8('b')), { begin: utf8('x'), end: E }]);
    expect(merged.writePerms).toEqual([pointInterval(utf8('b')), iv('m', 'n')]);
  });
});
