// A three-member cluster in one `serve` process, each member on its own
// client URL, driven by the real etcdctl: member IDs and the member table
// equal real etcd's for the same --initial-cluster (checked against a
// real 3.4.23 cluster), writes on one member are read on another, watches
// span members, per-endpoint maintenance works with http:// endpoints,
// leadership moves; plus the command line's errors and a clean SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, ctl, ctlBackground, errorLine, freePort, requireEtcdctl, runServe, startServer, waitFor } from './harness.ts';

const PEERS = 'etcd0=http://127.0.0.1:32440,etcd1=http://127.0.0.1:32441,etcd2=http://127.0.0.1:32442';
const EPS = ['127.0.0.1:32430', '127.0.0.1:32431', '127.0.0.1:32432'];
const HTTP_ALL = EPS.map((e) => `http://${e}`).join(',');

/** `etcdctl member list -w table` of a real etcd 3.4.23 started with the same flags. */
const MEMBER_TABLE = `+------------------+---------+-------+------------------------+------------------------+------------+
|        ID        | STATUS  | NAME  |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |
+------------------+---------+-------+------------------------+------------------------+------------+
| 365ba12203562253 | started | etcd1 | http://127.0.0.1:32441 | http://127.0.0.1:32431 |      false |
| 98051cc3ef4c07c3 | started | etcd2 | http://127.0.0.1:32442 | http://127.0.0.1:32432 |      false |
| 9b8b1fecca014d59 | started | etcd0 | http://127.0.0.1:32440 | http://127.0.0.1:32430 |      false |
+------------------+---------+-------+------------------------+------------------------+------------+
`;

describe('serve --initial-cluster (three members)', () => {
  let server: Running;
  beforeAll(async () => {
    requireEtcdctl();
    server = await startServer(['--initial-cluster', PEERS, '--listen-client-urls', 'http://127.0.0.1:32430'], 3);
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it('lists the members as real etcd does', async () => {
    for (const ep of EPS) expect((await ctl(ep, ['member', 'list', '-w', 'table'])).out).toBe(MEMBER_TABLE);
  });

  it('reads on one member what was written on another, and watches across members', async () => {
    const w = ctlBackground(EPS[2]!, ['watch', 'x']);
    try {
      await new Promise((r) => setTimeout(r, 1000));
      expect((await ctl(EPS[0]!, ['put', 'x', '1'])).out).toBe('OK\n');
      expect((await ctl(EPS[1]!, ['get', 'x', '--print-value-only'])).out).toBe('1\n');
      await waitFor(() => w.output().includes('PUT\nx\n1\n'), 10_000, 'watch event');
    } finally {
      await w.stop();
    }
  });

  it('serves per-endpoint maintenance to http:// endpoints and moves the leader', async () => {
    const st = await ctl(HTTP_ALL, ['endpoint', 'status', '-w', 'json']);
    expect(errorLine(st)).toBe('');
    const statuses = JSON.parse(st.out) as { Endpoint: string; Status: { leader: number } }[];
    expect(statuses.map((s) => s.Endpoint)).toEqual(EPS.map((e) => `http://${e}`));
    // The IDs are beyond 2^53: read them from the text.
    const ids = [...st.out.matchAll(/"member_id":(\d+)/g)].map((m) => BigInt(m[1]!).toString(16));
    const leader = BigInt(/"leader":(\d+)/.exec(st.out)![1]!).toString(16);
    expect(ids).toContain(leader);
    const target = ids.find((id) => id !== leader)!;
    const moved = await ctl(HTTP_ALL, ['move-leader', target]);
    expect(moved.out).toBe(`Leadership transferred from ${leader} to ${target}\n`);
    const hash = await ctl(HTTP_ALL, ['endpoint', 'hashkv', '-w', 'simple']);
    const hashes = hash.out.trim().split('\n').map((l) => l.split(', ')[1]);
    expect(hashes.length).toBe(3);
    expect(new Set(hashes).size).toBe(1);
    expect((await ctl(HTTP_ALL, ['defrag'])).out).toBe(EPS.map((e) => `Finished defragmenting etcd member[http://${e}]\n`).join(''));
  });

  it('logs like etcd 3.4, each line under its member name', () => {
    const log = server.log();
    expect(log).toMatch(/^etcd0 \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} I \| etcdserver: starting member 9b8b1fecca014d59 in cluster [0-9a-f]+$/m);
    expect(log).toMatch(/^etcd\d \| raft\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d INFO: [0-9a-f]+ became leader at term \d+$/m);
    expect(log).toMatch(/^etcd1 \| .* N \| embed: serving insecure client requests on 127\.0\.0\.1:32431, this is strongly discouraged!$/m);
  });
});

describe('serve command line', () => {
  it('refuses unknown flags and bad values like etcd', async () => {
    const bad = await runServe(['--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('flag provided but not defined: -bogus');
    const val = await runServe(['--snapshot-count', 'abc']);
    expect(val.code).toBe(2);
    expect(val.err).toContain('invalid value "abc" for flag -snapshot-count: parse error');
  });

  it('applies etcd checks: advertise URLs, election timeout', async () => {
    const adv = await runServe(['--listen-client-urls', `http://127.0.0.1:${await freePort()}`]);
    expect(adv.code).toBe(1);
    expect(adv.err).toContain(
      "E | etcdmain: error verifying flags, --advertise-client-urls is required when --listen-client-urls is set explicitly. See 'etcd --help'.",
    );
    const et = await runServe(['--heartbeat-interval', '100', '--election-timeout', '200']);
    expect(et.code).toBe(1);
    expect(et.err).toContain('--election-timeout[200ms] should be at least as 5 times as --heartbeat-interval[100ms]');
  });

  it('fails on a port in use, and exits 0 on SIGTERM', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const a = await startServer(['--listen-client-urls', url, '--advertise-client-urls', url]);
    try {
      const b = await runServe(['--listen-client-urls', url, '--advertise-client-urls', url]);
      expect(b.code).toBe(1);
      expect(b.err).toContain(`listen tcp ${url.slice(7)}: bind: address already in use`);
    } finally {
      expect(await a.stop()).toBe(0);
    }
    expect(a.log()).toContain('N | pkg/osutil: received terminated signal, shutting down...');
  });
});
