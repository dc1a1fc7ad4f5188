// Watch basics: created/event responses, key/prefix/range/from-key watchers,
// start revisions (now, past, future), prevKv and isCreate, filters, watch IDs
// per stream, refused creates, cancel and close. Where a case says "observed",
// the expected values are what a real etcd 3.4.23 sent (through its JSON gateway).
import { describe, expect, it } from 'vitest';
import {
  ErrEmptyWatcherRange,
  ErrGRPCPermissionDenied,
  ErrWatcherDuplicateID,
  ErrWatcherNotExist,
  type WatchResponse,
} from '../../src/engine/mvcc/watch.ts';
import { b, createReq, del, ev, eventsOf, put, settle, t, world } from './helpers.ts';

const kvOf = (kv: { key: Uint8Array; value: Uint8Array; createRevision: number; modRevision: number; version: number } | undefined) =>
  kv === undefined ? undefined : [t(kv.key), t(kv.value), kv.createRevision, kv.modRevision, kv.version];

/** A response without its header ids, for compact comparisons. */
const shape = (r: WatchResponse) => ({
  id: r.watchId,
  rev: r.header.revision,
  created: r.created,
  canceled: r.canceled,
  compact: r.compactRevision,
  reason: r.cancelReason,
  fragment: r.fragment,
  events: r.events.map(ev),
});

describe('created and event responses', () => {
  it('a from-now watch: created at the current revision, then one response per write (observed)', () => {
    const w = world();
    put(w, 'x', '1');
    const s = w.stream();
    expect(s.create(createReq({ key: 'foo' }))).toBe(0);
    put(w, 'foo', '1');
    put(w, 'other', '1');
    put(w, 'foo', '2');
    expect(s.drain().map(shape)).toEqual([
      { id: 0, rev: 2, created: true, canceled: false, compact: 0, reason: '', fragment: false, events: [] },
      { id: 0, rev: 3, created: false, canceled: false, compact: 0, reason: '', fragment: false, events: ['PUT foo=1@3'] },
      { id: 0, rev: 5, created: false, canceled: false, compact: 0, reason: '', fragment: false, events: ['PUT foo=2@5'] },
    ]);
    expect(s.drain()).toEqual([]);
  });

  it('the header comes from the server: cluster, member and term filled in', () => {
    const w = world();
    const s = w.stream({ header: (revision) => ({ clusterId: 'cafe', memberId: 'beef', revision, raftTerm: 7 }) });
    s.create(createReq({ key: 'k' }));
    put(w, 'k', 'v');
    expect(s.drain().map((r) => r.header)).toEqual([
      { clusterId: 'cafe', memberId: 'beef', revision: 1, raftTerm: 7 },
      { clusterId: 'cafe', memberId: 'beef', revision: 2, raftTerm: 7 },
    ]);
  });

  it('catch-up from rev 1 with prevKv: one response at the current revision, DELETE carries only key and revision (observed)', () => {
    const w = world();
    put(w, 'foo', 'a');
    put(w, 'foo', 'b');
    put(w, 'bar', 'c');
    del(w, 'foo');
    const s = w.stream();
    s.create(createReq({ key: 'foo' }, { startRevision: 1, prevKv: true }));
    const created = s.drain();
    expect(created.map(shape)).toEqual([{ id: 0, rev: 5, created: true, canceled: false, compact: 0, reason: '', fragment: false, events: [] }]);
    w.ws.syncWatchers();
    const [r] = s.drain();
    expect(r!.header.revision).toBe(5);
    expect(r!.events.map(ev)).toEqual(['PUT foo=a@2', 'PUT foo=b@3', 'DELETE foo@5']);
    expect(r!.events.map((e) => kvOf(e.prevKv))).toEqual([undefined, ['foo', 'a', 2, 2, 1], ['foo', 'b', 2, 3, 2]]);
    const del5 = r!.events[2]!.kv;
    expect([t(del5.key), t(del5.value), del5.createRevision, del5.modRevision, del5.version]).toEqual(['foo', '', 0, 5, 0]);
  });
});

