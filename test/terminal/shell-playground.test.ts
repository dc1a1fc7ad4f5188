import { describe, expect, it } from 'vitest';
import type { SimNode } from '../../src/engine/cluster/node.ts';
import { harness } from './shell-helpers.ts';

const byName = (nodes: Iterable<SimNode>, name: string) => [...nodes].find((n) => n.name === name)!;

describe('playground commands', () => {
  it('kill, restart, pause and resume change the member process', async () => {
    const h = await harness();
    const c = h.world.etcd.cluster;
    expect(await h.run('kill etcd1')).toMatchObject({ out: 'killed etcd1\n', status: 0 });
    expect(byName(c.nodes.values(), 'etcd1').life).toBe('crashed');
    expect((await h.run('kill etcd1')).status).toBe(1);
    expect(await h.run('restart etcd1')).toMatchObject({ status: 0 });
    expect(byName(c.nodes.values(), 'etcd1').life).toBe('running');
    await h.run('pause etcd2');
    expect(byName(c.nodes.values(), 'etcd2').life).toBe('paused');
    await h.run('resume etcd2');
    expect(byName(c.nodes.values(), 'etcd2').life).toBe('running');
    expect(await h.run('kill etcd9')).toMatchObject({ status: 1, out: expect.stringContaining('no such member: etcd9') });
    expect((await h.run('kill')).out).toBe('usage: kill NAME\n');
  });

  it('stop hands leadership over before the leader goes down', async () => {
    const h = await harness();
    const c = h.world.etcd.cluster;
    const leader = c.leader()!;
    const r = await h.run(`stop ${leader.name}`);
    expect(r.out).toMatch(new RegExp(`^stopped ${leader.name} \\(leadership transferred to etcd\\d\\)`));
    expect(leader.life).toBe('crashed');
    expect(c.leader()).toBeDefined();
    expect(c.leader()).not.toBe(leader);
  });

  it('partition, cut and heal change the network', async () => {
    const h = await harness();
    const c = h.world.etcd.cluster;
    const id = (n: string) => byName(c.nodes.values(), n).id;
    expect((await h.run('partition etcd0 etcd1,etcd2')).out).toBe('partitioned: [etcd0] | [etcd1,etcd2]\n');
    expect(c.network.blocked(id('etcd0'), id('etcd1'))).toBe('partition');
    expect(c.network.blocked(id('etcd1'), id('etcd2'))).toBeUndefined();
    await h.run('heal');
    expect(c.network.partitioned()).toBe(false);
    await h.run('cut etcd0 etcd2');
    expect(c.network.blocked(id('etcd0'), id('etcd2'))).toBe('cut');
    expect(c.network.blocked(id('etcd2'), id('etcd0'))).toBe('cut');
    await h.run('heal etcd2 etcd0');
    expect(c.network.blocked(id('etcd0'), id('etcd2'))).toBeUndefined();
    expect((await h.run('partition etcd0 etcd0')).status).toBe(1);
    expect((await h.run('cut etcd0')).status).toBe(1);
  });

  it('latency, drop and speed set the network and the driver', async () => {
    let speed = 1;
    const h = await harness({ host: { getSpeed: () => speed, setSpeed: (x) => (speed = x) } });
    const net = h.world.etcd.cluster.network;
    await h.run('latency 50 10');
    expect(net.getDefaults()).toMatchObject({ latencyMin: 40, latencyMax: 60 });
    await h.run('drop 5%');
    expect(net.getDefaults().dropRate).toBe(0.05);
    expect((await h.run('drop 2')).status).toBe(1);
    expect((await h.run('latency abc')).status).toBe(1);
    await h.run('speed 4');
    expect(speed).toBe(4);
    expect((await h.run('speed')).out).toBe('speed 4x\n');
    expect((await h.run('status')).out).toContain('latency 40-60 ms, drop 0.05');
  });

  it('members lists every member; ls shows the key space as a tree', async () => {
    const h = await harness();
    const m = (await h.run('members')).out.split('\n');
    expect(m[0]).toMatch(/^NAME\s+ID\s+STATE\s+ROLE/);
    expect(m.slice(1, 4).map((l) => l.split(/\s+/)[0])).toEqual(['etcd0', 'etcd1', 'etcd2']);
    const enc = new TextEncoder();
    const kv = h.world.etcd.leaderServer()!.sm.kv;
    for (const [k, v] of [['/app/a', '1'], ['/app/b/c', '2'], ['top', 'x']]) kv.put({ key: enc.encode(k), value: enc.encode(v) });
    const out = (await h.run('ls')).out;
    expect(out).toBe('/\n└── app/\n    ├── a = "1"\n    └── b/\n        └── c = "2"\ntop = "x"\n(3 keys at revision 4, read on ' + h.world.etcd.cluster.leader()!.name + ')\n');
    expect((await h.run('ls top')).out).toMatch(/^top = "x"\n\(1 key under "top"/);
  });

  it('sleep waits in virtual time; Ctrl-C ends it', async () => {
    const h = await harness();
    const t0 = h.world.now();
    expect((await h.run('sleep 2')).status).toBe(0);
    expect(h.world.now() - t0).toBeGreaterThanOrEqual(2000);
    let done = false;
    void h.shell.run('sleep 100').then(() => (done = true));
    await h.world.advance(500);
    expect(h.shell.busy).toBe(true);
    h.shell.interrupt();
    await h.world.runUntil(() => done, h.world.now() + 1000);
    expect(h.shell.status).toBe(130);
  });
});

describe('etcd: starting members', () => {
  const flags = (name: string, port: number, state = 'existing') =>
    `etcd --name ${name} --initial-cluster etcd0=http://127.0.0.1:2380,${name}=http://127.0.0.1:${port} ` +
    `--initial-cluster-state ${state} --initial-advertise-peer-urls http://127.0.0.1:${port} ` +
    `--listen-client-urls http://127.0.0.1:${port - 1} --advertise-client-urls http://127.0.0.1:${port - 1} --data-dir /var/lib/${name}`;

  it('starts a member added with member add, then refuses to start it twice', async () => {
    const h = await harness();
    const c = h.world.etcd.cluster;
    // What `etcdctl member add etcd3 --peer-urls=http://127.0.0.1:32380` does in the engine.
    const added = c.addMember({ name: 'etcd3', peerURLs: ['http://127.0.0.1:32380'] });
    expect(added.ok).toBe(true);
    const r = await h.run(flags('etcd3', 32380));
    expect(r.status).toBe(0);
    expect(r.out).toContain('joined the cluster');
    const id = added.ok ? added.value.id : '';
    expect(c.members.get(id)!.clientURLs).toEqual(['http://127.0.0.1:32379']);
    await h.world.advance(3000);
    expect(c.nodes.get(id)!.life).toBe('running');
    expect(c.nodes.get(id)!.confState.voters).toContain(id);
    expect(h.world.etcd.resolve('http://127.0.0.1:32379')).toBe(id);
    const again = await h.run(flags('etcd3', 32380));
    expect(again).toMatchObject({ status: 1, out: expect.stringContaining('bind: address already in use') });
  });

  it('restarts a killed member from its data dir', async () => {
    const h = await harness();
    await h.run('kill etcd2');
    const r = await h.run('etcd --name etcd2');
    expect(r.status).toBe(0);
    expect(r.out).toContain('already initialized as member before');
    expect(byName(h.world.etcd.cluster.nodes.values(), 'etcd2').life).toBe('running');
  });

  it('checks its flags as etcd does', async () => {
    const h = await harness();
    expect(await h.run('etcd --bogus')).toMatchObject({ status: 2, out: expect.stringMatching(/^flag provided but not defined: -bogus\n/) });
    expect(await h.run('etcd --initial-cluster-state maybe')).toMatchObject({ status: 2, out: expect.stringContaining('invalid value "maybe" for flag -initial-cluster-state') });
    expect(await h.run('etcd --name x extra')).toMatchObject({ status: 1, out: expect.stringContaining("'extra' is not a valid flag") });
    expect(await h.run('etcd --name x')).toMatchObject({ status: 1, out: expect.stringContaining(`couldn't find local name "x"`) });
    expect((await h.run('etcd --version')).out).toMatch(/^etcd Version: 3\.4\.23\n/);
    // A member nobody added: the playground explains how to add it.
    const r = await h.run(flags('etcd5', 52380));
    expect(r).toMatchObject({ status: 1, out: expect.stringContaining('etcdctl member add etcd5 --peer-urls=http://127.0.0.1:52380') });
  });

  it('reads ETCD_* variables, as member add prints them', async () => {
    const h = await harness();
    const added = h.world.etcd.cluster.addMember({ name: 'etcd3', peerURLs: ['http://127.0.0.1:32380'] });
    expect(added.ok).toBe(true);
    await h.run('export ETCD_NAME="etcd3"');
    await h.run('export ETCD_INITIAL_CLUSTER="etcd0=http://127.0.0.1:2380,etcd3=http://127.0.0.1:32380"');
    await h.run('export ETCD_INITIAL_ADVERTISE_PEER_URLS="http://127.0.0.1:32380"');
    await h.run('export ETCD_INITIAL_CLUSTER_STATE="existing"');
    const r = await h.run('etcd --advertise-client-urls http://127.0.0.1:32379');
    expect(r.status).toBe(0);
  });
});
