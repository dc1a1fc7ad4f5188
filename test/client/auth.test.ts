// Auth through the client end to end: enabling needs a root user holding the
// root role; clients with a user name and password authenticate and send
// their token; wrong credentials, missing users and permissions fail in
// etcd's words; a token that stops being valid (password change, auth
// disabled and enabled again) is renewed once by the client; the checks each
// service makes with the token (checked against etcd 3.4.23).
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/engine/client/index.ts';
import type { AuthenticateResponse, AuthUserGetResponse, AuthUserListResponse } from '../../src/engine/auth/types.ts';
import type { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import type { PutResponse, RangeResponse } from '../../src/engine/mvcc/rpc.ts';
import type { StatusResponse } from '../../src/engine/api/service.ts';
import type { WatchResponse } from '../../src/engine/mvcc/watch-types.ts';
import type { RequestError } from '../../src/engine/api/service.ts';
import { prefixEnd } from '../../src/engine/client/index.ts';
import { b, build, client, ready, run, t } from './helpers.ts';

const EMPTY = { message: 'etcdserver: user name is empty', code: 'InvalidArgument' };
const DENIED = { message: 'etcdserver: permission denied', code: 'PermissionDenied' };
const FAILED = { message: 'etcdserver: authentication failed, invalid user ID or password', code: 'InvalidArgument' };
const NOT_ENABLED = { message: 'etcdserver: authentication is not enabled', code: 'FailedPrecondition' };
const INVALID = { message: 'etcdserver: invalid auth token', code: 'Unauthenticated' };

function ok<T>(ec: EtcdCluster, fn: (cb: (err: RequestError | undefined, resp?: T) => void) => void): T {
  const d = run<T>(ec, fn);
  expect(d.err).toBeUndefined();
  return d.resp!;
}

/** A cluster with foo and dir/a, users root (root role) and alice (reader: read foo, readwrite dir/), auth on. */
function setup(seed: number): { ec: EtcdCluster; admin: Client; root: Client } {
  const ec = build(seed);
  ready(ec);
  const admin = client(ec);
  ok(ec, (cb) => admin.put({ key: b('foo'), value: b('before-auth') }, cb));
  ok(ec, (cb) => admin.put({ key: b('dir/a'), value: b('1') }, cb));
  expect(run(ec, (cb) => admin.authEnable(cb)).err).toEqual({ message: 'etcdserver: root user does not exist', code: 'FailedPrecondition' });
  ok(ec, (cb) => admin.userAdd('root', 'rootpw', cb));
  expect(run(ec, (cb) => admin.authEnable(cb)).err).toEqual({ message: 'etcdserver: root user does not have root role', code: 'FailedPrecondition' });
  ok(ec, (cb) => admin.userGrantRole('root', 'root', cb));
  ok(ec, (cb) => admin.userAdd('alice', 'alicepw', cb));
  ok(ec, (cb) => admin.roleAdd('reader', cb));
  ok(ec, (cb) => admin.roleGrantPermission('reader', b('foo'), new Uint8Array(0), 'READ', cb));
  ok(ec, (cb) => admin.roleGrantPermission('reader', b('dir/'), prefixEnd(b('dir/')), 'READWRITE', cb));
  ok(ec, (cb) => admin.userGrantRole('alice', 'reader', cb));
  ok(ec, (cb) => admin.authEnable(cb));
  return { ec, admin, root: client(ec, { username: 'root', password: 'rootpw' }) };
}

describe('Client auth', () => {
  it('without a token every KV call and auth management call is refused once auth is on', () => {
    const { ec, admin } = setup(801);
    expect(run(ec, (cb) => admin.get({ key: b('foo') }, cb)).err).toEqual(EMPTY);
    expect(run(ec, (cb) => admin.put({ key: b('foo'), value: b('x') }, cb)).err).toEqual(EMPTY);
    expect(run(ec, (cb) => admin.userList(cb)).err).toEqual(EMPTY);
    expect(run(ec, (cb) => admin.memberAdd(['http://127.0.0.1:32380'], false, cb)).err).toEqual(EMPTY);
    expect(run(ec, (cb) => admin.defragment('http://127.0.0.1:2379', cb)).err).toEqual({ message: 'auth: user name is empty', code: 'Unknown' });
    // Status and alarm list look at no user.
    expect(run<StatusResponse>(ec, (cb) => admin.status('http://127.0.0.1:2379', cb)).err).toBeUndefined();
    expect(run(ec, (cb) => admin.alarmList(cb)).err).toBeUndefined();
  });

  it('authenticates with user name and password and sends the token with each call', () => {
    const { ec, root } = setup(802);
    const dial = run<{ warning?: RequestError }>(ec, (cb) => root.dial(cb));
    expect(dial.err).toBeUndefined();
    expect(dial.resp!.warning).toBeUndefined();
    expect(root.token).toMatch(/^[a-zA-Z]{16}\.\d+$/);
    const get = ok<RangeResponse>(ec, (cb) => root.get({ key: b('foo') }, cb));
    expect(t(get.kvs[0]!.value)).toBe('before-auth');
    expect(ok<AuthUserListResponse>(ec, (cb) => root.userList(cb)).users).toEqual(['alice', 'root']);
    // Explicit Authenticate gives another token.
    const tok = ok<AuthenticateResponse>(ec, (cb) => root.authenticate('alice', 'alicepw', cb)).token;
    expect(tok).not.toBe(root.token);
  });

  it('wrong passwords and unknown users fail at the dial and on calls', () => {
    const { ec } = setup(803);
    const wrong = client(ec, { username: 'root', password: 'wrong' });
    expect(run(ec, (cb) => wrong.dial(cb)).err).toEqual(FAILED);
    expect(run(ec, (cb) => wrong.get({ key: b('foo') }, cb)).err).toEqual(FAILED);
    const nobody = client(ec, { username: 'nobody', password: 'pw' });
    expect(run(ec, (cb) => nobody.put({ key: b('foo'), value: b('x') }, cb)).err).toEqual(FAILED);
  });

  it("a user's permissions decide its KV calls; admin calls need the root role", () => {
    const { ec } = setup(804);
    const alice = client(ec, { username: 'alice', password: 'alicepw' });
    expect(t(ok<RangeResponse>(ec, (cb) => alice.get({ key: b('foo') }, cb)).kvs[0]!.value)).toBe('before-auth');
    expect(run(ec, (cb) => alice.put({ key: b('foo'), value: b('y') }, cb)).err).toEqual(DENIED);
    ok<PutResponse>(ec, (cb) => alice.put({ key: b('dir/b'), value: b('2') }, cb));
    expect(run(ec, (cb) => alice.get({ key: b(''), rangeEnd: new Uint8Array([0]) }, cb)).err).toEqual(DENIED);
    expect(run(ec, (cb) => alice.del({ key: b('foo') }, cb)).err).toEqual(DENIED);
    expect(run(ec, (cb) => alice.userList(cb)).err).toEqual(DENIED);
    expect(run(ec, (cb) => alice.roleAdd('x', cb)).err).toEqual(DENIED);
    expect(run(ec, (cb) => alice.memberRemove('1234', cb)).err).toEqual(DENIED);
    expect(run(ec, (cb) => alice.defragment('http://127.0.0.1:2379', cb)).err).toEqual({ message: 'auth: permission denied', code: 'Unknown' });
    expect(run(ec, (cb) => alice.hashKV('http://127.0.0.1:2379', 0, cb)).err).toEqual({ message: 'auth: permission denied', code: 'Unknown' });
    expect(run(ec, (cb) => alice.status('http://127.0.0.1:2379', cb)).err).toBeUndefined();
    expect(ok<AuthUserGetResponse>(ec, (cb) => alice.userGet('alice', cb)).roles).toEqual(['reader']);
    expect(run(ec, (cb) => alice.userGet('root', cb)).err).toEqual(DENIED);
    // A user without roles may read nothing.
    const root = client(ec, { username: 'root', password: 'rootpw' });
    ok(ec, (cb) => root.userAdd('nobody', 'pw', cb));
    const nobody = client(ec, { username: 'nobody', password: 'pw' });
    expect(run(ec, (cb) => nobody.get({ key: b('foo') }, cb)).err).toEqual(DENIED);
  });

  it('watches run as the token user: a permitted key streams, another is refused', () => {
    const { ec, root } = setup(805);
    const alice = client(ec, { username: 'alice', password: 'alicepw' });
    const got: WatchResponse[] = [];
    const refused: WatchResponse[] = [];
    alice.watch({ key: b('foo') }, (r) => got.push(r));
    alice.watch({ key: b('bar') }, (r) => refused.push(r));
    ec.cluster.advance(500);
    ok(ec, (cb) => root.put({ key: b('foo'), value: b('by-root') }, cb));
    expect(ec.cluster.runUntil(() => got.length > 0, 2000)).toBe(true);
    expect(t(got[0]!.events[0]!.kv.value)).toBe('by-root');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.canceled).toBe(true);
  });

  it("a password change invalidates the user's token: the client re-authenticates once and fails with the old password", () => {
    const { ec, root } = setup(806);
    const alice = client(ec, { username: 'alice', password: 'alicepw' });
    ok(ec, (cb) => alice.get({ key: b('foo') }, cb));
    const old = alice.token;
    // Other auth changes bump the revision but keep the token.
    ok(ec, (cb) => root.roleAdd('other', cb));
    ok(ec, (cb) => alice.get({ key: b('foo') }, cb));
    expect(alice.token).toBe(old);
    ok(ec, (cb) => root.userChangePassword('alice', 'alice2', cb));
    expect(run(ec, (cb) => alice.get({ key: b('foo') }, cb)).err).toEqual(FAILED);
    const alice2 = client(ec, { username: 'alice', password: 'alice2' });
    ok(ec, (cb) => alice2.get({ key: b('foo') }, cb));
  });

  it('after auth is disabled and enabled again, old tokens are invalid and the client renews its own', () => {
    const { ec, root } = setup(807);
    ok(ec, (cb) => root.get({ key: b('foo') }, cb));
    const old = root.token!;
    ok(ec, (cb) => root.authDisable(cb));
    // Disabled: the old token is unknown, and renewing it fails as clientv3's does.
    expect(run(ec, (cb) => root.get({ key: b('foo') }, cb)).err).toEqual(NOT_ENABLED);
    const svc = ec.connect(ec.ids()[0]!)!;
    expect(run(ec, (cb) => svc.range({ key: b('foo') }, cb, old)).err).toEqual(INVALID);
    expect(run(ec, (cb) => svc.range({ key: b('foo') }, cb)).err).toBeUndefined();
    const plain = client(ec);
    ok(ec, (cb) => plain.authEnable(cb));
    ok(ec, (cb) => root.get({ key: b('foo') }, cb));
    expect(root.token).not.toBe(old);
    expect(run(ec, (cb) => svc.range({ key: b('foo') }, cb, old)).err).toEqual(INVALID);
  });

  it('with auth disabled a client with credentials dials with a warning and calls without a token', () => {
    const ec = build(808);
    ready(ec);
    const c = client(ec, { username: 'alice', password: 'alicepw' });
    const dial = run<{ warning?: RequestError }>(ec, (cb) => c.dial(cb));
    expect(dial.err).toBeUndefined();
    expect(dial.resp!.warning).toEqual(NOT_ENABLED);
    expect(c.token).toBeUndefined();
    ok(ec, (cb) => c.put({ key: b('k'), value: b('v') }, cb));
    expect(run(ec, (cb) => c.authenticate('alice', 'alicepw', cb)).err).toEqual(NOT_ENABLED);
  });

  it('tokens are refused where etcd refuses them: malformed, unknown, and in maintenance calls in raw words', () => {
    const { ec, root } = setup(809);
    const id = ec.ids()[1]!;
    const svc = ec.connect(id)!;
    expect(run(ec, (cb) => svc.range({ key: b('foo') }, cb, 'garbage')).err).toEqual(INVALID);
    expect(run(ec, (cb) => svc.userList(cb, 'abcdefghijklmnop.3')).err).toEqual(INVALID);
    expect(run(ec, (cb) => svc.defragment(cb, 'abcdefghijklmnop.3')).err).toEqual({ message: 'auth: invalid auth token', code: 'Unknown' });
    expect(run(ec, (cb) => svc.alarm({ action: 'GET', memberID: '0', alarm: 'NONE' }, cb, 'x.1')).err).toEqual({ message: 'auth: invalid auth token', code: 'Unknown' });
    expect(run(ec, (cb) => svc.memberAdd({ peerURLs: ['http://x:1'] }, cb, 'x.1')).err).toEqual(INVALID);
    // A token from another member works here once this member applied its entry.
    const tok = ok<AuthenticateResponse>(ec, (cb) => root.authenticate('root', 'rootpw', cb)).token;
    expect(run(ec, (cb) => svc.range({ key: b('foo') }, cb, tok)).err).toBeUndefined();
  });
});
