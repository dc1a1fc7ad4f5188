import { describe, expect, it } from 'vitest';
import { Shell } from '../../src/terminal/shell/shell.ts';
import { describeRange, ownerTab, prefixEnd, readWatches, sentEvents, showKey } from '../../src/ui/model/watches.ts';
import { harness } from '../terminal/shell-helpers.ts';

describe('watch ranges', () => {
  it('names keys, prefixes, ranges and open ends as etcdctl would', () => {
    expect(prefixEnd('/app/')).toBe('/app0');
    expect(prefixEnd('a\xff')).toBe('b');
    expect(describeRange('k', undefined)).toBe('key "k"');
    expect(describeRange('/app/', '/app0')).toBe('prefix "/app/"');
    expect(describeRange('a', 'c')).toBe('range ["a", "c")');
    expect(describeRange('a', '')).toBe('keys from "a"');
    expect(describeRange('\0', '')).toBe('every key');
    expect(showKey('\xc3\xa9')).toBe('é');
  });

  it('keeps the events a watcher was sent: in its range, from its start, below its next revision', () => {
    const w = { id: 0, key: 'a', end: 'c', startRev: 3, nextRev: 6, state: 'synced' as const };
    const evs = [2, 3, 4, 5, 6].map((rev) => ({ rev, type: 'PUT' as const, key: rev === 4 ? 'z' : 'b' }));
    expect(sentEvents(w, evs).map((e) => e.rev)).toEqual([3, 5]);
    expect(sentEvents(w, evs, 1).map((e) => e.rev)).toEqual([5]);
  });

  it('matches a watcher to the tab running its etcdctl watch', () => {
    const w = { id: 0, key: '/app/', end: '/app0', startRev: 1, nextRev: 1, state: 'synced' as const };
    expect(ownerTab(w, [{ tab: 1, line: 'etcdctl put /app/ x' }, { tab: 2, line: 'etcdctl watch --prefix "/app/"' }])).toBe(2);
    expect(ownerTab(w, [{ tab: 3, line: 'etcdctl watch /other' }])).toBeUndefined();
  });
});

describe('readWatches', () => {
  it('shows a running watch, its state and the events it got', async () => {
    const h = await harness({ seed: 2 });
    const etcd0 = [...h.world.etcd.cluster.nodes.values()].find((n) => n.name === 'etcd0')!;
    const sm = h.world.etcd.get(etcd0.id).sm;
    expect(readWatches(sm).watchers).toEqual([]);
    let out = '';
    const other = new Shell(h.world, { out: { write: (d) => (out += typeof d === 'string' ? d : new TextDecoder().decode(d)) } });
    const line = 'etcdctl watch --prefix /app/';
    void other.run(line);
    await h.world.advance(200);
    await h.run('etcdctl put /app/a 1');
    await h.run('etcdctl put /other 2');
    await h.run('etcdctl del /app/a');
    await h.world.advance(200);
    expect(out).toContain('PUT\n/app/a\n1\nDELETE\n/app/a\n');
    const d = readWatches(sm, [{ tab: 2, line }]);
    expect(d.watchers).toHaveLength(1);
    const w = d.watchers[0]!;
    expect(w).toMatchObject({ what: 'prefix "/app/"', state: 'synced', tab: 2, nextRev: d.rev + 1 });
    expect(w.events.map((e) => `${e.type} ${e.key}@${e.rev}`)).toEqual([`PUT /app/a@${d.rev - 2}`, `DELETE /app/a@${d.rev}`]);
    other.interrupt();
  });
});