describe('what a watcher covers', () => {
  const writeAll = (w: ReturnType<typeof world>) => {
    for (const k of ['a', 'b', 'c', 'p', 'p/x', 'p/y', 'q', 'z']) put(w, k, '1');
  };
  const keysSeen = (rs: WatchResponse[], id: number) => eventsOf(rs, id).map((e) => e.split(' ')[1]!.split('=')[0]);

  it('a key, a range [a, c), a prefix, from-key, and everything', () => {
    const w = world();
    const s = w.stream();
    const one = s.create(createReq({ key: 'p' }));
    const range = s.create(createReq({ key: 'a', end: 'c' }));
    const prefix = s.create(createReq({ key: 'p/', end: 'p0' }));
    const fromKey = s.create(createReq({ key: 'p/y', end: '\0' }));
    const all = s.create({ key: new Uint8Array(0), rangeEnd: new Uint8Array([0]) });
    writeAll(w);
    const rs = s.drain();
    expect(keysSeen(rs, one)).toEqual(['p']);
    expect(keysSeen(rs, range)).toEqual(['a', 'b']);
    expect(keysSeen(rs, prefix)).toEqual(['p/x', 'p/y']);
    expect(keysSeen(rs, fromKey)).toEqual(['p/y', 'q', 'z']);
    expect(keysSeen(rs, all)).toEqual(['a', 'b', 'c', 'p', 'p/x', 'p/y', 'q', 'z']);
  });

  it('an empty key alone watches the key "\\0", not everything (observed: no events)', () => {
    const w = world();
    const s = w.stream();
    const id = s.create({ key: new Uint8Array(0) });
    writeAll(w);
    w.kv.put({ key: new Uint8Array([0]), value: b('zero') });
    expect(eventsOf(s.drain(), id)).toEqual(['PUT \0=zero@10']);
  });

  it('a txn touching several watched keys is one response, in the txn\'s op order (observed)', () => {
    const w = world();
    put(w, 'k2', 'y');
    const s = w.stream();
    const id = s.create(createReq({ key: 'k', end: '\0' }, { prevKv: true }));
    w.kv.txn({
      success: [
        { requestPut: { key: b('k3'), value: b('1') } },
        { requestPut: { key: b('k4'), value: b('2') } },
        { requestDeleteRange: { key: b('k2') } },
      ],
    });
    const rs = s.drain().filter((r) => !r.created);
    expect(rs).toHaveLength(1);
    expect(rs[0]!.watchId).toBe(id);
    expect(rs[0]!.events.map(ev)).toEqual(['PUT k3=1@3', 'PUT k4=2@3', 'DELETE k2@3']);
    expect(rs[0]!.events.map((e) => kvOf(e.prevKv))).toEqual([undefined, undefined, ['k2', 'y', 2, 2, 1]]);
  });
});

describe('start revisions', () => {
  it('0 means from now: earlier history is not sent', () => {
    const w = world();
    put(w, 'k', '1');
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }, { startRevision: 0 }));
    settle(w.ws);
    put(w, 'k', '2');
    expect(eventsOf(s.drain(), id)).toEqual(['PUT k=2@3']);
  });

  it('the current revision itself is history: its event comes by catch-up', () => {
    const w = world();
    put(w, 'k', '1');
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }, { startRevision: 2 }));
    expect(eventsOf(s.drain(), id)).toEqual([]);
    w.ws.syncWatchers();
    expect(eventsOf(s.drain(), id)).toEqual(['PUT k=1@2']);
  });

  it('a future revision: writes before it are not sent, writes from it are (observed with start 8)', () => {
    const w = world();
    const s = w.stream();
    const id = s.create(createReq({ key: 'k', end: '\0' }, { startRevision: 4 }));
    put(w, 'k1', 'x'); // 2
    put(w, 'k2', 'y'); // 3
    del(w, 'k1'); // 4
    put(w, 'k5', 'z'); // 5
    settle(w.ws);
    expect(eventsOf(s.drain(), id)).toEqual(['DELETE k1@4', 'PUT k5=z@5']);
  });

  it('current + 1 explicitly is the same as from now', () => {
    const w = world();
    put(w, 'k', '1');
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }, { startRevision: 3 }));
    expect(w.ws.synced.size).toBe(1);
    put(w, 'k', '2');
    expect(eventsOf(s.drain(), id)).toEqual(['PUT k=2@3']);
  });
});

