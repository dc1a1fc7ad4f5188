// The `etcd3` npm client (grpc-js underneath, its own generated stubs)
// against `serve`: the calls an application makes - KV, transactions,
// watches with previous values, leases kept alive or left to expire,
// the client's lock and election recipes - work as they do against etcd
// 3.4.23 (run with SERVER_MODE_ENDPOINT=host:port of a fresh etcd to check
// the single-member expectations against it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Etcd3, EtcdLockFailedError, type IKeyValue, type Watcher } from 'etcd3';
import { type Running, freePort, singleServer, startServer, waitFor } from './harness.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A client whose unary calls give up after 10 s instead of hanging a test. */
function client(hosts: string | string[]): Etcd3 {
  return new Etcd3({
    hosts,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + 10_000 }),
  });
}

/** Collects a watcher's events as "put k=v (prev)" / "delete k (prev)" lines. */
function record(w: Watcher): string[] {
  const seen: string[] = [];
  const prev = (p: IKeyValue | undefined): string => (p ? ` (was ${p.value.toString()})` : '');
  w.on('put', (kv, p) => seen.push(`put ${kv.key.toString()}=${kv.value.toString()}${prev(p)}`));
  w.on('delete', (kv, p) => seen.push(`delete ${kv.key.toString()}${prev(p)}`));
  return seen;
}

describe('serve with the etcd3 npm client (one member)', () => {
  let server: Running;
  let a: Etcd3;
  let b: Etcd3;
  beforeAll(async () => {
    const s = await singleServer();
    server = s.server;
    a = client(s.ep);
    b = client(s.ep);
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    expect(await server?.stop()).toBe(0);
  });

  it('puts, gets, lists a prefix and deletes', async () => {
    await a.put('kv/a').value('1');
    await a.put('kv/b').value('2');
    await a.put('kv0').value('outside');
    expect(await a.get('kv/a').string()).toBe('1');
    expect(await b.get('kv/missing').string()).toBeNull();
    expect(await a.getAll().prefix('kv/').strings()).toEqual({ 'kv/a': '1', 'kv/b': '2' });
    expect(await a.getAll().prefix('kv/').count()).toBe(2);
    const del = await a.delete().key('kv/a').getPrevious();
    expect(del.map((kv) => kv.value.toString())).toEqual(['1']);
    expect(await a.getAll().prefix('kv/').keys()).toEqual(['kv/b']);
    const res = await a.delete().prefix('kv/').exec();
    expect(res.deleted).toBe('1');
    expect(await a.getAll().prefix('kv').keys()).toEqual(['kv0']);
  });

  it('runs transactions down the then and else branches', async () => {
    await a.put('txn/x').value('old');
    const ok = await a.if('txn/x', 'Value', '==', 'old').then(a.put('txn/x').value('new')).else(a.get('txn/x')).commit();
    expect(ok.succeeded).toBe(true);
    const no = await a.if('txn/x', 'Value', '==', 'old').then(a.put('txn/x').value('newer')).else(a.get('txn/x')).commit();
    expect(no.succeeded).toBe(false);
    expect(no.responses[0]!.response_range!.kvs[0]!.value.toString()).toBe('new');
    // Compare on versions: a key that does not exist has create revision 0.
    const create = await a.if('txn/y', 'Create', '==', 0).then(a.put('txn/y').value('first')).commit();
    expect(create.succeeded).toBe(true);
    const again = await a.if('txn/y', 'Create', '==', 0).then(a.put('txn/y').value('second')).commit();
    expect(again.succeeded).toBe(false);
    expect(await a.get('txn/y').string()).toBe('first');
  });

  it('watches a key and a prefix: events in order, with previous values', async () => {
    const onKey = await a.watch().key('w/k').withPreviousKV().create();
    const onPrefix = await b.watch().prefix('w/').withPreviousKV().create();
    const keyEvents = record(onKey);
    const prefixEvents = record(onPrefix);
    try {
      await a.put('w/k').value('1');
      await a.put('w/other').value('x');
      await a.put('w/k').value('2');
      await a.delete().key('w/k');
      await a.put('elsewhere').value('no');
      const want = ['put w/k=1', 'put w/other=x', 'put w/k=2 (was 1)', 'delete w/k (was 2)'];
      await waitFor(() => prefixEvents.length >= want.length, 10_000, 'prefix events');
      await waitFor(() => keyEvents.length >= 3, 10_000, 'key events');
      await sleep(200);
      expect(prefixEvents).toEqual(want);
      expect(keyEvents).toEqual(want.filter((e) => e.includes('w/k')));
    } finally {
      await onKey.cancel();
      await onPrefix.cancel();
    }
  });

  it('replays history to a watcher that starts at an old revision', async () => {
    const first = await a.put('h/a').value('1').exec();
    await a.put('h/a').value('2');
    const w = await a.watch().key('h/a').startRevision(first.header.revision).create();
    const seen = record(w);
    try {
      await waitFor(() => seen.length >= 2, 10_000, 'history');
      expect(seen).toEqual(['put h/a=1', 'put h/a=2']);
    } finally {
      await w.cancel();
    }
  });

  it('grants a lease, keeps it alive past its TTL, and revoking it deletes its keys', async () => {
    const lease = a.lease(2);
    let renewals = 0;
    lease.on('keepaliveSucceeded', () => renewals++);
    await lease.put('lease/kept').value('v');
    const id = await lease.grant();
    const ttl = await a.leaseClient.leaseTimeToLive({ ID: id, keys: true });
    expect(ttl.grantedTTL).toBe('2');
    expect(ttl.keys.map((k) => k.toString())).toEqual(['lease/kept']);
    await sleep(3500);
    expect(renewals).toBeGreaterThan(0);
    expect(await b.get('lease/kept').string()).toBe('v');
    await lease.revoke();
    expect(await b.get('lease/kept').string()).toBeNull();
    expect((await a.leaseClient.leaseTimeToLive({ ID: id })).TTL).toBe('-1');
  });

  it('deletes the keys of a lease nobody keeps alive when it expires', async () => {
    const lease = a.lease(2, { autoKeepAlive: false });
    await lease.put('lease/expiring').value('v');
    expect(await b.get('lease/expiring').string()).toBe('v');
    const start = Date.now();
    let gone = false;
    while (!gone && Date.now() - start < 10_000) {
      gone = (await b.get('lease/expiring').string()) === null;
      if (!gone) await sleep(200);
    }
    expect(gone).toBe(true);
    // Not before its TTL has run out.
    expect(Date.now() - start).toBeGreaterThan(1000);
    lease.release();
  });

  it('lets one client at a time hold a lock', async () => {
    const held = await a.lock('locks/one').ttl(10).acquire();
    await expect(b.lock('locks/one').acquire()).rejects.toBeInstanceOf(EtcdLockFailedError);
    await held.release();
    const next = await b.lock('locks/one').acquire();
    await expect(a.lock('locks/one').acquire()).rejects.toBeInstanceOf(EtcdLockFailedError);
    await next.release();
    // do() runs the function under the lock and releases it after.
    expect(await a.lock('locks/one').do(async () => 'ran')).toBe('ran');
    expect(await a.getAll().prefix('locks/').keys()).toEqual([]);
  });

  it('elects a leader, hands over on resignation, and tells observers', async () => {
    const first = a.election('elect', 5).campaign('alpha');
    await first.wait();
    expect(await b.election('elect').leader()).toBe('alpha');
    const observer = await b.election('elect').observe();
    const changes: (string | undefined)[] = [];
    observer.on('change', (v) => changes.push(v));
    const second = b.election('elect', 5).campaign('beta');
    let secondElected = false;
    second.on('elected', () => (secondElected = true));
    await sleep(500);
    // The second candidate waits behind the first.
    expect(secondElected).toBe(false);
    expect(await a.election('elect').leader()).toBe('alpha');
    await first.proclaim('alpha2');
    await waitFor(() => changes.includes('alpha2'), 10_000, 'proclaimed value');
    await first.resign();
    await second.wait();
    expect(await a.election('elect').leader()).toBe('beta');
    await waitFor(() => changes.includes('beta'), 10_000, 'new leader observed');
    await observer.cancel();
    await second.resign();
    expect(await a.election('elect').leader()).toBeUndefined();
  });
});

