// etcd 3.4's JSON gateway, /health, /version and /metrics on the same port
// as gRPC, driven with Node's fetch the way curl users drive etcd. The
// shapes asserted are what a real etcd 3.4.23 answers (SERVER_MODE_ENDPOINT
// runs this file against one): proto field names, int64 as strings, bytes
// as base64, zero values left out, errors as {"error","message","code"}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, ctl, singleServer } from './harness.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString();

type Json = Record<string, any>;

describe('serve: the JSON gateway and the HTTP endpoints', () => {
  let server: Running;
  let EP = '';
  let URL_ = '';
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json }> => {
    const r = await fetch(URL_ + path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });
    return { status: r.status, json: (await r.json()) as Json };
  };
  const metric = async (line: string): Promise<number> => {
    const text = await (await fetch(`${URL_}/metrics`)).text();
    const found = text.split('\n').find((l) => l.startsWith(line + ' '));
    if (!found) throw new Error(`no metric ${line}`);
    return Number(found.slice(line.length + 1));
  };

  beforeAll(async () => {
    ({ ep: EP, server } = await singleServer());
    URL_ = `http://${EP}`;
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it('puts, ranges and deletes with base64 bytes and int64 strings', async () => {
    const put = await post('/v3/kv/put', { key: b64('gw/a'), value: b64('1') });
    expect(put.status).toBe(200);
    const h = put.json.header;
    expect(Object.keys(h)).toEqual(['cluster_id', 'member_id', 'revision', 'raft_term']);
    expect(h.revision).toMatch(/^\d+$/);
    const rev = Number(h.revision);

    const prev = await post('/v3/kv/put', { key: b64('gw/a'), value: b64('2'), prev_kv: true });
    expect(prev.json.prev_kv).toEqual({ key: b64('gw/a'), create_revision: String(rev), mod_revision: String(rev), version: '1', value: b64('1') });

    const got = await post('/v3/kv/range', { key: b64('gw/a') });
    expect(got.json.kvs).toEqual([{ key: b64('gw/a'), create_revision: String(rev), mod_revision: String(rev + 1), version: '2', value: b64('2') }]);
    expect(got.json.count).toBe('1');
    // No "more": false, no "lease": "0": zero values are left out.
    expect(got.json).not.toHaveProperty('more');

    // jsonpb takes the camelCase names too.
    const counted = await post('/v3/kv/range', { key: b64('gw/'), rangeEnd: b64('gw0'), countOnly: true });
    expect(counted.json.count).toBe('1');
    expect(counted.json).not.toHaveProperty('kvs');

    const missing = await post('/v3/kv/range', { key: b64('gw/none') });
    expect(missing.json).not.toHaveProperty('kvs');
    expect(missing.json).not.toHaveProperty('count');

    const del = await post('/v3/kv/deleterange', { key: b64('gw/a'), prev_kv: true });
    expect(del.json.deleted).toBe('1');
    expect(del.json.prev_kvs.map((kv: Json) => unb64(kv.value))).toEqual(['2']);
    const none = await post('/v3/kv/deleterange', { key: b64('gw/a') });
    expect(none.json).not.toHaveProperty('deleted');
  });

  it('runs a txn with nested requests and answers', async () => {
    const txn = {
      compare: [{ key: b64('gw/t'), result: 'EQUAL', target: 'VERSION', version: '0' }],
      success: [{ request_put: { key: b64('gw/t'), value: b64('x') } }],
      failure: [{ request_range: { key: b64('gw/t') } }],
    };
    const first = await post('/v3/kv/txn', txn);
    expect(first.json.succeeded).toBe(true);
    expect(first.json.responses[0]).toHaveProperty('response_put');
    const second = await post('/v3/kv/txn', txn);
    expect(second.json).not.toHaveProperty('succeeded');
    expect(unb64(second.json.responses[0].response_range.kvs[0].value)).toBe('x');
  });

  it('answers errors in grpc-gateway form with etcd texts and HTTP statuses', async () => {
    const future = await post('/v3/kv/range', { key: b64('k'), revision: 1_000_000 });
    expect(future).toEqual({
      status: 400,
      json: { error: 'etcdserver: mvcc: required revision is a future revision', message: 'etcdserver: mvcc: required revision is a future revision', code: 11 },
    });
    expect((await post('/v3/kv/range', '{bad json')).json).toEqual({
      error: "invalid character 'b' looking for beginning of object key string",
      message: "invalid character 'b' looking for beginning of object key string",
      code: 3,
    });
    expect((await post('/v3/kv/range', { key: '!!' })).json.error).toBe('illegal base64 data at input byte 0');
    expect((await post('/v3/kv/range', { key: b64('k'), limit: 1.5 })).json.error).toBe('json: cannot unmarshal number 1.5 into Go value of type int64');
    expect((await post('/v3/kv/range', { key: b64('k'), sort_order: 'NOPE' })).json.error).toBe(
      'unknown value "NOPE" for enum etcdserverpb.RangeRequest_SortOrder',
    );
    // An empty body is an empty request.
    expect(await post('/v3/kv/range', '')).toEqual({
      status: 400,
      json: { error: 'etcdserver: key is not provided', message: 'etcdserver: key is not provided', code: 3 },
    });
    const notFound = await fetch(`${URL_}/v3/kv/nosuch`, { method: 'POST', body: '{}' });
    expect([notFound.status, await notFound.text()]).toEqual([404, 'Not Found\n']);
    const wrongMethod = await fetch(`${URL_}/v3/kv/range`);
    expect(wrongMethod.status).toBe(405);
    const elsewhere = await fetch(`${URL_}/nowhere`);
    expect([elsewhere.status, await elsewhere.text()]).toEqual([404, '404 page not found\n']);
  });

  it('compacts, then refuses the compacted revision', async () => {
    const rev = Number((await post('/v3/kv/put', { key: b64('gw/c'), value: b64('v') })).json.header.revision);
    await post('/v3/kv/put', { key: b64('gw/c'), value: b64('w') });
    expect((await post('/v3/kv/compaction', { revision: String(rev) })).status).toBe(200);
    const again = await post('/v3/kv/compaction', { revision: String(rev) });
    expect([again.status, again.json.code, again.json.error]).toEqual([400, 11, 'etcdserver: mvcc: required revision has been compacted']);
  });

  it('grants, inspects, keeps alive and revokes leases, under both paths', async () => {
    const id = '7394';
    const grant = await post('/v3/lease/grant', { TTL: 60, ID: Number(id) });
    expect([grant.json.ID, grant.json.TTL]).toEqual([id, '60']);
    const dup = await post('/v3/lease/grant', { TTL: 60, ID: id });
    expect([dup.status, dup.json.code, dup.json.error]).toEqual([412, 9, 'etcdserver: lease already exists']);

    await post('/v3/kv/put', { key: b64('gw/l'), value: b64('v'), lease: id });
    const ttl = await post('/v3/lease/timetolive', { ID: id, keys: true });
    expect(ttl.json.grantedTTL).toBe('60');
    expect(ttl.json.keys).toEqual([b64('gw/l')]);
    const alias = await post('/v3/kv/lease/timetolive', { ID: '999999' });
    expect(alias.json.TTL).toBe('-1');
    expect((await post('/v3/lease/leases', {})).json.leases).toContainEqual({ ID: id });

    // One {"result": ...} line per keep-alive request; the stream ends with the body.
    const ka = await fetch(`${URL_}/v3/lease/keepalive`, { method: 'POST', body: `{"ID":${id}}{"ID":"999999"}` });
    const lines = (await ka.text()).trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => [l.result.ID, l.result.TTL])).toEqual([
      [id, '60'],
      ['999999', undefined],
    ]);

    expect((await post('/v3/kv/lease/revoke', { ID: id })).status).toBe(200);
    const gone = await post('/v3/lease/revoke', { ID: id });
    expect([gone.status, gone.json.code, gone.json.error]).toEqual([404, 5, 'etcdserver: requested lease not found']);
    expect((await post('/v3/kv/range', { key: b64('gw/l') })).json).not.toHaveProperty('kvs');
  });

  it('streams watch events, one result object per line, until the client leaves', async () => {
    const abort = new AbortController();
    const res = await fetch(`${URL_}/v3/watch`, {
      method: 'POST',
      body: JSON.stringify({ create_request: { key: b64('gw/w'), prev_kv: true } }),
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let buf = '';
    const next = async (): Promise<Json> => {
      while (!buf.includes('\n')) {
        const { value, done } = await reader.read();
        if (done) throw new Error('watch stream ended');
        buf += Buffer.from(value).toString();
      }
      const nl = buf.indexOf('\n');
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      return JSON.parse(line) as Json;
    };
    const created = await next();
    expect(created.result.created).toBe(true);
    await post('/v3/kv/put', { key: b64('gw/w'), value: b64('1') });
    await post('/v3/kv/put', { key: b64('gw/w'), value: b64('2') });
    await post('/v3/kv/deleterange', { key: b64('gw/w') });
    const events = [];
    while (events.length < 3) events.push(...((await next()).result.events as Json[]));
    expect(events.map((e) => [e.type ?? 'PUT', unb64(e.kv.key), e.kv.value ? unb64(e.kv.value) : '', e.prev_kv ? unb64(e.prev_kv.value) : ''])).toEqual([
      ['PUT', 'gw/w', '1', ''],
      ['PUT', 'gw/w', '2', '1'],
      ['DELETE', 'gw/w', '', '2'],
    ]);
    expect(await metric('etcd_debugging_mvcc_watcher_total')).toBe(1);
    abort.abort();
    await reader.cancel().catch(() => {});
    // The client leaving cancels the watch on the server.
    const deadline = Date.now() + 5000;
    while ((await metric('etcd_debugging_mvcc_watcher_total')) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await metric('etcd_debugging_mvcc_watcher_total')).toBe(0);
  });

  it('serves the cluster and maintenance calls, the snapshot as a stream of pieces', async () => {
    const list = await post('/v3/cluster/member/list', {});
    expect(list.json.members).toHaveLength(1);
    expect(list.json.members[0].clientURLs).toEqual([URL_]);
    expect(list.json.members[0].ID).toBe(list.json.header.member_id);
    const status = await post('/v3/maintenance/status', {});
    expect(status.json.version).toBe('3.4.23');
    expect(status.json.leader).toBe(status.json.header.member_id);
    expect(Number(status.json.dbSize)).toBeGreaterThan(0);
    expect((await post('/v3/maintenance/alarm', {})).json).toEqual({});
    expect((await post('/v3/maintenance/defragment', {})).json).toEqual({});
    expect(typeof (await post('/v3/maintenance/hash', {})).json.hash).toBe('number');
    const badMove = await post('/v3/maintenance/transfer-leadership', { targetID: '1' });
    expect([badMove.status, badMove.json.error]).toEqual([412, 'etcdserver: bad leader transferee']);

    const snap = await fetch(`${URL_}/v3/maintenance/snapshot`, { method: 'POST', body: '{}' });
    const pieces = (await snap.text()).trim().split('\n').map((l) => (JSON.parse(l) as Json).result.blob as string);
    expect(pieces.length).toBeGreaterThan(1);
    // The last piece is the sha256 of the rest, as etcdctl snapshot save checks it.
    expect(Buffer.from(pieces.at(-1)!, 'base64')).toHaveLength(32);
  });

  it('answers /health, /version and /metrics like etcd', async () => {
    const health = await fetch(`${URL_}/health`);
    expect([health.status, await health.text()]).toEqual([200, '{"health":"true"}']);
    expect((await fetch(`${URL_}/health`, { method: 'POST' })).status).toBe(405);
    const version = await fetch(`${URL_}/version`);
    expect(await version.text()).toBe('{"etcdserver":"3.4.23","etcdcluster":"3.4.0"}');

    const res = await fetch(`${URL_}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    for (const name of ['etcd_server_has_leader', 'etcd_mvcc_put_total', 'grpc_server_handled_total']) {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toMatch(new RegExp(`# TYPE ${name} (gauge|counter)\n`));
    }
    expect(await metric('etcd_server_has_leader')).toBe(1);
    expect(await metric('etcd_server_is_leader')).toBe(1);
    expect(await metric('etcd_server_leader_changes_seen_total')).toBeGreaterThanOrEqual(1);
    expect(await metric('process_resident_memory_bytes')).toBeGreaterThan(0);

    const okPuts = 'grpc_server_handled_total{grpc_code="OK",grpc_method="Put",grpc_service="etcdserverpb.KV",grpc_type="unary"}';
    const [puts, handled, applied] = [await metric('etcd_mvcc_put_total'), await metric(okPuts), await metric('etcd_server_proposals_applied_total')];
    await post('/v3/kv/put', { key: b64('gw/m'), value: b64('v') });
    // gRPC calls count too: the gateway and etcdctl reach the same server.
    expect((await ctl(EP, ['put', 'gw/m2', 'v'])).code).toBe(0);
    expect(await metric('etcd_mvcc_put_total')).toBe(puts + 2);
    expect(await metric(okPuts)).toBe(handled + 2);
    expect(await metric('etcd_server_proposals_applied_total')).toBeGreaterThanOrEqual(applied + 2);
    expect(await metric('etcd_server_proposals_committed_total')).toBeGreaterThanOrEqual(await metric('etcd_server_proposals_applied_total'));
  });

  it('reports an alarm as unhealthy', async () => {
    const memberID = (await post('/v3/maintenance/status', {})).json.header.member_id as string;
    await post('/v3/maintenance/alarm', { action: 'ACTIVATE', memberID, alarm: 'NOSPACE' });
    const sick = await fetch(`${URL_}/health`);
    expect([sick.status, await sick.text()]).toEqual([503, '{"health":"false"}\n']);
    await post('/v3/maintenance/alarm', { action: 'DEACTIVATE', memberID, alarm: 'NOSPACE' });
    expect(await (await fetch(`${URL_}/health`)).text()).toBe('{"health":"true"}');
  });

  it('takes the auth token from the Authorization header', async () => {
    expect((await post('/v3/auth/user/add', { name: 'root', password: 'pw' })).status).toBe(200);
    expect((await post('/v3/auth/user/grant', { user: 'root', role: 'root' })).status).toBe(200);
    expect((await post('/v3/auth/role/add', { name: 'gw' })).status).toBe(200);
    await post('/v3/auth/role/grant', { name: 'gw', perm: { permType: 'READWRITE', key: b64('a'), range_end: b64('b') } });
    expect((await post('/v3/auth/role/get', { role: 'gw' })).json.perm).toEqual([{ permType: 'READWRITE', key: b64('a'), range_end: b64('b') }]);
    expect((await post('/v3/auth/user/get', { name: 'root' })).json.roles).toEqual(['root']);
    expect((await post('/v3/auth/enable', {})).status).toBe(200);
    try {
      expect((await post('/v3/kv/range', { key: b64('gw/t') })).json.error).toBe('etcdserver: user name is empty');
      const denied = await post('/v3/auth/authenticate', { name: 'root', password: 'wrong' });
      expect(denied.json.error).toBe('etcdserver: authentication failed, invalid user ID or password');
      const token = (await post('/v3/auth/authenticate', { name: 'root', password: 'pw' })).json.token as string;
      expect(token).toBeTruthy();
      const read = await post('/v3/kv/range', { key: b64('gw/t') }, { Authorization: token });
      expect(unb64(read.json.kvs[0].value)).toBe('x');
      const bad = await post('/v3/kv/range', { key: b64('gw/t') }, { Authorization: 'garbage' });
      expect([bad.status, bad.json.code, bad.json.error]).toEqual([401, 16, 'etcdserver: invalid auth token']);
      // A stream refused by auth ends with grpc-gateway's stream error.
      const snap = await fetch(`${URL_}/v3/maintenance/snapshot`, { method: 'POST', body: '{}' });
      expect((JSON.parse(await snap.text()) as Json).error.grpc_code).toBeGreaterThan(0);
      // The root role is implicit: only roles added by name are listed.
      expect((await post('/v3/auth/role/list', {}, { Authorization: token })).json.roles).toEqual(['gw']);
      expect((await post('/v3/auth/role/delete', { role: 'gw' }, { Authorization: token })).status).toBe(200);
      expect((await post('/v3/auth/disable', {}, { Authorization: token })).status).toBe(200);
    } finally {
      // Leave auth off whatever failed above, for the tests that run after.
      const token = (await post('/v3/auth/authenticate', { name: 'root', password: 'pw' })).json.token as string | undefined;
      if (token) await post('/v3/auth/disable', {}, { Authorization: token });
    }
    expect((await post('/v3/kv/range', { key: b64('gw/t') })).status).toBe(200);
  });
});
