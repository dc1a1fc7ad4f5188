// Playground files between the page and the server mode: a file the page's
// export code writes is served by `serve --import` (the real etcdctl reads
// its keys, the disks land in --data-dir and survive a restart), and a
// stopped server's data dir exported by `etcd-playground export` restarts on
// the page's side with the server's writes. Bad files and occupied data
// dirs are refused with a reason.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type PlaygroundFile, encodePlaygroundFile } from '../../src/engine/cluster/playground-file.ts';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { World } from '../../src/terminal/core/world.ts';
import { shellOn } from '../terminal/shell-helpers.ts';
import { fileOfWorld, worldFromText } from '../../src/ui/persist/playground-io.ts';
import { ctl, freePort, requireEtcdctl, runServe, startServer, tempDir } from './harness.ts';

const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));
function scratch(): string {
  const d = tempDir('import-export-');
  dirs.push(d);
  return d.path;
}


/** A page playground with keys, written by the page's export code. */
async function pagePlaygroundFile(path: string): Promise<void> {
  const w = new World(new EtcdCluster({ seed: 3, nodes: 3, traceCapacity: 0 }));
  await w.advance(3000);
  const sh = shellOn(w);
  expect(await sh('etcdctl put greeting hello-from-the-page')).toBe('OK\n');
  for (let i = 0; i < 5; i++) await sh(`etcdctl put /app/k${i} v${i}`);
  writeFileSync(path, encodePlaygroundFile(fileOfWorld(w, 'from the page', ['etcdctl put greeting hello-from-the-page'])));
}

function runExport(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli/export.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('playground files between the page and serve', () => {
  requireEtcdctl();

  it('serves a page export, keeps it in --data-dir, and exports it back to the page', async () => {
    const dir = scratch();
    const file = join(dir, 'page.json');
    await pagePlaygroundFile(file);
    const ports = [await freePort(), await freePort(), await freePort()];
    const urls = ports.map((p) => `http://127.0.0.1:${p}`).join(',');
    const dataDir = join(dir, 'data');
    const eps = ports.map((p) => `127.0.0.1:${p}`).join(',');

    const a = await startServer(['--import', file, '--listen-client-urls', urls, '--data-dir', dataDir], 3);
    try {
      expect(a.log()).toContain(`I | etcdmain: importing playground "from the page" from ${file}: 3 member disk(s)`);
      expect((await ctl(eps, ['get', 'greeting', '--print-value-only'])).out).toBe('hello-from-the-page\n');
      expect((await ctl(eps, ['get', '/app/', '--prefix', '--keys-only'])).out.split('\n').filter(Boolean)).toEqual(
        ['/app/k0', '/app/k1', '/app/k2', '/app/k3', '/app/k4'],
      );
      // The members publish where they listen now.
      const list = (await ctl(eps, ['member', 'list'])).out;
      for (const p of ports) expect(list).toContain(`http://127.0.0.1:${p}`);
      expect((await ctl(eps, ['put', 'from-server', 'yes'])).out).toBe('OK\n');
    } finally {
      expect(await a.stop()).toBe(0);
    }
    expect(existsSync(join(dataDir, 'etcd0.etcd', 'member', 'wal'))).toBe(true);

    // The same data dir again, without --import: the imported cluster restarts from its disks.
    const b = await startServer(['--listen-client-urls', urls, '--data-dir', dataDir, '--nodes', '3'], 3);
    try {
      expect((await ctl(eps, ['get', 'from-server', '--print-value-only'])).out).toBe('yes\n');
    } finally {
      await b.stop();
    }
    // A second import over it is refused: the disks would be overwritten.
    const again = await runServe(['--import', file, '--listen-client-urls', urls, '--data-dir', dataDir]);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`--import: data dir ${join(dataDir, 'etcd0.etcd')} already holds a member; remove it or choose another --data-dir`);

    // etcd-playground export: the stopped server's data dir as a file the page restarts from.
    const out = join(dir, 'exported.json');
    const ex = await runExport(['--data-dir', dataDir, '-o', out, '--name', 'back to the page']);
    expect(ex.err).toContain(`exported playground "back to the page": 3 member(s)`);
    expect(ex.code).toBe(0);
    const { file: f, world } = worldFromText(readFileSync(out, 'utf8'), { traceCapacity: 0 });
    expect(f.name).toBe('back to the page');
    await world.runUntil(() => world.etcd.cluster.leader() !== undefined, world.now() + 5000);
    const sh = shellOn(world);
    expect(await sh('etcdctl get from-server --print-value-only')).toBe('yes\n');
    expect(await sh('etcdctl get greeting --print-value-only')).toBe('hello-from-the-page\n');
  }, 120_000);

  it('exports a one-member data dir to stdout, and the page answers on its default endpoint', async () => {
    const dir = scratch();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const dataDir = join(dir, 'one.etcd');
    const s = await startServer(['--listen-client-urls', url, '--advertise-client-urls', url, '--data-dir', dataDir]);
    try {
      expect((await ctl(`127.0.0.1:${port}`, ['put', 'solo', 'v1'])).out).toBe('OK\n');
    } finally {
      await s.stop();
    }
    const ex = await runExport(['--data-dir', dataDir]);
    expect(ex.code).toBe(0);
    const { file, world } = worldFromText(ex.out, { traceCapacity: 0 });
    expect(file.name).toBe('one');
    expect(file.cluster.nodes.map((n) => n.name)).toEqual(['default']);
    await world.runUntil(() => world.etcd.cluster.leader() !== undefined, world.now() + 5000);
    expect(await shellOn(world)('etcdctl get solo --print-value-only')).toBe('v1\n');
  }, 60_000);

  it('refuses a missing, damaged or foreign file and a data dir with no member', async () => {
    const dir = scratch();
    const missing = await runServe(['--import', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`cannot read playground file ${join(dir, 'nope.json')}: no such file or directory`);
    const cut = join(dir, 'cut.json');
    await pagePlaygroundFile(cut);
    writeFileSync(cut, readFileSync(cut, 'utf8').slice(0, 2000));
    const torn = await runServe(['--import', cut]);
    expect(torn.code).toBe(1);
    expect(torn.err).toMatch(/cut\.json: playground file: not valid JSON .*is the file complete\?/);
    const garbled = join(dir, 'garbled.json');
    await pagePlaygroundFile(garbled);
    const g = JSON.parse(readFileSync(garbled, 'utf8')) as PlaygroundFile;
    for (const d of g.cluster.disks) for (const e of d.entries) if (e.type === 'EntryNormal' && e.data !== '') e.data = '/////w==';
    writeFileSync(garbled, JSON.stringify(g));
    const bad = await runServe(['--import', garbled]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/garbled\.json: its members cannot start from their disks \(.+\)/);
    const both = await runServe(['--import', garbled, '--nodes', '3']);
    expect(both.code).toBe(1);
    expect(both.err).toContain('--import takes the members from the playground file: drop --initial-cluster, --nodes and --name');
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, '{"hello": "world"}');
    expect((await runServe(['--import', foreign])).err).toContain('playground file: not an etcd playground file');
    const ex = await runExport(['--data-dir', dir]);
    expect(ex.code).toBe(1);
    expect(ex.err).toContain(`Error: ${dir} holds no member data`);
    expect((await runExport([])).code).toBe(2);
  }, 60_000);
});