describe('serve with the etcd3 npm client (three members, all endpoints)', () => {
  let server: Running;
  let eps: string[] = [];
  beforeAll(async () => {
    eps = [];
    for (let i = 0; i < 3; i++) eps.push(`127.0.0.1:${await freePort()}`);
    server = await startServer(['--nodes', '3', '--listen-client-urls', eps.map((e) => `http://${e}`).join(',')], 3);
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it('writes, watches, locks and reads through every member', async () => {
    const all = client(eps);
    const each = eps.map((ep) => client(ep));
    try {
      const w = await each[2]!.watch().prefix('m/').create();
      const seen = record(w);
      for (let i = 0; i < 9; i++) await all.put(`m/${i}`).value(String(i));
      await waitFor(() => seen.length >= 9, 10_000, 'events from a follower');
      expect(seen).toEqual(Array.from({ length: 9 }, (_, i) => `put m/${i}=${i}`));
      await w.cancel();
      // Linearizable reads on every member see every write.
      for (const c of each) expect(await c.getAll().prefix('m/').count()).toBe(9);
      const lock = await each[0]!.lock('m-lock').acquire();
      await expect(each[1]!.lock('m-lock').acquire()).rejects.toBeInstanceOf(EtcdLockFailedError);
      await lock.release();
      const t = await all.if('m/0', 'Mod', '>', 0).then(all.delete().prefix('m/')).commit();
      expect(t.succeeded).toBe(true);
      expect(await each[1]!.getAll().prefix('m/').count()).toBe(0);
    } finally {
      all.close();
      for (const c of each) c.close();
    }
  });
});
