// `etcd --data-dir DIR` on a data dir `etcdctl snapshot restore` made: the
// restored member bootstraps a new cluster from the snapshot's store, which
// opens as a new playground; the file handed to the page restarts with the
// snapshot's keys at their revisions.
import { describe, expect, it } from 'vitest';
import type { PlaygroundControl } from '../../src/terminal/shell/playgrounds.ts';
import { worldFromText } from '../../src/ui/persist/playground-io.ts';
import { harness } from './shell-helpers.ts';

function control(imported: { name: string; text: string }[]): PlaygroundControl {
  const no = () => Promise.reject(new Error('not here'));
  return {
    list: () => Promise.resolve({ current: 'default', playgrounds: [] }),
    create: no,
    open: no,
    rename: no,
    remove: no,
    reset: no,
    exportFile: () => 'x',
    importText: (name, text) => {
      imported.push({ name, text });
      return Promise.resolve();
    },
  };
}

describe('starting a restored data dir', () => {
  it('opens the restored cluster as a new playground with the snapshot keys', async () => {
    const imported: { name: string; text: string }[] = [];
    const h = await harness({ host: { getSpeed: () => 1, setSpeed: () => {}, playgrounds: control(imported) } });
    await h.run('etcdctl put a 1');
    await h.run('etcdctl put b 2');
    await h.run('etcdctl del a');
    expect((await h.run('etcdctl snapshot save snap.db')).status).toBe(0);
    expect((await h.run('etcdctl snapshot restore snap.db --data-dir restored')).status).toBe(0);
    expect((await h.run('etcd --name m1 --data-dir restored')).out).toContain('couldn\'t find local name "m1"');
    const r = await h.run('etcd --data-dir restored');
    expect(r.status).toBe(0);
    expect(r.out).toContain('opens as the new playground "restored"');
    expect(imported.map((i) => i.name)).toEqual(['restored']);

    const { world } = worldFromText(imported[0]!.text);
    const c = world.etcd.cluster;
    expect(c.runUntil(() => c.leader() !== undefined, 10_000)).toBe(true);
    expect([...c.members.values()].map((m) => [m.name, m.peerURLs])).toEqual([['default', ['http://localhost:2380']]]);
    c.advance(500);
    const kv = world.etcd.get(c.leader()!.id).sm.kv;
    const got = kv.range({ key: new TextEncoder().encode('a'), rangeEnd: new TextEncoder().encode('z') });
    expect(got.kvs.map((x) => [new TextDecoder().decode(x.key), x.modRevision])).toEqual([['b', 3]]);
    expect(got.header.revision).toBe(4);
  });

  it('needs the page to open a second cluster', async () => {
    const h = await harness();
    await h.run('etcdctl snapshot save snap.db');
    await h.run('etcdctl snapshot restore snap.db --data-dir r2');
    const r = await h.run('etcd --data-dir r2');
    expect(r.status).toBe(1);
    expect(r.out).toContain('needs the page');
  });
});
