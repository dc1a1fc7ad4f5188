// Saving the playground to IndexedDB and loading it back, over fake-indexeddb
// (a real IndexedDB implementation in Node) with the real idb-keyval. A
// reload is a new World built from what is in the store: the members restart
// from their saved disks, elect a leader, and the data is there.
import 'fake-indexeddb/auto';
import { del, entries, get, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { Cluster, restoreOptions } from '../../src/engine/cluster/cluster.ts';
import { type ClusterImage, ClusterImageError } from '../../src/engine/cluster/image.ts';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { World } from '../../src/terminal/core/world.ts';
import { FORMAT_VERSION, META, type MetaRecord, type Records, SavedStateError, logKey, migrate, snapKey } from '../../src/ui/persist/format.ts';
import { Persister, clearSaved, loadWorld, openStore } from '../../src/ui/persist/persist.ts';
import { shellOn } from '../terminal/shell-helpers.ts';

let dbs = 0;
const freshStore = () => openStore(`persist-test-${++dbs}`);

async function newWorld(seed = 7): Promise<World> {
  const w = new World(new EtcdCluster({ seed, nodes: 3, traceCapacity: 0 }));
  await w.advance(3000);
  return w;
}

async function reload(store: ReturnType<typeof openStore>): Promise<World> {
  const r = await loadWorld(store, { traceCapacity: 0 });
  if (r.kind !== 'restored') throw new Error(`expected a restored world, got ${JSON.stringify(r)}`);
  return r.world;
}

const leaderName = (w: World) => w.etcd.cluster.leader()?.name;

describe('saving and reloading the playground', () => {
  it('restores keys, revisions and the members, which elect a leader again', async () => {
    const store = freshStore();
    const w1 = await newWorld();
    const sh1 = shellOn(w1);
    expect(await sh1('etcdctl put foo bar')).toBe('OK\n');
    for (let i = 0; i < 30; i++) await sh1(`etcdctl put key${i} value${i}`);
    await sh1('etcdctl put foo baz');
    const before = JSON.parse(await sh1('etcdctl get foo -w json')) as { header: { revision: number }; kvs: { mod_revision: number; version: number }[] };
    w1.fs.writeFile('/snap.db', new Uint8Array([1, 2, 3]));
    const p = new Persister(w1, store);
    await p.save();
    expect(p.stats.saves).toBe(1);
    expect(p.stats.failures).toBe(0);

    const w2 = await reload(store);
    expect(w2.now()).toBe(w1.now());
    // The members restart as the first event.
    expect(w2.etcd.cluster.nodes.get(w1.etcd.cluster.nodes.keys().next().value!)!.life).toBe('crashed');
    w2.etcd.cluster.step();
    expect([...w2.etcd.cluster.nodes.values()].map((n) => [n.name, n.life])).toEqual([
      ['etcd0', 'running'],
      ['etcd1', 'running'],
      ['etcd2', 'running'],
    ]);
    expect(w2.etcd.cluster.clusterId()).toBe(w1.etcd.cluster.clusterId());
    expect(w2.fs.readFile('/snap.db')).toEqual(new Uint8Array([1, 2, 3]));
    await w2.runUntil(() => leaderName(w2) !== undefined, w2.now() + 5000);
    expect(leaderName(w2)).toBeDefined();
    const sh2 = shellOn(w2);
    expect(await sh2('etcdctl get foo')).toBe('foo\nbaz\n');
    expect(await sh2('etcdctl get key17 --print-value-only')).toBe('value17\n');
    const after = JSON.parse(await sh2('etcdctl get foo -w json')) as typeof before;
    expect(after.header.revision).toBe(before.header.revision);
    expect(after.kvs[0]!.mod_revision).toBe(before.kvs[0]!.mod_revision);
    expect(after.kvs[0]!.version).toBe(2);
    // The restored cluster keeps working and keeps counting revisions.
    expect(await sh2('etcdctl put foo qux')).toBe('OK\n');
    const next = JSON.parse(await sh2('etcdctl get foo -w json')) as typeof before;
    expect(next.header.revision).toBe(before.header.revision + 1);
  });

  it('restores leases and auth (users, roles, enabled)', async () => {
    const store = freshStore();
    const w1 = await newWorld(11);
    const sh1 = shellOn(w1);
    const grant = await sh1('etcdctl lease grant 900');
    const lease = /lease ([0-9a-f]+) granted/.exec(grant)?.[1];
    expect(lease, grant).toBeDefined();
    expect(await sh1(`etcdctl put leased v --lease=${lease}`)).toBe('OK\n');
    expect(await sh1('etcdctl user add root --new-user-password=rootpw')).toBe('User root created\n');
    expect(await sh1('etcdctl user add alice --new-user-password=alicepw')).toBe('User alice created\n');
    expect(await sh1('etcdctl role add reader')).toBe('Role reader created\n');
    await sh1('etcdctl role grant-permission reader read leased');
    await sh1('etcdctl user grant-role alice reader');
    expect(await sh1('etcdctl auth enable')).toBe('Authentication Enabled\n');
    const p = new Persister(w1, store);
    await p.save();

    const w2 = await reload(store);
    await w2.runUntil(() => leaderName(w2) !== undefined, w2.now() + 5000);
    const sh2 = shellOn(w2);
    expect(await sh2('etcdctl --user root:rootpw lease list')).toContain(lease);
    expect(await sh2('etcdctl --user alice:alicepw get leased --print-value-only')).toBe('v\n');
    expect(await sh2('etcdctl get leased')).toContain('user name is empty');
    expect(await sh2('etcdctl --user alice:wrong get leased')).toContain('authentication failed');
    expect(await sh2('etcdctl --user root:rootpw role get reader')).toContain('leased');
    // The lease still expires: revoked through it, the key goes.
    expect(await sh2(`etcdctl --user root:rootpw lease revoke ${lease}`)).toContain('revoked');
    expect(await sh2('etcdctl --user root:rootpw get leased')).toBe('');
  });

  it('keeps a killed member down and a removed one removed; the rest restart', async () => {
    const store = freshStore();
    const w1 = new World(new EtcdCluster({ seed: 3, nodes: 4, traceCapacity: 0 }));
    await w1.advance(3000);
    const sh1 = shellOn(w1);
    await sh1('etcdctl put a 1');
    const c1 = w1.etcd.cluster;
    const [n0, n1, n2, n3] = [...c1.nodes.values()];
    // Remove one member, kill another: two of the three voters left, a quorum.
    expect(await sh1(`etcdctl member remove ${n3!.id}`)).toContain('removed from cluster');
    await w1.advance(3000);
    await sh1(`kill ${n1!.name}`);
    expect(await sh1('etcdctl put b 2')).toBe('OK\n');
    await new Persister(w1, store).save();

    const w2 = await reload(store);
    const c2 = w2.etcd.cluster;
    c2.step();
    expect([n0, n1, n2, n3].map((n) => c2.nodes.get(n!.id)!.life)).toEqual(['running', 'crashed', 'running', 'stopped']);
    expect(c2.removed.has(n3!.id)).toBe(true);
    await w2.runUntil(() => leaderName(w2) !== undefined, w2.now() + 5000);
    expect([n0!.name, n2!.name]).toContain(leaderName(w2));
    const sh2 = shellOn(w2);
    expect(await sh2('etcdctl get b --print-value-only')).toBe('2\n');
    expect(await sh2('etcdctl member list')).not.toContain(n3!.name);
    // The killed member restarts from its own disk and catches up.
    await sh2(`restart ${n1!.name}`);
    expect(await sh2('etcdctl put c 3')).toBe('OK\n');
    await w2.advance(2000);
    expect(await sh2(`etcdctl --endpoints=${c2.members.get(n1!.id)!.clientURLs[0]} get c --print-value-only --consistency=s`)).toBe('3\n');
  });

  it('writes only what changed: a put rewrites logs, not snapshots; an idle cluster writes nothing', async () => {
    const store = freshStore();
    const w = await newWorld(5);
    const sh = shellOn(w);
    const clock = { t: 0 };
    const p = new Persister(w, store, { clock: () => clock.t, minIntervalMs: 0, timeStepMs: 60_000 });
    await p.save();
    const first = p.stats.records;
    // 3 members x (log, snap, kv) + fs + meta.
    expect(first).toBe(3 * 3 + 2);
    await w.advance(2000); // heartbeats only: nothing on disk changes
    await p.save();
    expect(p.stats.saves).toBe(1);

    await sh('etcdctl put x y');
    expect((await entries<string, unknown>(store)).length).toBe(first);
    const before = p.stats.records;
    await p.save();
    expect(p.stats.saves).toBe(2);
    expect(p.stats.records - before).toBe(3 + 1); // three logs and the header

    // tick() respects one write in flight and the minimum interval.
    const q = new Persister(w, store, { clock: () => clock.t, minIntervalMs: 100 });
    q.tick();
    expect(q.busy).toBe(true);
    q.tick();
    await q.idle();
    await sh('etcdctl put x z');
    q.tick(); // 0 ms since the last save started: too soon
    expect(q.busy).toBe(false);
    clock.t = 150;
    q.tick();
    expect(q.busy).toBe(true);
    await q.idle();
    expect(q.stats.saves).toBe(2);
  });

  it('follows the page replacing its world: the next save replaces the whole store', async () => {
    const store = freshStore();
    let world = await newWorld(31);
    await shellOn(world)('etcdctl put old 1');
    const p = new Persister(() => world, store);
    await p.save();
    const oldIds = [...world.etcd.cluster.nodes.keys()];
    world = new World(new EtcdCluster({ seed: 32, nodes: 1, traceCapacity: 0 }));
    await world.advance(2000);
    await p.save();
    const keys = (await entries<string, unknown>(store)).map(([k]) => k);
    expect(keys.some((k) => oldIds.some((id) => k.endsWith(id)))).toBe(false);
    expect(keys.sort()).toEqual(['fs', 'kv/8e9e05c52164694d', 'log/8e9e05c52164694d', 'meta', 'snap/8e9e05c52164694d']);
    const w2 = await reload(store);
    expect(w2.etcd.cluster.seed).toBe(32);
    await w2.runUntil(() => leaderName(w2) !== undefined, w2.now() + 5000);
    expect(await shellOn(w2)('etcdctl --endpoints=localhost:2379 put new 2')).toBe('OK\n');
    expect(await shellOn(w2)('etcdctl --endpoints=localhost:2379 get old')).toBe('');
  });

  it('a restored image runs deterministically: same store, same run', async () => {
    const store = freshStore();
    const w1 = await newWorld(9);
    const sh1 = shellOn(w1);
    for (let i = 0; i < 5; i++) await sh1(`etcdctl put k${i} v${i}`);
    await new Persister(w1, store).save();
    const a = await reload(store);
    const b = await reload(store);
    await a.advance(4000);
    await b.advance(4000);
    expect(a.etcd.cluster.exportImage()).toEqual(b.etcd.cluster.exportImage());
  });

  it('stays small: 1000 keys take a few hundred KiB, and a put after them a few tens', async () => {
    // Figures (Node, fake-indexeddb): 100 keys ~31 KiB stored, 1000 keys ~240 KiB;
    // one put after 1000 keys saves ~35 KiB (three raft logs of ~120 entries and the header).
    const store = freshStore();
    const w = await newWorld(13);
    const sh = shellOn(w);
    const p = new Persister(w, store, { minIntervalMs: 0 });
    for (let i = 0; i < 1000; i++) await sh(`etcdctl put key${String(i).padStart(5, '0')} value-${i}`);
    await p.save();
    const all = await entries<string, unknown>(store);
    const bytes = all.reduce((s, [, v]) => s + JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? x.byteLength : x)).length, 0);
    expect(bytes).toBeLessThan(512 * 1024);
    await sh('etcdctl put one more');
    await p.save();
    expect(p.stats.lastBytes).toBeLessThan(64 * 1024);
    const w2 = await reload(store);
    await w2.runUntil(() => leaderName(w2) !== undefined, w2.now() + 5000);
    expect(await shellOn(w2)('etcdctl get key00999 --print-value-only')).toBe('value-999\n');
  });
});

