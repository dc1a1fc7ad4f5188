// The playground's etcdctl emulator as a Node command (`etcd-playground
// etcdctl`, over gRPC) prints what the real etcdctl 3.4 prints. Each side
// gets its own fresh, identical server (so writes on one side cannot change
// what the other reads): two real etcd 3.4.23 members, and two server-mode
// members. Every step runs on both sides at once; outputs are compared
// after normalizing only what differs from run to run (ports, lease IDs,
// durations, remaining TTLs, db sizes, timestamps, zap log lines).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETCDCTL, type Running, freePort, requireEtcdctl, startServer } from './harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'src/server/bin/etcd-playground.mjs');
const ETCD = process.env.ETCD ?? '/usr/bin/etcd';

interface Result {
  out: string;
  err: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One side of the comparison: a command to run and the endpoint of its own server. */
interface Side {
  name: string;
  ep: string;
  cmd: string[];
  cwd: string;
  /** Lease IDs this side was granted, in order ({LEASE} in a step's args is the last one). */
  leases: string[];
}

function run(side: Side, args: string[], input = '', killAfterMs?: number): Promise<Result> {
  const sub = (a: string): string => a.replaceAll('{LEASE}', side.leases.at(-1) ?? '').replaceAll('{EP}', side.ep);
  // Generous timeouts: on a loaded machine a dial (connect, then bcrypt for --user) may take seconds.
  const argv = [...side.cmd, `--endpoints=${side.ep}`, '--dial-timeout=20s', '--command-timeout=30s', ...args.map(sub)];
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0]!, argv.slice(1), { cwd: side.cwd, env: { ...process.env, ETCDCTL_API: '3' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    const t = killAfterMs === undefined ? undefined : setTimeout(() => p.kill('SIGTERM'), killAfterMs);
    p.on('close', (code, signal) => {
      clearTimeout(t);
      resolve({ out, err, code, signal });
    });
    p.stdin.on('error', () => {});
    p.stdin.end(input);
  });
}

/** What may differ between two runs of the same command on two identical servers. */
function normalize(side: Side, r: Result): Result {
  const leaseForms = side.leases.flatMap((hex) => [hex, BigInt.asIntN(64, BigInt('0x' + hex)).toString()]);
  const norm = (s: string): string => {
    let t = s.replaceAll(side.ep, 'EP');
    for (const [i, l] of leaseForms.entries()) t = t.replaceAll(l, `LEASE${i >> 1}`);
    return t
      .replace(/took = [\d.]+(ns|µs|ms|s)/g, 'took = DURATION')
      .replace(/remaining\(\d+s\)/g, 'remaining(N)')
      .replace(/"ttl":\d+/g, '"ttl":N')
      // bbolt grows its file as its pages happen to fill, even on twin servers.
      .replace(/"(dbSize|dbSizeInUse)":\d+/g, '"$1":N')
      .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+/g, 'TIME');
  };
  // zap's JSON lines (clientv3's retry warnings, snapshot's progress) are logs, not output.
  const err = r.err
    .split('\n')
    .filter((l) => !l.startsWith('{"level":'))
    .join('\n');
  return { out: norm(r.out), err: norm(err), code: r.code, signal: r.signal };
}

/** Runs one step on both sides at once; resolves with [etcdctl's, the emulator's] results, normalized. */
async function both(sides: [Side, Side], args: string[], input = '', killAfterMs?: number): Promise<[Result, Result]> {
  const [a, b] = await Promise.all(sides.map((s) => run(s, args, input, killAfterMs)));
  for (const [s, r] of [
    [sides[0], a!],
    [sides[1], b!],
  ] as const) {
    const granted = /^lease ([0-9a-f]+) granted/.exec(r.out);
    if (granted) s.leases.push(granted[1]!);
  }
  return [normalize(sides[0], a!), normalize(sides[1], b!)];
}

