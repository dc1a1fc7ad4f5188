// Progress notifications: the periodic ticker for progress_notify watchers
// (etcd's progressReportInterval, skipped after events) and on-demand
// progress requests (watch_id -1), which wait until every watcher of the
// stream is synced so that the revision they carry is a true bookmark.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROGRESS_INTERVAL_MS, type WatchResponse } from '../../src/engine/mvcc/watch.ts';
import { createReq, eventsOf, put, world } from './helpers.ts';

/** [watchId, header revision, event count] of each response. */
const brief = (rs: WatchResponse[]) => rs.map((r) => [r.watchId, r.header.revision, r.events.length]);

describe('progress notify (periodic)', () => {
  it('an idle synced watcher gets an empty response at the current revision every interval; others get none', () => {
    const w = world();
    put(w, 'x', '1');
    const s = w.stream({ now: 1000, progressIntervalMs: 100 });
    const notify = s.create(createReq({ key: 'k' }, { progressNotify: true }));
    s.create(createReq({ key: 'k' }));
    s.drain();
    s.progressNotify(1099);
    expect(s.drain()).toEqual([]);
    s.progressNotify(1100);
    expect(brief(s.drain())).toEqual([[notify, 2, 0]]);
    put(w, 'x', '2');
    s.progressNotify(1200);
    const [p] = s.drain();
    expect([p!.watchId, p!.header.revision, p!.created, p!.canceled, p!.events]).toEqual([notify, 3, false, false, []]);
  });

  it('the default interval is etcd\'s 10 minutes', () => {
    const w = world();
    const s = w.stream();
    s.create(createReq({ key: 'k' }, { progressNotify: true }));
    s.drain();
    expect(DEFAULT_PROGRESS_INTERVAL_MS).toBe(600_000);
    s.progressNotify(599_999);
    expect(s.drain()).toEqual([]);
    s.progressNotify(600_000);
    expect(s.drain()).toHaveLength(1);
  });

  it('a watcher that was sent events since the last tick skips one tick', () => {
    const w = world();
    const s = w.stream({ progressIntervalMs: 100 });
    const id = s.create(createReq({ key: 'k' }, { progressNotify: true }));
    s.drain();
    put(w, 'k', '1');
    expect(eventsOf(s.drain(), id)).toEqual(['PUT k=1@2']);
    s.progressNotify(100);
    expect(s.drain()).toEqual([]);
    s.progressNotify(200);
    expect(brief(s.drain())).toEqual([[id, 2, 0]]);
  });

  it('missed ticks do not pile up: one notification, and the ticker keeps its phase', () => {
    const w = world();
    const s = w.stream({ progressIntervalMs: 100 });
    s.create(createReq({ key: 'k' }, { progressNotify: true }));
    s.drain();
    s.progressNotify(1050);
    expect(s.drain()).toHaveLength(1);
    s.progressNotify(1099);
    expect(s.drain()).toHaveLength(0);
    s.progressNotify(1100);
    expect(s.drain()).toHaveLength(1);
  });

  it('an unsynced watcher gets no progress notification until it has caught up', () => {
    const w = world();
    put(w, 'k', '1');
    const s = w.stream({ progressIntervalMs: 100 });
    const id = s.create(createReq({ key: 'k' }, { startRevision: 1, progressNotify: true }));
    s.drain();
    s.progressNotify(100);
    expect(s.drain()).toEqual([]);
    w.ws.syncWatchers();
    expect(eventsOf(s.drain(), id)).toEqual(['PUT k=1@2']);
    s.progressNotify(200); // skipped: events went out since the last tick
    s.progressNotify(300);
    expect(brief(s.drain())).toEqual([[id, 2, 0]]);
  });

  it('a future watcher gets none while the store is below its start (#20221), then does', () => {
    const w = world();
    const s = w.stream({ progressIntervalMs: 100 });
    const id = s.create(createReq({ key: 'k' }, { startRevision: 4, progressNotify: true }));
    s.drain();
    put(w, 'x', '1'); // 2
    s.progressNotify(100);
    expect(s.drain()).toEqual([]);
    put(w, 'x', '2'); // 3: a bookmark at 3 resumes at 4, the start
    s.progressNotify(200);
    expect(brief(s.drain())).toEqual([[id, 3, 0]]);
  });

  it('the store drives every stream\'s ticker', () => {
    const w = world();
    const a = w.stream({ progressIntervalMs: 100 });
    const b = w.stream({ progressIntervalMs: 50 });
    a.create(createReq({ key: 'k' }, { progressNotify: true }));
    b.create(createReq({ key: 'k' }, { progressNotify: true }));
    a.drain();
    b.drain();
    w.ws.progressNotify(60);
    expect([a.drain().length, b.drain().length]).toEqual([0, 1]);
    w.ws.progressNotify(100);
    expect([a.drain().length, b.drain().length]).toEqual([1, 1]);
    a.close();
    w.ws.progressNotify(200);
    expect([a.drain().length, b.drain().length]).toEqual([0, 1]);
  });
});

