// Slow consumers: a stream's channel holds chanBufLen responses (etcd: 128);
// a watcher whose response does not fit becomes a victim holding its events,
// retried by moveVictims, then caught up, with nothing lost or duplicated.
import { describe, expect, it } from 'vitest';
import { CHAN_BUF_LEN, type WatchResponse } from '../../src/engine/mvcc/watch.ts';
import {
  createReq,
  eventsOf,
  expected,
  ofWatch,
  orderedViolations,
  prng,
  pump,
  put,
  randomWrite,
  uniqueViolations,
  world,
  type Range,
} from './helpers.ts';

describe('victims', () => {
  it('the default channel holds 128 responses; the 129th write makes the watcher a victim', () => {
    const w = world();
    const s = w.stream();
    s.drain();
    const id = s.create(createReq({ key: 'k' }));
    for (let i = 0; i < CHAN_BUF_LEN; i++) put(w, 'k', `${i}`);
    expect([s.channelLength, w.ws.slowWatcherCount()]).toEqual([128, 0]);
    put(w, 'k', 'overflow');
    expect([s.channelLength, w.ws.slowWatcherCount(), w.ws.synced.size]).toEqual([128, 1, 0]);
    put(w, 'k', 'more');
    const first = s.drain();
    expect(first).toHaveLength(129); // created + 128
    expect(w.ws.moveVictims()).toBe(1);
    w.ws.syncWatchers();
    const rest = s.drain();
    expect(eventsOf([...first, ...rest], id)).toEqual(expected(w.log, { key: 'k' }, 2));
    expect(eventsOf(rest, id)).toEqual(['PUT k=overflow@130', 'PUT k=more@131']);
    // The held batch is re-sent at the revision the watcher had seen up to.
    expect(rest.map((r) => r.header.revision)).toEqual([130, 131]);
  });

  it('a consumer that stalls under a tiny buffer loses nothing and gets nothing twice; other streams are unaffected', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rnd = prng(seed);
      const w = world({ watch: { watchBatchMaxRevs: 3 } });
      const slow = w.stream({ chanBufLen: 1 });
      const fast = w.stream({ chanBufLen: 1 });
      const ranges: Range[] = [{ key: '', end: '\0' }, { key: 'a', end: 'e' }, { key: 'p/', end: 'p0' }, { key: 'c' }];
      const ids = ranges.map((r) => slow.create(createReq(r)));
      const fastId = fast.create(createReq({ key: '', end: '\0' }));
      const fastGot = fast.drain();
      let maxVictims = 0;
      const slowGot: WatchResponse[] = [];
      for (let i = 0; i < 300; i++) {
        randomWrite(w, rnd);
        fastGot.push(...fast.drain());
        maxVictims = Math.max(maxVictims, w.ws.slowWatcherCount());
        if (i % 50 === 49) {
          // Now and then the slow consumer reads a little, and the loops run.
          slowGot.push(...slow.drain(2));
          w.ws.moveVictims();
          w.ws.syncWatchers();
        }
      }
      expect(maxVictims, `seed ${seed}`).toBe(ranges.length);
      slowGot.push(...pump(w.ws, [slow])[0]!);
      ranges.forEach((r, i) => {
        const evs = eventsOf(slowGot, ids[i]!);
        expect(evs, `seed ${seed} ${JSON.stringify(r)}`).toEqual(expected(w.log, r, 2));
        expect(orderedViolations(evs)).toEqual([]);
        expect(uniqueViolations(evs)).toEqual([]);
      });
      // The fast stream was never held up: one response per write, as it happened.
      expect(eventsOf(fastGot, fastId)).toEqual(expected(w.log, { key: '', end: '\0' }, 2));
      expect(ofWatch(fastGot, fastId).every((r) => r.created || r.events[0]!.kv.modRevision === r.header.revision)).toBe(true);
      expect(w.ws.slowWatcherCount()).toBe(0);
    }
  });

  it('a victim stays a victim while its channel is full, and is retried until it fits', () => {
    const w = world();
    const s = w.stream({ chanBufLen: 1 });
    s.create(createReq({ key: 'k' }));
    s.drain();
    put(w, 'k', '1');
    put(w, 'k', '2');
    expect(w.ws.slowWatcherCount()).toBe(1);
    expect(w.ws.moveVictims()).toBe(0);
    expect(w.ws.moveVictims()).toBe(0);
    expect(w.ws.hasPendingWork()).toBe(true);
    expect(eventsOf(s.drain(), 0)).toEqual(['PUT k=1@2']);
    expect(w.ws.moveVictims()).toBe(1);
    expect(eventsOf(s.drain(), 0)).toEqual(['PUT k=2@3']);
    expect(w.ws.hasPendingWork()).toBe(false);
    expect(w.ws.synced.size).toBe(1);
  });

  it('writes while a watcher is a victim come after its held batch, by catch-up', () => {
    const w = world();
    const s = w.stream({ chanBufLen: 1 });
    s.create(createReq({ key: 'k' }));
    s.drain();
    put(w, 'k', '1'); // fills the channel
    put(w, 'k', '2'); // victim, held
    put(w, 'k', '3'); // not sent: the watcher is out of the synced group
    put(w, 'k', '4');
    expect(eventsOf(s.drain(), 0)).toEqual(['PUT k=1@2']);
    w.ws.moveVictims();
    expect(w.ws.unsynced.size).toBe(1);
    expect(eventsOf(s.drain(), 0)).toEqual(['PUT k=2@3']);
    w.ws.syncWatchers();
    expect(eventsOf(s.drain(), 0)).toEqual(['PUT k=3@4', 'PUT k=4@5']);
  });

  it('canceling a victim drops its held batch: the canceled response is the last thing sent', () => {
    const w = world();
    const s = w.stream({ chanBufLen: 1 });
    const id = s.create(createReq({ key: 'k' }));
    s.drain();
    put(w, 'k', '1');
    put(w, 'k', '2');
    expect(w.ws.slowWatcherCount()).toBe(1);
    s.cancel(id);
    expect(w.ws.watcherCount()).toBe(0);
    expect(w.ws.hasPendingWork()).toBe(false);
    const rs = pump(w.ws, [s])[0]!;
    expect(rs.map((r) => [r.events.length, r.canceled])).toEqual([
      [1, false],
      [0, true],
    ]);
  });

  it('compaction while a victim: the held batch still arrives, then the compaction cancel', () => {
    const w = world();
    const s = w.stream({ chanBufLen: 1 });
    const id = s.create(createReq({ key: 'k' }));
    s.drain();
    put(w, 'k', '1'); // 2
    put(w, 'k', '2'); // 3: held
    put(w, 'k', '3'); // 4: missed while a victim
    put(w, 'k', '4'); // 5
    w.kv.compact(5);
    const rs = pump(w.ws, [s])[0]!;
    expect(eventsOf(rs, id)).toEqual(['PUT k=1@2', 'PUT k=2@3']);
    expect(rs.map((r) => [r.canceled, r.compactRevision]).at(-1)).toEqual([true, 5]);
  });
});