describe('prevKv and isCreate', () => {
  it('prevKv is the version before the write; a DELETE\'s prevKv is the deleted kv; create_revision == mod_revision on creation', () => {
    const w = world();
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }, { prevKv: true }));
    put(w, 'k', 'v1'); // 2: create
    put(w, 'k', 'v2'); // 3
    del(w, 'k'); // 4
    put(w, 'k', 'v3'); // 5: created again
    const evs = s.drain().flatMap((r) => r.events);
    expect(evs.map((e) => [e.type, kvOf(e.kv), kvOf(e.prevKv)])).toEqual([
      ['PUT', ['k', 'v1', 2, 2, 1], undefined],
      ['PUT', ['k', 'v2', 2, 3, 2], ['k', 'v1', 2, 2, 1]],
      ['DELETE', ['k', '', 0, 4, 0], ['k', 'v2', 2, 3, 2]],
      ['PUT', ['k', 'v3', 5, 5, 1], undefined],
    ]);
    // isCreate holds exactly for the two creations.
    expect(evs.map((e) => e.type === 'PUT' && e.kv.createRevision === e.kv.modRevision)).toEqual([true, false, false, true]);
    expect(id).toBe(0);
  });

  it('without prevKv no event carries one, even though the store knows it', () => {
    const w = world();
    const s = w.stream();
    s.create(createReq({ key: 'k' }));
    put(w, 'k', 'v1');
    put(w, 'k', 'v2');
    del(w, 'k');
    const evs = s.drain().flatMap((r) => r.events);
    expect(evs).toHaveLength(3);
    expect(evs.filter((e) => e.prevKv !== undefined)).toEqual([]);
  });

  it('prevKv is read when the response is sent: compacted away by then, the event goes without it', () => {
    const w = world();
    const s = w.stream();
    s.create(createReq({ key: 'k' }, { prevKv: true }));
    put(w, 'k', 'v1'); // 2
    put(w, 'k', 'v2'); // 3
    put(w, 'k', 'v3'); // 4
    w.kv.compact(3); // revision 2 is gone; 3 is still readable
    const evs = s.drain().flatMap((r) => r.events);
    expect(evs.map((e) => [ev(e), kvOf(e.prevKv)])).toEqual([
      ['PUT k=v1@2', undefined],
      ['PUT k=v2@3', undefined],
      ['PUT k=v3@4', ['k', 'v2', 2, 3, 2]],
    ]);
  });
});

describe('filters', () => {
  const run = (filters: ('NOPUT' | 'NODELETE')[]) => {
    const w = world();
    put(w, 'k2', 'y');
    const s = w.stream();
    const id = s.create(createReq({ key: 'k', end: '\0' }, { filters }));
    put(w, 'k1', 'x'); // 3
    del(w, 'k1'); // 4
    w.kv.txn({ success: [{ requestPut: { key: b('k3'), value: b('1') } }, { requestDeleteRange: { key: b('k2') } }] }); // 5
    put(w, 'k5', 'z'); // 6
    return s.drain().filter((r) => r.watchId === id && !r.created);
  };

  it('NOPUT: only deletes; a response whose events are all filtered is not sent at all (observed)', () => {
    expect(run(['NOPUT']).map((r) => r.events.map(ev))).toEqual([['DELETE k1@4'], ['DELETE k2@5']]);
  });

  it('NODELETE: only puts', () => {
    expect(run(['NODELETE']).map((r) => r.events.map(ev))).toEqual([['PUT k1=x@3'], ['PUT k3=1@5'], ['PUT k5=z@6']]);
  });

  it('both filters: nothing', () => {
    expect(run(['NOPUT', 'NODELETE'])).toEqual([]);
  });

  it('filters apply to catch-up too', () => {
    const w = world();
    put(w, 'k', '1');
    del(w, 'k');
    put(w, 'k', '2');
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }, { startRevision: 1, filters: ['NODELETE'] }));
    settle(w.ws);
    expect(eventsOf(s.drain(), id)).toEqual(['PUT k=1@2', 'PUT k=2@4']);
  });
});

describe('watch IDs', () => {
  it('are per stream, from 0; a second stream starts at 0 again', () => {
    const w = world();
    const s1 = w.stream();
    const s2 = w.stream();
    expect([s1.create(createReq({ key: 'a' })), s1.create(createReq({ key: 'a' })), s1.create(createReq({ key: 'b' }))]).toEqual([0, 1, 2]);
    expect(s2.create(createReq({ key: 'a' }))).toBe(0);
    put(w, 'a', '1');
    expect(s1.drain().filter((r) => !r.created).map((r) => r.watchId)).toEqual([0, 1]);
    expect(s2.drain().filter((r) => !r.created).map((r) => r.watchId)).toEqual([0]);
  });

  it('a client-chosen ID in use is refused: created + canceled, watch_id -1, etcd\'s reason; auto IDs skip chosen ones (observed)', () => {
    const w = world();
    const s = w.stream();
    expect(s.create(createReq({ key: 'foo' }, { watchId: 5 }))).toBe(5);
    expect(s.create(createReq({ key: 'bar' }, { watchId: 5 }))).toBe(-1);
    expect(s.create(createReq({ key: 'bar' }))).toBe(0);
    expect(s.create(createReq({ key: 'bar' }))).toBe(1);
    expect(s.create(createReq({ key: 'bar' }, { watchId: 2 }))).toBe(2);
    expect(s.create(createReq({ key: 'bar' }))).toBe(3);
    const rs = s.drain().map(shape);
    expect(rs[1]).toEqual({ id: -1, rev: 1, created: true, canceled: true, compact: 0, reason: ErrWatcherDuplicateID, fragment: false, events: [] });
    expect(ErrWatcherDuplicateID).toBe('mvcc: duplicate watch ID provided on the WatchStream');
    expect(rs.map((r) => r.id)).toEqual([5, -1, 0, 1, 2, 3]);
    expect(w.ws.watcherCount()).toBe(5);
  });

  it('a canceled ID can be chosen again', () => {
    const w = world();
    const s = w.stream();
    s.create(createReq({ key: 'a' }, { watchId: 7 }));
    s.cancel(7);
    expect(s.create(createReq({ key: 'b' }, { watchId: 7 }))).toBe(7);
    put(w, 'a', '1');
    put(w, 'b', '1');
    expect(eventsOf(s.drain(), 7)).toEqual(['PUT b=1@3']);
  });
});