describe('progress requests', () => {
  it('on a stream without watchers: answered at once with watch_id -1 (observed)', () => {
    const w = world();
    put(w, 'k', '1');
    const s = w.stream();
    s.requestProgress();
    const [r] = s.drain();
    expect([r!.watchId, r!.header.revision, r!.created, r!.canceled, r!.events.length]).toEqual([-1, 2, false, false, 0]);
  });

  it('with all watchers synced: watch_id -1 at the current revision, after the events already queued', () => {
    const w = world();
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }));
    put(w, 'k', '1');
    put(w, 'k', '2');
    s.requestProgress();
    expect(brief(s.drain().slice(1))).toEqual([
      [id, 2, 1],
      [id, 3, 1],
      [-1, 3, 0],
    ]);
  });

  it('with a watcher catching up: deferred until it is synced, then after its events; repeated requests give one answer', () => {
    const w = world({ watch: { watchBatchMaxRevs: 2 } });
    for (let i = 0; i < 5; i++) put(w, 'k', `${i}`); // 2..6
    const s = w.stream();
    const synced = s.create(createReq({ key: 'k' }));
    const behind = s.create(createReq({ key: 'k' }, { startRevision: 2 }));
    s.requestProgress();
    s.requestProgress();
    expect(brief(s.drain())).toEqual([
      [synced, 6, 0],
      [behind, 6, 0],
    ]);
    w.ws.syncWatchers();
    expect(brief(s.drain())).toEqual([[behind, 6, 2]]);
    put(w, 'k', 'new'); // 7: the synced watcher gets it; the other is still behind
    w.ws.syncWatchers();
    w.ws.syncWatchers();
    expect(brief(s.drain())).toEqual([
      [synced, 7, 1],
      [behind, 7, 2],
      [behind, 7, 2],
      [-1, 7, 0],
    ]);
    expect(s.drain()).toEqual([]);
  });

  it('a victim holds the answer back until its events are out', () => {
    const w = world();
    const s = w.stream({ chanBufLen: 1 });
    const id = s.create(createReq({ key: 'k' }));
    s.drain();
    put(w, 'k', '1');
    put(w, 'k', '2'); // victim
    s.requestProgress();
    expect(brief(s.drain())).toEqual([[id, 2, 1]]);
    w.ws.moveVictims();
    w.ws.syncWatchers();
    expect(brief(s.drain())).toEqual([
      [id, 3, 1],
      [-1, 3, 0],
    ]);
  });

  it('a watcher canceled by compaction does not hold the answer back', () => {
    const w = world();
    put(w, 'k', '1');
    put(w, 'k', '2');
    w.kv.compact(3);
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }, { startRevision: 1 }));
    w.ws.syncWatchers();
    s.requestProgress();
    expect(brief(s.drain())).toEqual([
      [id, 3, 0],
      [id, 0, 0],
      [-1, 3, 0],
    ]);
  });
});
