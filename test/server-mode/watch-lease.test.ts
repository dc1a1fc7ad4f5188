// Watch and Lease streams over gRPC with the real etcdctl: a background
// `etcdctl watch` sees history (--rev) and live events, several watchers
// share nothing but the server, leases are granted, kept alive (the
// LeaseKeepAlive stream), inspected, revoked, and expire with their keys.
// Expected texts are etcdctl's against a real etcd 3.4.23 (run this file
// with SERVER_MODE_ENDPOINT=host:port of a fresh etcd to check them).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { ETCDCTL, ctl, ctlBackground, errorLine, useSingleServer, waitFor } from './harness.ts';

describe('serve: Watch and Lease with the real etcdctl', () => {
  const srv = useSingleServer();

  it('watch replays history from --rev and streams new events', async () => {
    expect((await ctl(srv.ep, ['put', 'w/a', '1'])).out).toBe('OK\n');
    expect((await ctl(srv.ep, ['put', 'w/b', '2'])).out).toBe('OK\n');
    const rev = JSON.parse((await ctl(srv.ep, ['get', 'w/a', '-w', 'json'])).out).header.revision as number;
    const w = ctlBackground(srv.ep, ['watch', '--prefix', 'w/', `--rev=${rev - 1}`, '--prev-kv']);
    const json = ctlBackground(srv.ep, ['watch', 'w/b', '-w', 'json']);
    try {
      await waitFor(() => w.output().includes('w/b\n2\n'), 10_000, 'history');
      expect(w.output()).toBe('PUT\nw/a\n1\nPUT\nw/b\n2\n');
      // The JSON watcher is live (no --rev): give its create a moment to land.
      await new Promise((r) => setTimeout(r, 1000));
      expect((await ctl(srv.ep, ['put', 'w/b', '3'])).out).toBe('OK\n');
      expect((await ctl(srv.ep, ['del', 'w/a'])).out).toBe('1\n');
      // With --prev-kv etcdctl prints the previous pair first; a deleted key's pair has no value.
      const all = 'PUT\nw/a\n1\nPUT\nw/b\n2\nPUT\nw/b\n2\nw/b\n3\nDELETE\nw/a\n1\nw/a\n\n';
      await waitFor(() => w.output().length >= all.length, 10_000, 'live events');
      expect(w.output()).toBe(all);
      await waitFor(() => json.output().includes('"Events"'), 10_000, 'json event');
      const ev = JSON.parse(json.output().trim().split('\n')[0]!);
      expect(ev.Events).toEqual([
        { kv: { key: 'dy9i', create_revision: rev, mod_revision: rev + 1, version: 2, value: 'Mw==' } },
      ]);
      expect(ev.Header.revision).toBe(rev + 1);
    } finally {
      await w.stop();
      await json.stop();
    }
  });

  it('runs several watchers on one stream and answers progress requests (watch -i)', async () => {
    const p = spawn(ETCDCTL, [`--endpoints=${srv.ep}`, 'watch', '-i'], { env: { ...process.env, ETCDCTL_API: '3' } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<void>((resolve) => p.on('close', () => resolve()));
    try {
      p.stdin.write('watch i/a\nwatch i/b --prefix\n');
      await new Promise((r) => setTimeout(r, 1000));
      const rev = JSON.parse((await ctl(srv.ep, ['get', 'nothing', '-w', 'json'])).out).header.revision as number;
      p.stdin.write('progress\n');
      // Each watcher of the stream prints the stream-wide notification.
      await waitFor(() => (out.match(/progress notify/g) ?? []).length === 2, 10_000, 'progress');
      expect(out).toBe(`progress notify: ${rev}\nprogress notify: ${rev}\n`);
      await ctl(srv.ep, ['put', 'i/a', '1']);
      await ctl(srv.ep, ['put', 'i/b2', '2']);
      await waitFor(() => out.includes('i/b2\n2\n'), 10_000, 'events');
      expect(out.slice(out.indexOf('PUT'))).toBe('PUT\ni/a\n1\nPUT\ni/b2\n2\n');
    } finally {
      p.stdin.end();
      p.kill('SIGTERM');
      await closed;
    }
  });

  it('watch from a compacted revision is canceled with the compact revision', async () => {
    const put = JSON.parse((await ctl(srv.ep, ['put', 'c', '1', '-w', 'json'])).out);
    const rev = put.header.revision as number;
    expect((await ctl(srv.ep, ['compaction', String(rev)])).out).toBe(`compacted revision ${rev}\n`);
    const w = ctlBackground(srv.ep, ['watch', 'c', '--rev=1']);
    try {
      await waitFor(() => w.output().includes('compacted'), 10_000, 'cancel');
      expect(w.output()).toContain(`watch was canceled (etcdserver: mvcc: required revision has been compacted)`);
    } finally {
      await w.stop();
    }
  });

  it('grants, keeps alive, reports and revokes leases', async () => {
    const grant = await ctl(srv.ep, ['lease', 'grant', '30']);
    const m = /^lease ([0-9a-f]+) granted with TTL\(30s\)\n$/.exec(grant.out);
    expect(m, grant.out + grant.err).not.toBeNull();
    const id = m![1]!;
    expect((await ctl(srv.ep, ['put', 'l/k', 'v', `--lease=${id}`])).out).toBe('OK\n');
    expect((await ctl(srv.ep, ['lease', 'keep-alive', '--once', id])).out).toBe(`lease ${id} keepalived with TTL(30)\n`);
    const ttl = (await ctl(srv.ep, ['lease', 'timetolive', id, '--keys'])).out;
    expect(ttl).toMatch(new RegExp(`^lease ${id} granted with TTL\\(30s\\), remaining\\((29|30)s\\), attached keys\\(\\[l/k\\]\\)\\n$`));
    // -w json prints the ID as a decimal int64, beyond what a JS number holds exactly.
    const raw = (await ctl(srv.ep, ['lease', 'timetolive', id, '-w', 'json'])).out;
    expect(BigInt(/"id":(-?\d+)/.exec(raw)![1]!).toString(16)).toBe(id);
    expect(JSON.parse(raw)['granted-ttl']).toBe(30);
    expect((await ctl(srv.ep, ['lease', 'list'])).out).toContain(`${id}\n`);
    expect((await ctl(srv.ep, ['lease', 'revoke', id])).out).toBe(`lease ${id} revoked\n`);
    expect((await ctl(srv.ep, ['get', 'l/k'])).out).toBe('');
    expect((await ctl(srv.ep, ['lease', 'timetolive', id])).out).toBe(`lease ${id} already expired\n`);
  });

  it('lets a lease expire unless the keep-alive stream renews it', async () => {
    const a = /lease ([0-9a-f]+) granted/.exec((await ctl(srv.ep, ['lease', 'grant', '2'])).out)![1]!;
    const b = /lease ([0-9a-f]+) granted/.exec((await ctl(srv.ep, ['lease', 'grant', '2'])).out)![1]!;
    const bGranted = Date.now();
    await ctl(srv.ep, ['put', 'exp/a', 'x', `--lease=${a}`]);
    await ctl(srv.ep, ['put', 'exp/b', 'x', `--lease=${b}`]);
    const ka = ctlBackground(srv.ep, ['lease', 'keep-alive', b]);
    try {
      await waitFor(() => ka.output().includes('keepalived'), 10_000, 'keep-alive');
      expect(ka.output()).toContain(`lease ${b} keepalived with TTL(2)\n`);
      // a expires (the leader revokes it within a second or so of its TTL); b is renewed all along.
      let keys = '';
      const deadline = Date.now() + 15_000;
      while ((keys = (await ctl(srv.ep, ['get', 'exp/', '--prefix', '--keys-only'])).out) !== 'exp/b\n\n' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(keys).toBe('exp/b\n\n');
      expect((await ctl(srv.ep, ['lease', 'timetolive', a])).out).toBe(`lease ${a} already expired\n`);
      // a can expire before the stream's third renewal on a slow host, so b is judged well past
      // twice its TTL from its grant, not at the moment a went.
      await new Promise((r) => setTimeout(r, Math.max(0, bGranted + 4_500 - Date.now())));
      expect((await ctl(srv.ep, ['get', 'exp/', '--prefix', '--keys-only'])).out).toBe('exp/b\n\n');
      expect((ka.output().match(/keepalived/g) ?? []).length).toBeGreaterThanOrEqual(3);
    } finally {
      await ka.stop();
    }
  });

  it('reports missing leases with etcd error texts', async () => {
    const missing = '1234';
    const keep = await ctl(srv.ep, ['lease', 'keep-alive', '--once', missing]);
    expect(errorLine(keep)).toBe('Error: etcdserver: requested lease not found');
    const revoke = await ctl(srv.ep, ['lease', 'revoke', missing]);
    expect(errorLine(revoke)).toBe('Error: failed to revoke lease (etcdserver: requested lease not found)');
    expect(revoke.code).toBe(1);
    const put = await ctl(srv.ep, ['put', 'k', 'v', `--lease=${missing}`]);
    expect(errorLine(put)).toBe('Error: etcdserver: requested lease not found');
    // A negative int64 ID survives the trip (etcdctl parses IDs as hex of the uint64).
    const neg = await ctl(srv.ep, ['lease', 'grant', '10', '-w', 'json']);
    expect(JSON.parse(neg.out).TTL).toBe(10);
  });
});