/** A real etcd 3.4.23 member on free ports; peers advertise `peer` so two such members get the same IDs. */
async function startEtcd(peer: string): Promise<{ ep: string; stop(): Promise<void> }> {
  const ep = `127.0.0.1:${await freePort()}`;
  const dir = mkdtempSync(join(tmpdir(), 'etcd-real-'));
  const p: ChildProcess = spawn(
    ETCD,
    [
      '--name=default',
      `--data-dir=${dir}`,
      `--listen-client-urls=http://${ep}`,
      `--advertise-client-urls=http://${ep}`,
      `--listen-peer-urls=http://127.0.0.1:${await freePort()}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=default=${peer}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  p.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((r) => p.on('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (!log.includes('ready to serve client requests')) {
    if (p.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`etcd did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ep, stop };
}

const TXN = 'value("foo") = "bar"\n\nput foo baz\nget foo\n\nput other x\n\n';

/** The shared script: each step's output must be the same from etcdctl and from the emulator. */
function compareSuite(title: string, start: () => Promise<{ eps: [string, string]; stop(): Promise<void> }>): void {
  describe(title, () => {
    let sides: [Side, Side];
    let stop: () => Promise<void> = async () => {};
    let cwds: string[] = [];
    beforeAll(async () => {
      requireEtcdctl();
      const s = await start();
      stop = s.stop;
      cwds = [mkdtempSync(join(tmpdir(), 'ctl-real-')), mkdtempSync(join(tmpdir(), 'ctl-emu-'))];
      sides = [
        { name: 'etcdctl', ep: s.eps[0], cmd: [ETCDCTL], cwd: cwds[0]!, leases: [] },
        { name: 'emulator', ep: s.eps[1], cmd: [process.execPath, BIN, 'etcdctl'], cwd: cwds[1]!, leases: [] },
      ];
    }, 120_000);
    afterAll(async () => {
      await stop();
      for (const d of cwds) rmSync(d, { recursive: true, force: true });
    });

    const same = async (args: string[], input = '', killAfterMs?: number): Promise<Result> => {
      const [real, emu] = await both(sides, args, input, killAfterMs);
      expect({ args, ...emu }).toEqual({ args, ...real });
      return real;
    };

    it('KV: put, get --prefix -w json, del, txn from stdin, errors', async () => {
      expect((await same(['put', 'foo', 'bar'])).out).toBe('OK\n');
      await same(['put', 'foo2', 'baz', '--prev-kv']);
      expect((await same(['get', 'foo', '--prefix', '-w', 'json'])).out).toContain('"count":2');
      await same(['get', 'foo', '--prefix', '-w', 'fields']);
      expect((await same(['del', 'foo2'])).out).toBe('1\n');
      expect((await same(['txn'], TXN)).out).toBe('SUCCESS\n\nOK\n\nfoo\nbaz\n');
      await same(['txn', '-w', 'json'], TXN);
      expect((await same(['txn'], 'value("foo") = "bar"\n')).err).toBe('Error: EOF\n');
      expect((await same(['put', '', 'x'])).err).toContain('Error: etcdserver: key is not provided');
      expect((await same(['get', 'foo', '--rev=1000'])).err).toContain('future revision');
      expect((await same(['get'])).code).toBe(128);
    }, 120_000);

    it('watch with a timeout replays history', async () => {
      const r = await same(['watch', 'foo', '--rev=1', '--prev-kv'], '', 6000);
      expect(r.out).toContain('PUT\nfoo\nbar\n');
      expect(r.signal).toBe('SIGTERM');
    }, 60_000);

    it('lease grant, put --lease, timetolive --keys, keep-alive --once, revoke', async () => {
      expect((await same(['lease', 'grant', '100'])).out).toBe('lease LEASE0 granted with TTL(100s)\n');
      await same(['put', 'leased', 'v', '--lease={LEASE}']);
      expect((await same(['lease', 'timetolive', '{LEASE}', '--keys'])).out).toContain('attached keys([leased])');
      await same(['lease', 'timetolive', '{LEASE}', '-w', 'json']);
      expect((await same(['lease', 'keep-alive', '--once', '{LEASE}'])).out).toBe('lease LEASE0 keepalived with TTL(100)\n');
      await same(['lease', 'list']);
      await same(['lease', 'revoke', '{LEASE}']);
      expect((await same(['lease', 'revoke', '{LEASE}'])).err).toBe('Error: failed to revoke lease (etcdserver: requested lease not found)\n');
      await same(['lease', 'timetolive', '{LEASE}']);
    }, 120_000);

    it('member list, endpoint status and health, snapshot save', async () => {
      await same(['member', 'list', '-w', 'table']);
      await same(['member', 'list', '-w', 'json']);
      await same(['endpoint', 'health']);
      await same(['endpoint', 'status', '-w', 'json']);
      await same(['alarm', 'list', '-w', 'json']);
      expect((await same(['snapshot', 'save', 'snap.db'])).out).toBe('Snapshot saved at snap.db\n');
      for (const s of sides) expect(statSync(join(s.cwd, 'snap.db')).size).toBeGreaterThan(1000);
      expect(existsSync(join(sides[1].cwd, 'snap.db.part'))).toBe(false);
      // Both read the file etcdctl saved.
      expect((await same(['snapshot', 'status', join(sides[0].cwd, 'snap.db'), '-w', 'json'])).out).toContain('"totalKey"');
    }, 120_000);

    it('lock runs a command while holding the lock', async () => {
      expect((await same(['lock', 'mylock', 'echo', 'locked'])).out).toBe('locked\n');
    }, 60_000);

    it('auth: users, roles, enable, calls as a user, disable', async () => {
      await same(['user', 'add', 'root:rootpw']);
      await same(['user', 'grant-role', 'root', 'root']);
      await same(['role', 'add', 'r1']);
      await same(['role', 'grant-permission', 'r1', 'readwrite', 'foo']);
      await same(['user', 'add', 'u1:pw']);
      await same(['user', 'grant-role', 'u1', 'r1']);
      await same(['role', 'get', 'r1']);
      await same(['user', 'get', 'u1', '-w', 'json']);
      expect((await same(['auth', 'enable'])).out).toBe('Authentication Enabled\n');
      await same(['get', 'foo', '--user=u1:pw']);
      expect((await same(['put', 'bar', 'x', '--user=u1:pw'])).err).toContain('Error: etcdserver: permission denied');
      expect((await same(['get', 'foo'])).err).toContain('Error: etcdserver: user name is empty');
      expect((await same(['get', 'foo', '--user=u1:wrong'])).code).toBe(2);
      await same(['user', 'list', '--user=root:rootpw']);
      expect((await same(['auth', 'disable', '--user=root:rootpw'])).out).toBe('Authentication Disabled\n');
    }, 120_000);

    it('an endpoint nobody listens on: context deadline exceeded', async () => {
      const port = await freePort();
      const [real, emu] = await Promise.all(
        sides.map((s) => run({ ...s, ep: `127.0.0.1:${port}` }, ['get', 'foo', '--command-timeout=1s']).then((r) => normalize(s, r))),
      );
      expect(emu).toEqual(real);
      expect(real.err).toContain('Error: context deadline exceeded');
      // With a live endpoint after the dead one, the client goes there.
      const [real2, emu2] = await Promise.all(sides.map((s) => run({ ...s, ep: `127.0.0.1:${port},${s.ep}` }, ['put', 'failover', 'ok'])));
      expect({ out: emu2.out, err: emu2.err, code: emu2.code }).toEqual({ out: 'OK\n', err: '', code: 0 });
      expect(real2.out).toBe('OK\n');
    }, 60_000);
  });
}

compareSuite('etcdctl emulator over gRPC vs etcdctl: real etcd 3.4.23', async () => {
  const peer = `http://127.0.0.1:${await freePort()}`;
  const [a, b] = await Promise.all([startEtcd(peer), startEtcd(peer)]);
  return { eps: [a.ep, b.ep], stop: async () => void (await Promise.all([a.stop(), b.stop()])) };
});

compareSuite('etcdctl emulator over gRPC vs etcdctl: server mode', async () => {
  const eps: [string, string] = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
  const servers: Running[] = await Promise.all(eps.map((ep) => startServer(['--listen-client-urls', `http://${ep}`, '--advertise-client-urls', `http://${ep}`])));
  return { eps, stop: async () => void (await Promise.all(servers.map((s) => s.stop()))) };
});
