import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/engine/cluster/cluster.ts';
import { buildStrips, stripWindow, termColour } from '../../src/ui/model/log-strip.ts';
import type { RaftLogView } from '../../src/ui/model/raft-view.ts';
import { snapshotRaftLogs } from '../../src/ui/model/raft-view.ts';
import { linkStatus, partitionPreset, snapshotLinks } from '../../src/ui/model/links.ts';

function log(over: Partial<RaftLogView>): RaftLogView {
  return {
    id: 'a',
    name: 'a',
    up: true,
    firstIndex: 1,
    lastIndex: 0,
    stableIndex: 0,
    snapshotIndex: 0,
    commit: 0,
    applied: 0,
    term: 1,
    entries: [],
    progress: undefined,
    ...over,
  };
}
const ents = (terms: number[], from = 1) => terms.map((term, i) => ({ index: from + i, term, kind: 'normal' as const, bytes: 3 }));

describe('log strips', () => {
  it('windows the newest indices across members', () => {
    expect(stripWindow([log({ lastIndex: 3 }), log({ lastIndex: 50 })], 40)).toEqual({ lo: 11, hi: 50 });
    expect(stripWindow([], 40)).toEqual({ lo: 1, hi: 1 });
  });

  it('marks applied, committed, pending, compacted and missing entries', () => {
    const l = log({ firstIndex: 3, snapshotIndex: 2, lastIndex: 6, stableIndex: 5, commit: 5, applied: 4, entries: ents([1, 1, 2, 2], 3) });
    const m = buildStrips([l], 8);
    expect(m.rows[0]!.cells.map((c) => c.state)).toEqual(['snapshot', 'snapshot', 'applied', 'applied', 'committed', 'pending']);
    expect(m.rows[0]!.cells[5]!.unstable).toBe(true);
    const wide = buildStrips([l, log({ id: 'b', lastIndex: 8, firstIndex: 1, entries: ents([1, 1, 1, 1, 1, 1, 1, 1]) })], 8);
    expect(wide.rows[0]!.cells[7]!.state).toBe('empty');
  });

  it('flags entries that differ from the leader', () => {
    const lead = log({ id: 'L', lastIndex: 3, commit: 3, applied: 3, stableIndex: 3, entries: ents([1, 2, 2]) });
    const stale = log({ id: 'F', lastIndex: 3, commit: 1, applied: 1, stableIndex: 3, entries: ents([1, 1, 1]) });
    const m = buildStrips([lead, stale], 10, 'L');
    expect(m.rows[1]!.cells.map((c) => c.diverged)).toEqual([false, true, true]);
    expect(m.rows[0]!.cells.every((c) => !c.diverged)).toBe(true);
  });

  it('gives neighbouring terms different colours', () => {
    expect(termColour(1)).not.toBe(termColour(2));
    expect(termColour(3)).toMatch(/^hsl\(/);
  });
});

describe('snapshots of a running cluster', () => {
  it('copies every log and the leader progress', () => {
    const c = new Cluster({ seed: 5, nodes: 3, snapshotCount: 5, snapshotCatchUpEntries: 2 });
    c.runUntil(() => c.leader() !== undefined, 10_000);
    const lead = c.leader()!;
    for (let i = 0; i < 12; i++) c.propose(lead.id, new Uint8Array([i]));
    c.advance(500);
    const logs = snapshotRaftLogs(c, 10);
    expect(logs).toHaveLength(3);
    const l = logs.find((x) => x.id === lead.id)!;
    expect(l.progress).toHaveLength(3);
    expect(l.progress!.every((p) => p.state === 'replicate')).toBe(true);
    expect(l.entries.length).toBeLessThanOrEqual(10);
    expect(l.entries[l.entries.length - 1]!.index).toBe(l.lastIndex);
    expect(l.snapshotIndex).toBeGreaterThan(0);
    expect(logs.filter((x) => x.progress).length).toBe(1);
    // Plain data: survives a structured clone.
    expect(structuredClone(logs)).toEqual(logs);

    c.crash(lead.id);
    const down = snapshotRaftLogs(c, 10).find((x) => x.id === lead.id)!;
    expect(down.up).toBe(false);
    expect(down.entries.length).toBeGreaterThan(0);
  });

  it('reports cut and partitioned links', () => {
    const c = new Cluster({ seed: 1, nodes: 3 });
    const [a, b, d] = [...c.nodes.keys()] as [string, string, string];
    c.network.cut(a, b);
    let links = snapshotLinks(c);
    expect(links.map(linkStatus)).toEqual(['one-way', 'up', 'up']);
    c.network.partition(partitionPreset('isolate-leader', [a, b, d], d));
    links = snapshotLinks(c);
    expect(links.find((l) => l.a === a && l.b === d)!.ab).toBe('partition');
    expect(linkStatus(links.find((l) => l.a === a && l.b === b)!)).toBe('one-way');
  });

  it('builds partition presets', () => {
    const ids = ['1', '2', '3', '4', '5'];
    expect(partitionPreset('isolate-leader', ids, '3')).toEqual([['3']]);
    expect(partitionPreset('minority-leader', ids, '3')).toEqual([['3', '1']]);
    expect(partitionPreset('split-halves', ids, undefined)).toEqual([['1', '2', '3']]);
    expect(partitionPreset('isolate-leader', [], undefined)).toEqual([]);
  });
});
