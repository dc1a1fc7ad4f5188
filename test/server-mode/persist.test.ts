// --data-dir: the real etcdctl writes keys, the server process is killed
// with SIGKILL (kill -9) by its PID, and a new process on the same data
// dir must hand back every acknowledged write, with revisions going on
// from where they were, and again after a second kill -9 of the restarted
// process (which appends after the last record of the preallocated
// segment). Then the WAL is damaged by hand: a torn tail is repaired as
// etcd's wal.Repair does, a corrupt record in the middle is fatal with
// etcd's message.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logEnd } from '../../src/server/persist/records.ts';
import { type Running, ctl, freePort, requireEtcdctl, runServe, startServer, tempDir } from './harness.ts';

// One port for the whole file: a restarted server comes back where its clients were.
const EP = `127.0.0.1:${await freePort()}`;
const URL = `http://${EP}`;
const ARGS = ['--listen-client-urls', URL, '--advertise-client-urls', URL];

const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));

function freshDir(): string {
  const d = tempDir('serve-persist-');
  dirs.push(d);
  return join(d.path, 'd');
}

/** Kills the server like `kill -9 PID` and waits for it to be gone. */
async function kill9(s: Running): Promise<void> {
  const gone = new Promise((r) => s.proc.once('exit', r));
  process.kill(s.proc.pid!, 'SIGKILL');
  await gone;
}

function walFiles(dataDir: string): string[] {
  const wal = join(dataDir, 'member', 'wal');
  return readdirSync(wal).map((n) => join(wal, n));
}

async function putAll(n: number, prefix: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await ctl(EP, ['put', `${prefix}${String(i).padStart(3, '0')}`, `v${i}`]);
    expect(r.out).toBe('OK\n');
  }
}

