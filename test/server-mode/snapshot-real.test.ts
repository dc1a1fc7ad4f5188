// A snapshot saved in the playground is a real etcd db file: the real
// etcdctl 3.4 reads its status with our figures, restores it, and a real etcd
// 3.4 started on the restored data dir serves the playground's keys at their
// revisions, with its lease.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SnapshotResponse, snapshot } from '../../src/engine/server/maintenance.ts';
import { snapshotStatus } from '../../src/engine/server/snapshot-status.ts';
import { b, build, call, ready } from '../server/request-helpers.ts';
import { ctl, freePort, tempDir } from './harness.ts';

const ETCD = process.env.ETCD ?? '/usr/bin/etcd';
const dir = tempDir('snapshot-real-');
const file = join(dir.path, 'play.db');
let want: ReturnType<typeof snapshotStatus>;

beforeAll(() => {
  const ec = build(941, { nodes: 3 });
  const l = ready(ec);
  for (let i = 0; i < 50; i++) call(ec, (cb) => l.put({ key: b(`app/k${i % 10}`), value: b(`v${i}`) }, cb));
  call(ec, (cb) => l.leaseGrant({ ID: '1234abcd', TTL: 900 }, cb));
  call(ec, (cb) => l.put({ key: b('app/leased'), value: b('x'), lease: '1234abcd' }, cb));
  call(ec, (cb) => l.deleteRange({ key: b('app/k9') }, cb));
  const blob = call<SnapshotResponse>(ec, (cb) => snapshot(l, cb)).resp!.blob;
  writeFileSync(file, blob);
  want = snapshotStatus(blob);
});
afterAll(() => dir.remove());

describe('playground snapshots with the real etcd', () => {
  it('etcdctl snapshot status prints the figures the playground prints', async () => {
    const r = await ctl('127.0.0.1:1', ['snapshot', 'status', file, '-w', 'json']);
    expect(r.code).toBe(0);
    expect('status' in want && want.status.revision).toBe(53);
    expect(JSON.parse(r.out)).toEqual({
      hash: 'status' in want && want.status.hash,
      revision: 53,
      totalKey: 'status' in want && want.status.totalKey,
      totalSize: 'status' in want && want.status.totalSize,
    });
  });

  it('etcdctl snapshot restore accepts it and a real etcd serves its keys', async () => {
    if (!existsSync(ETCD)) throw new Error(`this test needs etcd 3.4 at ${ETCD} (apt-get install etcd-server, or set ETCD)`);
    const [client, peer] = [await freePort(), await freePort()];
    const data = join(dir.path, 'restored');
    const restore = await ctl('127.0.0.1:1', [
      'snapshot', 'restore', file, '--name', 'm1', `--data-dir=${data}`,
      `--initial-cluster=m1=http://127.0.0.1:${peer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
    ]);
    expect(restore.code).toBe(0);
    const etcd = spawn(ETCD, ['--name', 'm1', '--data-dir', data, '--listen-client-urls', `http://127.0.0.1:${client}`,
      '--advertise-client-urls', `http://127.0.0.1:${client}`, '--listen-peer-urls', `http://127.0.0.1:${peer}`], { stdio: 'ignore' });
    try {
      const ep = `127.0.0.1:${client}`;
      let got = await ctl(ep, ['get', 'app/', '--prefix', '-w', 'json']);
      for (let i = 0; i < 50 && got.code !== 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
        got = await ctl(ep, ['get', 'app/', '--prefix', '-w', 'json']);
      }
      expect(got.code).toBe(0);
      const resp = JSON.parse(got.out) as { header: { revision: number }; kvs: { key: string; value: string; mod_revision: number; version: number; lease?: number }[] };
      const kvs = resp.kvs.map((kv) => [atob(kv.key), atob(kv.value), kv.mod_revision, kv.version]);
      expect(kvs).toEqual([
        ['app/k0', 'v40', 42, 5], ['app/k1', 'v41', 43, 5], ['app/k2', 'v42', 44, 5], ['app/k3', 'v43', 45, 5], ['app/k4', 'v44', 46, 5],
        ['app/k5', 'v45', 47, 5], ['app/k6', 'v46', 48, 5], ['app/k7', 'v47', 49, 5], ['app/k8', 'v48', 50, 5], ['app/leased', 'x', 52, 1],
      ]);
      expect(resp.kvs.at(-1)!.lease).toBe(0x1234abcd);
      const lease = await ctl(ep, ['lease', 'timetolive', '1234abcd', '--keys']);
      expect(lease.out).toMatch(/^lease 000000001234abcd granted with TTL\(900s\), remaining\(\d+s\), attached keys\(\[app\/leased\]\)/);
    } finally {
      etcd.kill('SIGKILL');
    }
  }, 60_000);
});
