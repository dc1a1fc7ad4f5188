// The plain listing of watchers the pictures read: what each watches, from
// which revision, how far it has been sent, and whether it is catching up.
import { describe, expect, it } from 'vitest';
import { createReq, put, pump, world } from './helpers.ts';

describe('describeWatchers', () => {
  it('lists synced and catching-up watchers with their ranges and revisions', () => {
    const w = world();
    for (let i = 0; i < 5; i++) put(w, `k${i}`, `v${i}`);
    const s = w.stream();
    s.create(createReq({ key: 'k1' }));
    s.create(createReq({ key: 'k', end: 'l' }, { startRevision: 2 }));
    const before = w.ws.describeWatchers();
    expect(before.map((x) => [x.id, x.key, x.end, x.startRev, x.nextRev, x.state])).toEqual([
      [0, 'k1', undefined, 7, 7, 'synced'],
      [1, 'k', 'l', 2, 2, 'unsynced'],
    ]);
    pump(w.ws, [s]);
    expect(w.ws.describeWatchers()[1]).toMatchObject({ state: 'synced', nextRev: 7 });
  });
});