describe('refused creates', () => {
  it('an empty range (key >= range_end) is refused with etcd\'s reason (observed for b..a and b..b)', () => {
    const w = world();
    const s = w.stream();
    expect(s.create(createReq({ key: 'b', end: 'a' }))).toBe(-1);
    expect(s.create(createReq({ key: 'b', end: 'b' }))).toBe(-1);
    expect(s.drain().map((r) => [r.watchId, r.created, r.canceled, r.cancelReason])).toEqual([
      [-1, true, true, 'mvcc: watcher range is empty'],
      [-1, true, true, ErrEmptyWatcherRange],
    ]);
    expect(w.ws.watcherCount()).toBe(0);
  });

  it('the auth check refuses with permission denied and the requested watch ID', () => {
    const w = world();
    const s = w.stream({ permitted: (key) => t(key).startsWith('pub/') });
    expect(s.create(createReq({ key: 'secret' }, { watchId: 3 }))).toBe(-1);
    expect(s.create(createReq({ key: 'pub/x' }))).toBe(0);
    expect(s.drain().map((r) => [r.watchId, r.canceled, r.cancelReason])).toEqual([
      [3, true, ErrGRPCPermissionDenied],
      [0, false, ''],
    ]);
  });
});

describe('cancel', () => {
  it('events already queued go out, then canceled at the current revision, then nothing more', () => {
    const w = world();
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }));
    put(w, 'k', '1');
    put(w, 'k', '2');
    expect(s.cancel(id)).toBe(true);
    put(w, 'k', '3');
    expect(s.drain().map(shape).slice(1)).toEqual([
      { id, rev: 2, created: false, canceled: false, compact: 0, reason: '', fragment: false, events: ['PUT k=1@2'] },
      { id, rev: 3, created: false, canceled: false, compact: 0, reason: '', fragment: false, events: ['PUT k=2@3'] },
      { id, rev: 3, created: false, canceled: true, compact: 0, reason: '', fragment: false, events: [] },
    ]);
    expect(w.ws.watcherCount()).toBe(0);
  });

  it('an unknown or already canceled ID gets no response (observed)', () => {
    const w = world();
    const s = w.stream();
    expect(s.cancel(7)).toBe(false);
    expect(s.cancelOrError(7)).toBe(ErrWatcherNotExist);
    const id = s.create(createReq({ key: 'k' }));
    expect(s.cancel(id)).toBe(true);
    expect(s.cancel(id)).toBe(false);
    expect(s.drain().map((r) => [r.watchId, r.created, r.canceled])).toEqual([
      [0, true, false],
      [0, false, true],
    ]);
  });

  it('canceling an unsynced watcher stops its catch-up', () => {
    const w = world();
    put(w, 'k', '1');
    const s = w.stream();
    const id = s.create(createReq({ key: 'k' }, { startRevision: 1 }));
    s.cancel(id);
    settle(w.ws);
    expect(eventsOf(s.drain(), id)).toEqual([]);
    expect(w.ws.watcherCount()).toBe(0);
  });

  it('closing a stream removes its watchers from the store; other streams go on', () => {
    const w = world();
    const s1 = w.stream();
    const s2 = w.stream();
    s1.create(createReq({ key: 'k' }));
    s1.create(createReq({ key: 'k' }, { startRevision: 1 }));
    s2.create(createReq({ key: 'k' }));
    expect(w.ws.watcherCount()).toBe(3);
    s1.close();
    expect(w.ws.watcherCount()).toBe(1);
    put(w, 'k', '1');
    expect(s1.drain()).toEqual([]);
    expect(eventsOf(s2.drain(), 0)).toEqual(['PUT k=1@2']);
    expect(s1.create(createReq({ key: 'k' }))).toBe(-1);
  });

  it('the request oneof dispatches create, cancel and progress', () => {
    const w = world();
    const s = w.stream();
    s.request({ createRequest: createReq({ key: 'k' }) });
    s.request({ cancelRequest: { watchId: 0 } });
    s.request({ progressRequest: {} });
    expect(s.drain().map((r) => [r.watchId, r.created, r.canceled])).toEqual([
      [0, true, false],
      [0, false, true],
      [-1, false, false],
    ]);
  });
});
