// Named playgrounds over fake-indexeddb with the real idb-keyval: each one
// keeps its cluster in its own database, the registry remembers names and
// the current one, and a save now carries the network's faults and paused
// members, which a reload puts back. An imported file stored as a new
// playground loads like any other.
import 'fake-indexeddb/auto';
import { createStore, entries, set } from 'idb-keyval';
import { shellOn } from '../terminal/shell-helpers.ts';
import { describe, expect, it } from 'vitest';
import { encodePlaygroundFile } from '../../src/engine/cluster/playground-file.ts';
import { captureNetwork } from '../../src/engine/cluster/playground-state.ts';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { World } from '../../src/terminal/core/world.ts';
import { META, type MetaRecord } from '../../src/ui/persist/format.ts';
import { DB_NAME, Persister, loadWorld } from '../../src/ui/persist/persist.ts';
import { fileOfWorld, worldFromText } from '../../src/ui/persist/playground-io.ts';
import { DEFAULT_ID, PlaygroundError, PlaygroundRegistry, REGISTRY_DB, dbNameOf } from '../../src/ui/persist/registry.ts';

let n = 0;
const freshRegistry = () => new PlaygroundRegistry(`playgrounds-test-${++n}/`, () => 1000 + n);


async function newWorld(seed: number): Promise<World> {
  const w = new World(new EtcdCluster({ seed, nodes: 3, traceCapacity: 0 }));
  await w.advance(3000);
  return w;
}

async function reload(r: PlaygroundRegistry, id: string): Promise<World> {
  const got = await loadWorld(r.storeOf(id), { traceCapacity: 0 });
  if (got.kind !== 'restored') throw new Error(`expected a restored world, got ${JSON.stringify(got)}`);
  await got.world.runUntil(() => got.world.etcd.cluster.leader() !== undefined, got.world.now() + 5000);
  return got.world;
}

describe('the playground registry', () => {
  it('starts with the default playground in the database the page always used', async () => {
    const r = freshRegistry();
    expect(await r.read()).toEqual({ current: DEFAULT_ID, playgrounds: [{ id: DEFAULT_ID, name: 'default', createdAt: 0 }] });
    expect(dbNameOf(DEFAULT_ID)).toBe(DB_NAME);
    expect(dbNameOf('abc')).toBe(`${DB_NAME}:abc`);
  });

  it('creates, selects, renames and deletes, and checks names', async () => {
    const r = freshRegistry();
    const lab = await r.create('  lab ');
    expect(lab.name).toBe('lab');
    expect(lab.id).toMatch(/^[0-9a-f]{12}$/);
    expect((await r.current()).id).toBe(DEFAULT_ID);
    await r.select(lab.id);
    expect((await r.current()).name).toBe('lab');
    await expect(r.create('lab')).rejects.toThrow(new PlaygroundError('a playground named "lab" already exists'));
    await expect(r.create('   ')).rejects.toThrow('a playground needs a name');
    await expect(r.create('x'.repeat(61))).rejects.toThrow('a playground name has at most 60 characters');
    await expect(r.rename(lab.id, 'default')).rejects.toThrow('a playground named "default" already exists');
    expect((await r.rename(lab.id, 'lab 2')).name).toBe('lab 2');
    expect(await r.freeName('lab 2')).toBe('lab 2 (2)');
    expect(await r.freeName('other')).toBe('other');
    expect(r.find(await r.read(), 'lab 2').id).toBe(lab.id);
    expect(() => r.find({ current: '', playgrounds: [] }, 'nope')).toThrow('no playground named "nope"');
    // Deleting the current one makes the first left current; deleting the last leaves an empty default.
    expect(await r.remove(lab.id)).toEqual({ current: DEFAULT_ID, playgrounds: [{ id: DEFAULT_ID, name: 'default', createdAt: 0 }] });
    const after = await r.remove(DEFAULT_ID);
    expect(after.playgrounds.map((p) => p.name)).toEqual(['default']);
    await expect(r.select('zzz')).rejects.toThrow('no playground with ID zzz');
  });

  it('keeps each playground in its own namespace, and delete forgets its records', async () => {
    const r = freshRegistry();
    const a = await r.create('a');
    const b = await r.create('b');
    const wa = await newWorld(1);
    const wb = await newWorld(2);
    await shellOn(wa)('etcdctl put only-in a');
    await shellOn(wb)('etcdctl put only-in b');
    await new Persister(wa, r.storeOf(a.id)).save();
    await new Persister(wb, r.storeOf(b.id)).save();
    expect(await shellOn(await reload(r, a.id))('etcdctl get only-in --print-value-only')).toBe('a\n');
    expect(await shellOn(await reload(r, b.id))('etcdctl get only-in --print-value-only')).toBe('b\n');
    expect(await loadWorld(r.storeOf(DEFAULT_ID))).toEqual({ kind: 'empty' });
    await r.remove(a.id);
    expect(await entries(r.storeOf(a.id))).toEqual([]);
    expect((await r.read()).playgrounds.map((p) => p.name)).toEqual(['default', 'b']);
  });

  it('a damaged registry reads as the default playground alone', async () => {
    const r = freshRegistry();
    await r.create('x');
    await set('registry', { current: 42, playgrounds: 'no' }, createStore(`playgrounds-test-${n}/${REGISTRY_DB}`, 'playgrounds'));
    expect((await r.read()).playgrounds.map((p) => p.id)).toEqual([DEFAULT_ID]);
  });
});

