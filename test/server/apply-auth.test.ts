// Auth at apply time, as etcd 3.4's authApplierV3 does it: management needs
// the root role, KV and lease requests are checked against the header's user
// and auth revision, users may read themselves and their roles.
import { describe, expect, it } from 'vitest';
import type { AuthUserGetResponse } from '../../src/engine/auth/types.ts';
import { FROM_KEY, Member, asUser, b, dump, enableAuth, hdr } from './helpers.ts';

const DENIED = 'etcdserver: permission denied';
const OLD = 'etcdserver: revision of auth store is old';

/** Auth on, plus user "alice" with role "reader": read [a, c), readwrite [w, x). */
function withAlice(): Member {
  const m = new Member();
  const root = enableAuth(m);
  m.ok('authUserAdd', { name: 'alice', password: 'pw' }, root);
  m.ok('authRoleAdd', { name: 'reader' }, root);
  m.ok('authRoleGrantPermission', { name: 'reader', perm: { permType: 'READ', key: b('a'), rangeEnd: b('c') } }, root);
  m.ok('authRoleGrantPermission', { name: 'reader', perm: { permType: 'READWRITE', key: b('w'), rangeEnd: b('x') } }, root);
  m.ok('authUserGrantRole', { user: 'alice', role: 'reader' }, root);
  return m;
}

describe('applier: auth management', () => {
  it('applies user and role changes with headers at the KV revision', () => {
    const m = new Member();
    expect(m.exec('authUserAdd', { name: 'u', password: 'p' })).toEqual({ resp: { header: hdr(1) } });
    expect(m.exec('authRoleAdd', { name: 'r' })).toEqual({ resp: { header: hdr(1) } });
    m.ok('authUserGrantRole', { user: 'u', role: 'r' });
    m.ok('put', { key: b('k') });
    expect(m.exec('authUserGet', { name: 'u' })).toEqual({ resp: { header: hdr(2), roles: ['r'] } });
    expect(m.exec('authUserList', {})).toEqual({ resp: { header: hdr(2), users: ['u'] } });
    expect(m.exec('authRoleList', {})).toEqual({ resp: { header: hdr(2), roles: ['r'] } });
    m.fails('authUserAdd', { name: 'u', password: 'p' }, 'etcdserver: user name already exists');
    m.fails('authEnable', {}, 'etcdserver: root user does not exist');
    expect(m.fails('authRoleGet', { role: 'nope' }, 'etcdserver: role name not found').err!.code).toBe('FailedPrecondition');
  });

  it('applies the other management requests, with their exact answers and refusals', () => {
    const m = new Member();
    m.ok('authUserAdd', { name: 'u', password: 'p' });
    m.ok('authRoleAdd', { name: 'r' });
    m.ok('authUserGrantRole', { user: 'u', role: 'r' });
    const perm = { permType: 'WRITE' as const, key: b('a'), rangeEnd: b('b') };
    expect(m.exec('authRoleGrantPermission', { name: 'r', perm })).toEqual({ resp: { header: hdr(1) } });
    expect(m.exec('authRoleGet', { role: 'r' })).toEqual({ resp: { header: hdr(1), perm: [perm] } });
    expect(m.exec('authRoleRevokePermission', { role: 'r', key: b('a'), rangeEnd: b('b') })).toEqual({ resp: { header: hdr(1) } });
    m.fails('authRoleRevokePermission', { role: 'r', key: b('a'), rangeEnd: b('b') }, 'etcdserver: permission is not granted to the role');
    expect(m.exec('authUserChangePassword', { name: 'u', password: 'q' })).toEqual({ resp: { header: hdr(1) } });
    m.fails('authUserChangePassword', { name: 'v', password: 'q' }, 'etcdserver: user name not found');
    expect(m.exec('authUserRevokeRole', { name: 'u', role: 'r' })).toEqual({ resp: { header: hdr(1) } });
    m.fails('authUserRevokeRole', { name: 'u', role: 'r' }, 'etcdserver: role is not granted to the user');
    expect(m.exec('authRoleDelete', { role: 'r' })).toEqual({ resp: { header: hdr(1) } });
    expect(m.exec('authUserDelete', { name: 'u' })).toEqual({ resp: { header: hdr(1) } });
    m.fails('authUserDelete', { name: 'u' }, 'etcdserver: user name not found');
    // Enable, then the root user and role are protected; disable is answered even when repeated.
    const root = enableAuth(m);
    m.fails('authUserDelete', { name: 'root' }, 'etcdserver: invalid auth management', root);
    m.fails('authRoleDelete', { role: 'root' }, 'etcdserver: invalid auth management', root);
    expect(m.exec('authEnable', {}, root)).toEqual({ resp: { header: hdr(1) } });
    expect(m.exec('authDisable', {}, root)).toEqual({ resp: { header: hdr(1) } });
    expect(m.exec('authDisable', {})).toEqual({ resp: { header: hdr(1) } });
    expect(m.sm.auth.isAuthEnabled()).toBe(false);
  });

  it('issues a simple token carrying the entry index', () => {
    const m = new Member();
    enableAuth(m);
    const res = m.exec('authenticate', { name: 'root', simpleToken: 'abcdefghijklmnop' });
    expect(res).toEqual({ resp: { header: hdr(1), token: `abcdefghijklmnop.${m.index}` } });
    expect(m.sm.auth.authInfoFromToken(`abcdefghijklmnop.${m.index}`).username).toBe('root');
  });

  it('needs the root role for management once auth is on', () => {
    const m = withAlice();
    const alice = asUser(m, 'alice');
    m.fails('authUserAdd', { name: 'x', password: 'p' }, DENIED, alice);
    m.fails('authRoleList', {}, DENIED, alice);
    m.fails('authDisable', {}, DENIED, alice);
    m.fails('authUserList', {}, 'etcdserver: user name is empty');
    m.fails('authUserList', {}, 'etcdserver: user name not found', { username: 'ghost', authRevision: m.sm.auth.revision() });
    // Admin checks do not look at the auth revision.
    m.ok('authUserList', {}, { username: 'root', authRevision: 1 });
    expect(m.sm.auth.isAuthEnabled()).toBe(true);
  });

  it('lets a user read itself and the roles it holds', () => {
    const m = withAlice();
    const alice = asUser(m, 'alice');
    expect((m.ok('authUserGet', { name: 'alice' }, alice) as AuthUserGetResponse).roles).toEqual(['reader']);
    m.fails('authUserGet', { name: 'root' }, DENIED, alice);
    m.ok('authRoleGet', { role: 'reader' }, alice);
    m.fails('authRoleGet', { role: 'root' }, DENIED, alice);
  });
});

