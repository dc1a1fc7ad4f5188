// The shipped scenarios are valid, replay what their descriptions promise,
// and replay it identically every time (same leaders, terms and screens).
import { describe, expect, it } from 'vitest';
import { replayHeadless } from '../../src/ui/share/replay.ts';
import { SCENARIOS } from '../../src/ui/share/scenarios/index.ts';
import { parseScript } from '../../src/ui/share/script.ts';

const byId = (id: string) => {
  const s = SCENARIOS.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s.scenario;
};

describe('the shipped scenarios', () => {
  it('are all there, valid, with a title, a description and a script that parses', () => {
    expect(SCENARIOS.map((s) => s.id)).toEqual([
      'leader-failover',
      'split-vote',
      'minority-partition',
      'stale-serializable-read',
      'lease-expiry-watchers',
      'learner-promotion',
      'snapshot-catch-up',
    ]);
    for (const { scenario } of SCENARIOS) {
      expect(scenario.title).toBeTruthy();
      expect(scenario.description).toBeTruthy();
      expect(parseScript(scenario.script).ok).toBe(true);
    }
  });

  it('leader failover: a new leader in a higher term, the key survives', async () => {
    const r = await replayHeadless(byId('leader-failover'));
    expect(r.leaders.map((l) => [l.leader, l.term])).toEqual([
      ['etcd1', 2],
      ['etcd2', 3],
    ]);
    expect(r.screens[0]).toMatch(/get greeting\ngreeting\nhello\n/);
  });

  it('split vote: one term passes without a leader', async () => {
    const r = await replayHeadless(byId('split-vote'));
    const [first, next] = r.leaders;
    expect(first?.term).toBe(2);
    expect(next!.term).toBeGreaterThanOrEqual(first!.term + 2);
  });

  it('minority partition: the majority elects, the old leader times out then follows', async () => {
    const r = await replayHeadless(byId('minority-partition'), { tailMs: 2000 });
    expect(r.leaders.map((l) => l.leader)).toEqual(['etcd2', 'etcd1']);
    expect(r.screens[0]).toMatch(/--command-timeout=2s put color red\nError: context deadline exceeded\n/);
    expect(r.screens[0]).toMatch(/32379 get color\ncolor\nblue\n/);
    expect(r.screens[0]).toMatch(/heal[\s\S]*etcd2 .* follower {2}3 /);
  });

  it('stale serializable read: the isolated follower answers with the old value', async () => {
    const r = await replayHeadless(byId('stale-serializable-read'), { tailMs: 2000 });
    expect(r.screens[0]).toMatch(/22379 get balance --consistency=s\nbalance\n100\n/);
    expect(r.screens[0]).toMatch(/get balance --command-timeout=2s\nError: context deadline exceeded\n/);
    expect(r.screens[0]).toMatch(/heal[\s\S]*get balance --consistency=s\nbalance\n50\n/);
  });

  it('lease expiry: both watchers see the put and the delete', async () => {
    const r = await replayHeadless(byId('lease-expiry-watchers'), { tailMs: 1000 });
    expect(r.screens).toHaveLength(4);
    for (const w of [r.screens[1], r.screens[2]]) expect(w).toMatch(/PUT\nsession\nalive\nDELETE\nsession\n/);
    expect(r.screens[3]).toMatch(/already expired/);
  });

  it('learner promotion: a learner, then a voter', async () => {
    const r = await replayHeadless(byId('learner-promotion'));
    expect(r.screens[0]).toMatch(/\| c584e87f8dc04240 \| started \| etcd3 \|.*\|\s+true \|/);
    expect(r.screens[0]).toMatch(/Member c584e87f8dc04240 promoted in cluster/);
    expect(r.screens[0]).toMatch(/etcd3 {2}c584e87f8dc04240 {2}running {2}follower/);
  });

  it('snapshot catch-up: the restarted follower gets a snapshot', async () => {
    const s = byId('snapshot-catch-up');
    const r = await replayHeadless(s, { tailMs: 1000 });
    const snaps = r.world.etcd.cluster.trace.records().filter((x) => x.kind === 'log' && /snapshot/i.test(x.text) && /etcd1|ddd67b312462fd7b/.test(x.text)).length;
    expect(r.screens[0]).toMatch(/get k35 --consistency=s\nk35\nv35\n/);
    expect(snaps).toBeGreaterThan(0);
  });

  it('replays identically', async () => {
    const s = byId('split-vote');
    const a = await replayHeadless(s);
    const b = await replayHeadless(s);
    expect(b.leaders).toEqual(a.leaders);
    expect(b.screens).toEqual(a.screens);
    expect(b.world.now()).toBe(a.world.now());
  });
});