describe('damaged or foreign saved state', () => {
  async function saved(): Promise<{ store: ReturnType<typeof openStore>; w: World }> {
    const store = freshStore();
    const w = await newWorld(21);
    await shellOn(w)('etcdctl put foo bar');
    await new Persister(w, store).save();
    return { store, w };
  }

  it('an empty store is not an error', async () => {
    expect(await loadWorld(freshStore())).toEqual({ kind: 'empty' });
  });

  it('a record from another save (torn store) is refused with a clear message', async () => {
    const { store, w } = await saved();
    const id = [...w.etcd.cluster.nodes.keys()][1]!;
    const rec = (await get<{ stamp: string }>(logKey(id), store))!;
    await set(logKey(id), { ...rec, stamp: 'other' }, store);
    expect(await loadWorld(store)).toEqual({ kind: 'failed', reason: `the saved playground is torn: record ${logKey(id)} is from another save` });
  });

  it('a missing record is refused', async () => {
    const { store, w } = await saved();
    const id = [...w.etcd.cluster.nodes.keys()][0]!;
    await del(snapKey(id), store);
    expect(await loadWorld(store)).toEqual({ kind: 'failed', reason: `the saved playground is incomplete: record ${snapKey(id)} is missing` });
  });

  it('a corrupt log (a gap, garbage bytes, a commit past the end) is refused, naming the member', async () => {
    const { store, w } = await saved();
    const id = [...w.etcd.cluster.nodes.keys()][2]!;
    const rec = (await get<{ stamp: string; entries: { index: number; data: string }[]; hardState: { commit: number } }>(logKey(id), store))!;
    const cases: [unknown, RegExp][] = [
      [{ ...rec, entries: rec.entries.filter((_, i) => i !== 2) }, /log has a gap/],
      [{ ...rec, entries: rec.entries.map((e, i) => (i === 1 ? { ...e, data: '%%%' } : e)) }, /bad log entry/],
      [{ ...rec, hardState: { ...rec.hardState, commit: 10_000 } }, /commit index 10000 is past the last log entry/],
      [{ ...rec, entries: 'nope' }, /no log entries/],
    ];
    for (const [bad, re] of cases) {
      await set(logKey(id), bad, store);
      const r = await loadWorld(store);
      expect(r.kind).toBe('failed');
      const reason = (r as { reason: string }).reason;
      expect(reason).toMatch(/^the saved playground is damaged \(disk of member [0-9a-f]+: /);
      expect(reason).toMatch(re);
    }
  });

  it('a garbage header, a foreign store and a store written by a newer page are refused', async () => {
    const { store } = await saved();
    const meta = (await get<MetaRecord>(META, store))!;
    await set(META, 'garbage', store);
    expect(await loadWorld(store)).toEqual({ kind: 'failed', reason: 'the saved playground has no valid header' });
    await set(META, { ...meta, format: FORMAT_VERSION + 1 }, store);
    expect(await loadWorld(store)).toEqual({
      kind: 'failed',
      reason: `the saved playground was written by a newer version of this page (format ${FORMAT_VERSION + 1}; this page reads up to ${FORMAT_VERSION})`,
    });
    await set(META, { ...meta, state: { ...meta.state, now: -5 } }, store);
    expect(await loadWorld(store)).toEqual({ kind: 'failed', reason: 'the saved playground is damaged (cluster image: bad virtual time)' });
    await set(META, meta, store);
    expect((await loadWorld(store)).kind).toBe('restored');
    await clearSaved(store);
    expect(await loadWorld(store)).toEqual({ kind: 'empty' });
  });

  it('the migration hook upgrades older formats step by step and refuses a gap', async () => {
    const { store } = await saved();
    const current: Records = new Map(await entries<string, unknown>(store));
    const v1 = { ...(current.get(META) as MetaRecord), format: 1 };
    const records: Records = new Map([...current, [META, v1]]);
    // Pretend this page reads format 3; format 1 goes through 1->2->3.
    const seen: number[] = [];
    const up = (to: number) => (r: Records): Records => {
      seen.push(to);
      const out = new Map(r);
      out.set(META, { ...(r.get(META) as MetaRecord), format: to });
      return out;
    };
    const out = migrate(records, { 1: up(2), 2: up(3) }, 3);
    expect(seen).toEqual([2, 3]);
    expect((out.get(META) as MetaRecord).format).toBe(3);
    expect(() => migrate(records, { 2: up(3) }, 3)).toThrow(new SavedStateError('no upgrade from saved format 1 to 2'));
    expect(() => migrate(records, { 1: (r) => r }, 2)).toThrow(/did not produce format 2/);
    expect(() => migrate(new Map([[META, { ...v1, format: 0 }]]))).toThrow(/unknown format \(0\)/);
    // A real page's current format needs no upgrade.
    expect(migrate(current)).toBe(current);
  });

  it('a failed write leaves the store as it was and is retried', async () => {
    const { store, w } = await saved();
    const p = new Persister(w, store);
    await p.save();
    await shellOn(w)('etcdctl put foo after');
    let fail = true;
    const flaky: typeof store = (mode, cb) => (fail && mode === 'readwrite' ? Promise.reject(new Error('QuotaExceededError')) : store(mode, cb));
    const q = new Persister(w, flaky);
    await q.save();
    expect(q.stats).toMatchObject({ saves: 0, failures: 1, lastError: 'QuotaExceededError' });
    fail = false;
    await q.save();
    expect(q.stats.saves).toBe(1);
    const w2 = await reload(store);
    await w2.runUntil(() => leaderName(w2) !== undefined, w2.now() + 5000);
    expect(await shellOn(w2)('etcdctl get foo --print-value-only')).toBe('after\n');
  });
});

describe('cluster images (engine)', () => {
  it('round-trip through JSON; the restored cluster restarts every member that was up', () => {
    const c = new Cluster({ seed: 4, nodes: 3 });
    c.runUntil(() => c.leader() !== undefined, 5000);
    for (let i = 0; i < 150; i++) c.propose(c.leader()!.id, new Uint8Array([i]));
    c.advance(1000);
    const img = JSON.parse(JSON.stringify(c.exportImage())) as ClusterImage;
    expect(img.disks.every((d) => d.snapshot.index > 0)).toBe(true); // past snapshotCount: snapshots and compaction
    const r = new Cluster(restoreOptions(img));
    expect(r.now()).toBe(c.now());
    expect(r.seed).toBe(4);
    r.step();
    expect([...r.nodes.values()].map((n) => n.epoch)).toEqual([2, 2, 2]);
    r.runUntil(() => r.leader() !== undefined, 5000);
    const l = r.leader()!;
    expect(l.applied).toBeGreaterThanOrEqual(img.disks[0]!.hardState.commit);
    expect(r.exportState().nodes.map((n) => n.life)).toEqual(['running', 'running', 'running']);
  });

  it('refuses an inconsistent image with a clear error', () => {
    const c = new Cluster({ seed: 4, nodes: 3 });
    c.advance(2000);
    const img = c.exportImage();
    expect(() => new Cluster({ restore: { ...img, disks: img.disks.slice(1) } })).toThrow(new ClusterImageError('3 members but 2 disks'));
    expect(() => new Cluster({ restore: { ...img, disks: [img.disks[1]!, img.disks[0]!, img.disks[2]!] } })).toThrow(/has the disk of member/);
    expect(() => new Cluster({ restore: { ...img, nodes: [] } })).toThrow(/no members/);
  });
});