describe('what a save keeps besides the disks', () => {
  it('latency, drop rate, cut links, a partition and paused members survive a reload', async () => {
    const r = freshRegistry();
    const w = await newWorld(4);
    const sh = shellOn(w);
    const [a, b, c] = [...w.etcd.cluster.nodes.values()];
    await sh('latency 40');
    await sh('drop 0.01');
    await sh(`cut ${a!.name} ${c!.name}`);
    await sh(`pause ${b!.name}`);
    const p = new Persister(w, r.storeOf(DEFAULT_ID));
    await p.save();
    const before = captureNetwork(w.etcd.cluster);
    const meta = new Map(await entries<string, unknown>(r.storeOf(DEFAULT_ID))).get(META) as MetaRecord;
    expect(meta.network).toEqual(before);

    // A new partition alone, with no disk write and no time passing, still gets saved.
    w.etcd.cluster.network.partition([[c!.id]]);
    const saves = p.stats.saves;
    await p.save();
    expect(p.stats.saves).toBe(saves + 1);

    const got = await loadWorld(r.storeOf(DEFAULT_ID), { traceCapacity: 0 });
    if (got.kind !== 'restored') throw new Error(got.kind);
    const w2 = got.world;
    await w2.advance(10);
    expect(captureNetwork(w2.etcd.cluster)).toEqual(captureNetwork(w.etcd.cluster));
    expect(w2.etcd.cluster.network.getDefaults()).toMatchObject({ latencyMin: 40, latencyMax: 40, dropRate: 0.01 });
    expect([...w2.etcd.cluster.nodes.values()].map((x) => x.life)).toEqual(['running', 'paused', 'running']);
  });

  it('a format 1 save (no network record) loads with no faults', async () => {
    const r = freshRegistry();
    const w = await newWorld(6);
    await shellOn(w)('etcdctl put old format');
    await new Persister(w, r.storeOf(DEFAULT_ID)).save();
    const st = r.storeOf(DEFAULT_ID);
    const meta = new Map(await entries<string, unknown>(st)).get(META) as MetaRecord;
    const { network: _gone, ...v1 } = meta;
    await set(META, { ...v1, format: 1 }, st);
    const w2 = await reload(r, DEFAULT_ID);
    expect(captureNetwork(w2.etcd.cluster)).toMatchObject({ links: [], partition: null, cuts: [] });
    expect(await shellOn(w2)('etcdctl get old --print-value-only')).toBe('format\n');
  });

  it('an imported file stored as a new playground loads like any other', async () => {
    const r = freshRegistry();
    const w = await newWorld(8);
    await shellOn(w)('etcdctl put imported yes');
    w.fs.writeFile('/snap.db', new Uint8Array([1, 2]));
    const text = encodePlaygroundFile(fileOfWorld(w, 'shared lab'));
    const { file, world } = worldFromText(text, { traceCapacity: 0 });
    world.etcd.cluster.advanceTo(world.now());
    const entry = await r.create(await r.freeName(file.name));
    await new Persister(world, r.storeOf(entry.id)).save();
    const w2 = await reload(r, entry.id);
    expect(await shellOn(w2)('etcdctl get imported --print-value-only')).toBe('yes\n');
    expect(w2.fs.readFile('/snap.db')).toEqual(new Uint8Array([1, 2]));
    expect([...w2.etcd.cluster.nodes.values()].every((x) => x.life === 'running')).toBe(true);
  });
});
