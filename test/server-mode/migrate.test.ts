// etcd-playground migrate against the real etcd 3.4.23 (/usr/bin/etcd on
// free ports, a temporary data dir, stopped by its PID): a page playground
// file, a running playground server and a stopped server's data dir each
// land in the real cluster with their keys, and leases come back with the
// TTL they had left and their keys attached; a lease ID already taken on
// the target gets a new one.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePlaygroundFile } from '../../src/engine/cluster/playground-file.ts';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { World } from '../../src/terminal/core/world.ts';
import { Shell } from '../../src/terminal/shell/shell.ts';
import { fileOfWorld } from '../../src/ui/persist/playground-io.ts';
import { ctl, freePort, requireEtcdctl, startServer, tempDir } from './harness.ts';

const ETCD = process.env.ETCD ?? '/usr/bin/etcd';
const cleanups: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function scratch(): string {
  const d = tempDir('migrate-');
  cleanups.push(() => d.remove());
  return d.path;
}

/** The real etcd, one member on free ports; stopped by its PID after the tests. */
async function realEtcd(): Promise<string> {
  if (!existsSync(ETCD)) throw new Error(`the migrate tests need etcd 3.4 at ${ETCD} (apt-get install etcd-server, or set ETCD)`);
  const [client, peer] = [await freePort(), await freePort()];
  const c = `http://127.0.0.1:${client}`;
  const p = `http://127.0.0.1:${peer}`;
  const proc: ChildProcess = spawn(
    ETCD,
    ['--name', 'target', '--data-dir', join(scratch(), 'etcd'), '--listen-client-urls', c, '--advertise-client-urls', c,
      '--listen-peer-urls', p, '--initial-advertise-peer-urls', p, '--initial-cluster', `target=${p}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise((r) => proc.once('exit', r));
  cleanups.push(async () => {
    if (proc.exitCode === null) {
      process.kill(proc.pid!, 'SIGTERM');
      await exited;
    }
  });
  const deadline = Date.now() + 20_000;
  while (!log.includes('ready to serve client requests')) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`etcd did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return c;
}

function migrate(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli/migrate.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
  });
}

const dec = new TextDecoder();
async function pageFile(path: string): Promise<string> {
  const w = new World(new EtcdCluster({ seed: 9, nodes: 3, traceCapacity: 0 }));
  await w.advance(3000);
  let buf = '';
  const shell = new Shell(w, { out: { write: (d) => (buf += typeof d === 'string' ? d : dec.decode(d)) } });
  const sh = async (line: string) => {
    buf = '';
    let done = false;
    void shell.run(line).then(() => (done = true));
    await w.runUntil(() => done, w.now() + 20_000);
    return buf;
  };
  const lease = /lease ([0-9a-f]+) granted with TTL\(600s\)/.exec(await sh('etcdctl lease grant 600'))?.[1];
  expect(lease).toBeDefined();
  expect(await sh(`etcdctl put /page/session alive --lease=${lease}`)).toBe('OK\n');
  for (let i = 0; i < 150; i++) await sh(`etcdctl put /page/k${String(i).padStart(3, '0')} v${i}`);
  writeFileSync(path, encodePlaygroundFile(fileOfWorld(w, 'page')));
  return lease!;
}

const ttlOf = async (ep: string, lease: string) => {
  const out = (await ctl(ep, ['lease', 'timetolive', lease, '--keys'])).out;
  return { ttl: Number(/remaining\(([-\d]+)s\)/.exec(out)?.[1]), out };
};

describe('etcd-playground migrate into real etcd 3.4', () => {
  requireEtcdctl();

  it('copies a page playground file: keys, and the lease with its keys and TTL', async () => {
    const to = await realEtcd();
    const ep = to.replace('http://', '');
    const file = join(scratch(), 'page.json');
    const lease = await pageFile(file);
    const r = await migrate(['--to', to, '--import', file]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^migrated 151 key\\(s\\), \\d+ byte\\(s\\), and 1 lease\\(s\\) from playground "page" \\(${file}\\) at revision 152 to ${to}\\n$`));
    expect((await ctl(ep, ['get', '/page/k149', '--print-value-only'])).out).toBe('v149\n');
    expect((await ctl(ep, ['get', '/page/', '--prefix', '--keys-only'])).out.split('\n').filter(Boolean)).toHaveLength(151);
    const t = await ttlOf(ep, lease);
    expect(t.out).toContain(`lease ${lease} granted with TTL(`);
    expect(t.out).toContain('attached keys([/page/session])');
    expect(t.ttl).toBeGreaterThan(550);
    expect(t.ttl).toBeLessThanOrEqual(600);

    // Again into the same etcd: the lease ID is taken now, so the copy gets a new one.
    const again = await migrate(['--to', to, '--import', file]);
    expect(again.code).toBe(0);
    expect(again.err).toMatch(new RegExp(`^lease ${lease} is taken on the target: granted as [0-9a-f]+\\n$`));
    expect(again.out).toContain('1 lease(s) got a new ID: theirs was taken on the target');
    expect((await ctl(ep, ['lease', 'list'])).out).toMatch(/^found 2 leases\n/);
  }, 120_000);

  it('copies from a running playground server (--from) and from its stopped data dir (--data-dir)', async () => {
    const to = await realEtcd();
    const ep = to.replace('http://', '');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const dataDir = join(scratch(), 'pg.etcd');
    const s = await startServer(['--listen-client-urls', url, '--advertise-client-urls', url, '--data-dir', dataDir]);
    let lease = '';
    try {
      const src = `127.0.0.1:${port}`;
      lease = /lease ([0-9a-f]+) granted/.exec((await ctl(src, ['lease', 'grant', '120'])).out)?.[1] ?? '';
      expect((await ctl(src, ['put', 'lock', 'me', `--lease=${lease}`])).out).toBe('OK\n');
      expect((await ctl(src, ['put', 'config', '{"a":1}'])).out).toBe('OK\n');
      const r = await migrate(['--to', to, '--from', url]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^migrated 2 key\\(s\\), 19 byte\\(s\\), and 1 lease\\(s\\) from ${url} at revision 3 to ${to}\\n$`));
      const t = await ttlOf(ep, lease);
      expect(t.out).toContain('attached keys([lock])');
      expect(t.ttl).toBeGreaterThan(100);
      expect(t.ttl).toBeLessThanOrEqual(120);
      expect((await ctl(src, ['put', 'later', 'x'])).out).toBe('OK\n');
    } finally {
      await s.stop();
    }
    const r = await migrate(['--to', to, '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`from playground "pg" (${dataDir}) at revision 4`);
    expect((await ctl(ep, ['get', 'later', '--print-value-only'])).out).toBe('x\n');
    expect((await ctl(ep, ['get', 'config', '--print-value-only'])).out).toBe('{"a":1}\n');
  }, 120_000);

  it('says why it cannot run', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const file = join(scratch(), 'p.json');
    await pageFile(file);
    const r = await migrate(['--to', dead, '--import', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`Error: cannot reach ${dead}:`);
    const usage = await migrate(['--to', dead]);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('Error: give exactly one source: --data-dir, --import or --from');
    const bad = await migrate(['--to', 'ftp://x:1', '--from', dead]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('Error: endpoint ftp://x:1: only http:// is supported');
  }, 120_000);
});