describe('serve --data-dir', () => {
  requireEtcdctl();

  it('recovers every acknowledged write after kill -9, and revisions go on', async () => {
    const dir = freshDir();
    const a = await startServer([...ARGS, '--data-dir', dir]);
    await putAll(40, 'k');
    await kill9(a);
    expect(a.log()).toContain(`embed: data dir = ${dir}`);

    const b = await startServer([...ARGS, '--data-dir', dir]);
    try {
      expect(b.log()).toContain('N | etcdmain: the server is already initialized as member before, starting as etcd member...');
      expect(b.log()).toMatch(/I \| etcdserver: restarting member 8e9e05c52164694d in cluster cdf818194e3a8c32 at commit index \d+/);
      const got = await ctl(EP, ['get', 'k', '--prefix', '--print-value-only']);
      expect(got.out.trim().split('\n')).toEqual(Array.from({ length: 40 }, (_, i) => `v${i}`));
      const put = JSON.parse((await ctl(EP, ['put', 'after', 'x', '-w', 'json'])).out) as { header: { revision: number } };
      // Revision 1 is the empty store; the 40 puts made 2..41.
      expect(put.header.revision).toBe(42);
      await putAll(20, 'm');
    } catch (e) {
      await b.stop();
      throw e;
    }
    await kill9(b);
    // The segment is preallocated: zeros after the log, which the restarted process appended to.
    const [seg] = walFiles(dir);
    expect(logEnd(readFileSync(seg!))).toMatchObject({ tail: 'end' });
    expect(statSync(seg!).size).toBeGreaterThan(logEnd(readFileSync(seg!)).end);

    const c = await startServer([...ARGS, '--data-dir', dir]);
    try {
      expect(c.log()).not.toContain('repair');
      const keys = (await ctl(EP, ['get', '', '--prefix', '--keys-only'])).out.split('\n').filter(Boolean);
      expect(keys).toHaveLength(61);
      expect((await ctl(EP, ['get', 'm019', '--print-value-only'])).out).toBe('v19\n');
      const put = JSON.parse((await ctl(EP, ['put', 'last', 'x', '-w', 'json'])).out) as { header: { revision: number } };
      expect(put.header.revision).toBe(63);
    } finally {
      expect(await c.stop()).toBe(0);
    }
  }, 90_000);

  it('restarts from snapshots and the log after them (--snapshot-count)', async () => {
    const dir = freshDir();
    const a = await startServer([...ARGS, '--data-dir', dir, '--snapshot-count', '10']);
    await putAll(25, 's');
    await kill9(a);
    expect(readdirSync(join(dir, 'member', 'snap')).filter((n) => n.endsWith('.snap')).length).toBeGreaterThan(0);
    const b = await startServer([...ARGS, '--data-dir', dir, '--snapshot-count', '10']);
    try {
      const got = await ctl(EP, ['get', 's', '--prefix', '--print-value-only']);
      expect(got.out.trim().split('\n')).toEqual(Array.from({ length: 25 }, (_, i) => `v${i}`));
    } finally {
      expect(await b.stop()).toBe(0);
    }
  }, 60_000);

  it('repairs a torn tail record like etcd, keeping the segment as .broken', async () => {
    const dir = freshDir();
    const a = await startServer([...ARGS, '--data-dir', dir]);
    await putAll(5, 't');
    await kill9(a);
    const [seg] = walFiles(dir);
    // A record header promising 100 bytes, then the crash: the rest of it is the zeros preallocated after the log.
    const buf = readFileSync(seg!);
    const end = logEnd(buf).end;
    expect(buf.length - end).toBeGreaterThan(100);
    buf.set([100, 0, 0, 0, 0x9b, 0xff, 0xff, 0xff, 1, 2, 3, 4, 2, 9, 9], end);
    writeFileSync(seg!, buf);
    const b = await startServer([...ARGS, '--data-dir', dir]);
    try {
      expect(b.log()).toContain(`N | wal: repairing ${seg}`);
      expect(b.log()).toContain('I | etcdserver: repaired WAL error (unexpected EOF)');
      expect(existsSync(`${seg}.broken`)).toBe(true);
      expect((await ctl(EP, ['get', 't', '--prefix', '--keys-only'])).out.split('\n').filter(Boolean)).toHaveLength(5);
    } finally {
      expect(await b.stop()).toBe(0);
    }
    // etcd warns about the kept copy on every later start.
    const c = await startServer([...ARGS, '--data-dir', dir]);
    expect(await c.stop()).toBe(0);
    expect(c.log()).toContain(`W | wal: ignored file ${seg!.split('/').pop()}.broken in wal`);
  }, 60_000);

  it('refuses a WAL with a corrupt record in the middle, in etcd words', async () => {
    const dir = freshDir();
    const a = await startServer([...ARGS, '--data-dir', dir]);
    await putAll(5, 'c');
    await kill9(a);
    const [seg] = walFiles(dir);
    const b = readFileSync(seg!);
    // In the middle of the log, not of the zeros preallocated after it.
    b[Math.floor(logEnd(b).end / 2)]! ^= 0xff;
    writeFileSync(seg!, b);
    const r = await runServe([...ARGS, '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('C | etcdmain: walpb: crc mismatch');
  }, 60_000);

  it('brings a three-member cluster back as the same cluster, ignoring --initial-cluster', async () => {
    const root = freshDir();
    // Client ports below the ephemeral range (32768 up), where other tests' connections cannot hold them.
    const peers = 'etcd0=http://127.0.0.1:33440,etcd1=http://127.0.0.1:33441,etcd2=http://127.0.0.1:33442';
    const args = ['--initial-cluster', peers, '--listen-client-urls', 'http://127.0.0.1:32460', '--data-dir', root];
    const a = await startServer(args, 3);
    const before = (await ctl('127.0.0.1:32461', ['member', 'list'])).out;
    expect((await ctl('127.0.0.1:32462', ['put', 'x', '1'])).out).toBe('OK\n');
    await kill9(a);
    expect(readdirSync(root).sort()).toEqual(['etcd0.etcd', 'etcd1.etcd', 'etcd2.etcd']);
    // Other peer URLs would make other member IDs, were the data dirs not there.
    const other = 'etcd0=http://127.0.0.1:33450,etcd1=http://127.0.0.1:33451,etcd2=http://127.0.0.1:33452';
    const b = await startServer(['--initial-cluster', other, '--listen-client-urls', 'http://127.0.0.1:32460', '--data-dir', root], 3);
    try {
      expect((await ctl('127.0.0.1:32460', ['member', 'list'])).out).toBe(before);
      expect((await ctl('127.0.0.1:32461', ['get', 'x', '--print-value-only'])).out).toBe('1\n');
    } finally {
      expect(await b.stop()).toBe(0);
    }
  }, 90_000);

  it('keeps a member stopped through the control socket stopped after kill -9', async () => {
    // A stopped member's process is gone, as after a crash; a restart of the whole cluster leaves it down.
    const STOPPED = 'ok etcd0=running:http://127.0.0.1:32470 etcd1=running:http://127.0.0.1:32471 etcd2=crashed:http://127.0.0.1:32472';
    const root = freshDir();
    const sock = join(root, '..', 'control.sock');
    const peers = 'etcd0=http://127.0.0.1:33460,etcd1=http://127.0.0.1:33461,etcd2=http://127.0.0.1:33462';
    const args = ['--initial-cluster', peers, '--listen-client-urls', 'http://127.0.0.1:32470', '--data-dir', root, '--control-socket', sock];
    const a = await startServer(args, 3);
    try {
      expect(await control(sock, 'stop etcd2')).toBe('ok');
      expect(await control(sock, 'members')).toBe(STOPPED);
    } finally {
      // No clean stop: the cluster record holds what the barrier after the stop wrote.
      await kill9(a);
    }
    const b = await startServer(args, 2);
    try {
      expect(await control(sock, 'members')).toBe(STOPPED);
    } finally {
      expect(await b.stop()).toBe(0);
    }
  }, 90_000);
});

/** One command on the server's control socket; its one-line reply. */
function control(path: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      got += d;
      if (got.includes('\n')) {
        s.end();
        resolve(got.trim());
      }
    });
    s.on('error', reject);
    s.write(line + '\n');
  });
}