describe('applier: permission checks on KV and lease requests', () => {
  it('checks reads, writes and txns against the user permissions', () => {
    const m = withAlice();
    const root = asUser(m, 'root');
    m.ok('put', { key: b('a1'), value: b('v') }, root);
    const alice = asUser(m, 'alice');
    m.ok('range', { key: b('a'), rangeEnd: b('c') }, alice);
    m.fails('range', { key: b('a'), rangeEnd: FROM_KEY }, DENIED, alice);
    m.fails('put', { key: b('a1'), value: b('x') }, DENIED, alice);
    m.ok('put', { key: b('w1'), value: b('x') }, alice);
    // prevKv needs read on the key too; w is readwrite.
    m.ok('deleteRange', { key: b('w1'), prevKv: true }, alice);
    m.fails('deleteRange', { key: b('a1') }, DENIED, alice);
    // A txn is refused as a whole if any compare or op of either branch is not permitted.
    m.fails(
      'txn',
      { compare: [{ key: b('z') }], success: [{ requestPut: { key: b('w2') } }] },
      DENIED,
      alice,
    );
    m.fails('txn', { success: [{ requestPut: { key: b('w2') } }], failure: [{ requestPut: { key: b('a1') } }] }, DENIED, alice);
    m.ok('txn', { compare: [{ key: b('a1'), result: 'GREATER' }], success: [{ requestPut: { key: b('w2'), value: b('t') } }] }, alice);
    // Without a user, with auth on.
    m.fails('range', { key: b('a1') }, 'etcdserver: user name is empty');
    expect(dump(m)).toEqual(['a1=v', 'w2=t']);
  });

  it('etcd 3.4.23 leaves the ops of a nested txn unchecked', () => {
    const m = withAlice();
    m.ok('put', { key: b('secret'), value: b('s') }, asUser(m, 'root'));
    const res = m.ok('txn', { success: [{ requestTxn: { success: [{ requestRange: { key: b('secret') } }] } }] }, asUser(m, 'alice'));
    expect(JSON.stringify(res)).toContain('"count":1');
  });

  it('refuses a request authorized before the latest auth change, root included', () => {
    const m = withAlice();
    const alice = asUser(m, 'alice');
    const root = asUser(m, 'root');
    m.ok('range', { key: b('a') }, alice);
    m.ok('authRoleAdd', { name: 'another' }, root);
    expect(m.fails('range', { key: b('a') }, OLD, alice).err!.code).toBe('InvalidArgument');
    m.fails('put', { key: b('q') }, OLD, root);
    m.ok('put', { key: b('q') }, asUser(m, 'root'));
    m.ok('range', { key: b('a') }, asUser(m, 'alice'));
  });

  it('checks a lease revoke, and a put onto a lease, against the keys on the lease', () => {
    const m = withAlice();
    const root = asUser(m, 'root');
    m.ok('leaseGrant', { ID: 'a', TTL: 60 }, root);
    m.ok('put', { key: b('a1'), lease: 'a' }, root);
    const alice = asUser(m, 'alice');
    m.fails('leaseRevoke', { ID: 'a' }, DENIED, alice);
    // Alice may write w1, but attaching it to a lease holding a1 would let her revoke a1.
    m.fails('put', { key: b('w1'), lease: 'a' }, DENIED, alice);
    m.ok('leaseGrant', { ID: 'b', TTL: 60 }, alice);
    m.ok('put', { key: b('w1'), lease: 'b' }, alice);
    m.ok('leaseRevoke', { ID: 'b' }, alice);
    m.ok('leaseRevoke', { ID: 'a' }, root);
    expect(dump(m)).toEqual([]);
  });

  it('checks nothing while auth is off, whatever the header says', () => {
    const m = new Member();
    m.ok('put', { key: b('k') }, { username: 'nobody', authRevision: 0 });
    m.ok('authUserList', {}, { username: 'nobody', authRevision: 0 });
  });
});
