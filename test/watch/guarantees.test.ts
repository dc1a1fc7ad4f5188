// The six guarantees of etcd's Watch API (ordered, unique, atomic, reliable,
// resumable, bookmarkable), checked as etcd's robustness validator does, over
// seeded random runs: watchers of every shape created at past, present and
// future revisions on streams with tiny channels (so watchers turn into
// victims), small catch-up batches, and consumers that drain irregularly.
import { describe, expect, it } from 'vitest';
import { KVStore } from '../../src/engine/mvcc/index.ts';
import { WatchableStore, WatchStream, type WatchResponse } from '../../src/engine/mvcc/watch.ts';
import {
  atomicViolations,
  bookmarkViolations,
  createReq,
  eventsOf,
  expected,
  ofWatch,
  orderedViolations,
  prng,
  pump,
  put,
  randomWrite,
  reliableViolations,
  uniqueViolations,
  world,
  type Range,
  type World,
} from './helpers.ts';

const RANGES: Range[] = [
  { key: 'a' },
  { key: 'p/1' },
  { key: 'a', end: 'e' },
  { key: 'p/', end: 'p0' },
  { key: 'c', end: '\0' },
  { key: '', end: '\0' },
];
const FILTERS: string[][] = [[], [], [], ['NOPUT'], ['NODELETE']];

interface Spec {
  stream: number;
  id: number;
  range: Range;
  /** The first revision the watcher wants (0 resolved to current + 1). */
  start: number;
  filters: string[];
}

interface Run {
  w: World;
  streams: WatchStream[];
  specs: Spec[];
  got: WatchResponse[][];
  /** Whether some watcher was ever a victim (so the run exercised that path). */
  sawVictims: boolean;
  /** Whether some catch-up needed more than one batch. */
  sawMultiBatch: boolean;
}

function run(seed: number, steps = 400): Run {
  const rnd = prng(seed);
  const w = world({ watch: { watchBatchMaxRevs: 1 + Math.floor(rnd() * 4), maxWatchersPerSync: 2 } });
  const streams = [0, 1, 2].map(() => w.stream({ chanBufLen: 1 + Math.floor(rnd() * 3) }));
  const got: WatchResponse[][] = streams.map(() => []);
  const specs: Spec[] = [];
  let sawVictims = false;
  let sawMultiBatch = false;
  for (let i = 0; i < 30; i++) randomWrite(w, rnd);
  for (let step = 0; step < steps; step++) {
    const x = rnd();
    const si = Math.floor(rnd() * streams.length);
    if (x < 0.45) randomWrite(w, rnd);
    else if (x < 0.55) {
      const cur = w.kv.rev;
      const y = rnd();
      const startRevision = y < 0.3 ? 0 : y < 0.8 ? 1 + Math.floor(rnd() * cur) : cur + 1 + Math.floor(rnd() * 6);
      const range = RANGES[Math.floor(rnd() * RANGES.length)]!;
      const filters = FILTERS[Math.floor(rnd() * FILTERS.length)]!;
      const id = streams[si]!.create(createReq(range, { startRevision, filters: filters as ('NOPUT' | 'NODELETE')[] }));
      specs.push({ stream: si, id, range, start: startRevision === 0 ? cur + 1 : startRevision, filters });
    } else if (x < 0.7) got[si]!.push(...streams[si]!.drain(1 + Math.floor(rnd() * 3)));
    else if (x < 0.85) {
      const before = w.ws.unsynced.size;
      w.ws.syncWatchers();
      if (w.ws.unsynced.size > 0 && w.ws.unsynced.size >= before && before > 0) sawMultiBatch = true;
    } else w.ws.moveVictims();
    if (w.ws.slowWatcherCount() > w.ws.unsynced.size) sawVictims = true;
  }
  pump(w.ws, streams).forEach((rs, i) => got[i]!.push(...rs));
  return { w, streams, specs, got, sawVictims, sawMultiBatch };
}

const SEEDS = Array.from({ length: 25 }, (_, i) => 1000 + i * 7919);
let cached: (Run & { seed: number })[] | undefined;
/** The seeded runs, made once and shared by the checks. */
const runs = () => (cached ??= SEEDS.map((seed) => ({ ...run(seed), seed })));

/** For every watcher of every seeded run: [label, violations]. */
function check(fn: (r: Run, s: Spec, rs: WatchResponse[], events: string[], want: string[]) => string[]): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const r of runs()) {
    const seed = r.seed;
    for (const s of r.specs) {
      const rs = ofWatch(r.got[s.stream]!, s.id);
      const v = fn(r, s, rs, eventsOf(r.got[s.stream]!, s.id), expected(r.w.log, s.range, s.start, s.filters));
      if (v.length > 0) out.push([`seed ${seed} stream ${s.stream} watch ${s.id} ${JSON.stringify(s.range)} from ${s.start}`, v]);
    }
  }
  return out;
}

describe('the runs exercise what they claim to', () => {
  it('victims, multi-batch catch-up and many watchers occur', () => {
    const all = runs();
    expect(all.filter((r) => r.sawVictims).length).toBeGreaterThan(SEEDS.length / 2);
    expect(all.filter((r) => r.sawMultiBatch).length).toBeGreaterThan(SEEDS.length / 2);
    expect(Math.min(...all.map((r) => r.specs.length))).toBeGreaterThan(10);
    // Some watchers got plenty of events, so the checks below have something to check.
    const events = all.flatMap((r) => r.specs.map((s) => eventsOf(r.got[s.stream]!, s.id).length));
    expect(Math.max(...events)).toBeGreaterThan(100);
  });

  it('is deterministic: the same seed gives the same responses', () => {
    const a = run(42);
    const b = run(42);
    expect(JSON.stringify(a.got)).toBe(JSON.stringify(b.got));
  });
});

describe('watch guarantees', () => {
  it('ordered: event revisions never go down for a watcher', () => {
    expect(check((_r, _s, _rs, events) => orderedViolations(events))).toEqual([]);
  });

  it('unique: no (revision, key) is delivered twice', () => {
    expect(check((_r, _s, _rs, events) => uniqueViolations(events))).toEqual([]);
  });

  it('atomic: a response holds every event of each revision it touches', () => {
    expect(check((r, s, rs) => atomicViolations(rs, r.w.log, s.range, s.filters))).toEqual([]);
  });

  it('reliable: each watcher gets exactly the events in its range from its start, with no gap', () => {
    expect(check((_r, _s, _rs, events, want) => reliableViolations(events, want))).toEqual([]);
  });

  it('no event older than the start revision, even for future watchers (#20221)', () => {
    expect(check((_r, s, _rs, events) => events.filter((e) => Number(e.slice(e.lastIndexOf('@') + 1)) < s.start))).toEqual([]);
  });

  it('resumable: re-watching from last received + 1 on a new stream yields exactly the missed events', () => {
    for (const seed of SEEDS.slice(0, 10)) {
      const rnd = prng(seed);
      const w = world({ watch: { watchBatchMaxRevs: 2 } });
      for (let i = 0; i < 20; i++) randomWrite(w, rnd);
      const range: Range = { key: '', end: '\0' };
      const s1 = w.stream({ chanBufLen: 2 });
      s1.create(createReq(range, { startRevision: 5 }));
      const seen: string[] = [];
      for (let i = 0; i < 40; i++) {
        randomWrite(w, rnd);
        if (rnd() < 0.3) w.ws.syncWatchers();
        if (rnd() < 0.3) w.ws.moveVictims();
        if (rnd() < 0.3) seen.push(...eventsOf(s1.drain(1), 0));
      }
      s1.close(); // the client's connection drops; undrained responses are lost
      for (let i = 0; i < 10; i++) randomWrite(w, rnd);
      const last = seen.length === 0 ? 4 : Number(seen[seen.length - 1]!.split('@')[1]);
      const s2 = w.stream();
      s2.create(createReq(range, { startRevision: last + 1 }));
      const [rs] = pump(w.ws, [s2]);
      const all = [...seen, ...eventsOf(rs!, 0)];
      expect(reliableViolations(all, expected(w.log, range, 5)), `seed ${seed}`).toEqual([]);
      expect(seen.length, `seed ${seed}: the first stream delivered some but not all`).toBeLessThan(all.length);
    }
  });

  it('resumable across a member restart: a new store from the snapshot has no watchers, and the resumed watch gets exactly the missed events', () => {
    const rnd = prng(7);
    const w = world();
    const range: Range = { key: 'a', end: 'e' };
    const s = w.stream();
    s.create(createReq(range, { startRevision: 1 }));
    for (let i = 0; i < 30; i++) randomWrite(w, rnd);
    const [first] = pump(w.ws, [s]);
    const seen = eventsOf(first!, 0);
    expect(seen.length).toBeGreaterThan(5);
    const last = Number(seen[seen.length - 1]!.split('@')[1]);
    for (let i = 0; i < 20; i++) randomWrite(w, rnd);
    // Restart: a fresh store restored from the old one's snapshot, and a fresh watchable store.
    const kv2 = new KVStore();
    kv2.restore(w.kv.snapshot());
    const ws2 = new WatchableStore(kv2);
    expect(ws2.watcherCount()).toBe(0);
    const s2 = new WatchStream(ws2);
    s2.create(createReq(range, { startRevision: last + 1 }));
    const [rs] = pump(ws2, [s2]);
    expect([...seen, ...eventsOf(rs!, 0)]).toEqual(expected(w.log, range, 1));
    expect(eventsOf(rs!, 0).length).toBeGreaterThan(0);
  });

  it('bookmarkable: a progress notification at R follows every event <= R, and resuming from R + 1 misses nothing', () => {
    let bookmarks = 0;
    for (const seed of SEEDS.slice(0, 10)) {
      const rnd = prng(seed);
      const w = world({ watch: { watchBatchMaxRevs: 2 } });
      for (let i = 0; i < 20; i++) randomWrite(w, rnd);
      const range: Range = { key: 'a', end: 'e' };
      const s = w.stream({ chanBufLen: 2, progressIntervalMs: 100 });
      s.create(createReq(range, { startRevision: 3, progressNotify: true }));
      const got: WatchResponse[] = [];
      for (let t = 1; t <= 300; t++) {
        const x = rnd();
        if (x < 0.3) randomWrite(w, rnd);
        else if (x < 0.4) s.requestProgress();
        else if (x < 0.6) got.push(...s.drain(1 + Math.floor(rnd() * 2)));
        else if (x < 0.8) w.ws.syncWatchers();
        else w.ws.moveVictims();
        s.progressNotify(t * 10);
      }
      got.push(...pump(w.ws, [s])[0]!);
      const want = expected(w.log, range, 3);
      expect(bookmarkViolations(got, want), `seed ${seed}`).toEqual([]);
      // Resume from each bookmark: the rest of the history, exactly.
      for (const p of got.filter((r) => r.events.length === 0 && !r.created && !r.canceled)) {
        bookmarks++;
        const s2 = w.stream();
        s2.create(createReq(range, { startRevision: p.header.revision + 1 }));
        const [rs] = pump(w.ws, [s2]);
        const seenBefore = got.slice(0, got.indexOf(p)).flatMap((r) => eventsOf([r], r.watchId));
        expect([...seenBefore, ...eventsOf(rs!, 0)], `seed ${seed} bookmark ${p.header.revision}`).toEqual(want);
        s2.close();
      }
    }
    expect(bookmarks).toBeGreaterThan(20);
  });
});

describe('the checkers catch violations (so the checks above can fail)', () => {
  const w = world();
  const s = w.stream();
  const range: Range = { key: '', end: '\0' };
  s.create(createReq(range));
  put(w, 'a', '1');
  w.kv.txn({ success: [{ requestPut: { key: new Uint8Array([98]), value: new Uint8Array([49]) } }, { requestPut: { key: new Uint8Array([99]), value: new Uint8Array([49]) } }] });
  put(w, 'a', '2');
  const rs = s.drain().filter((r) => !r.created);
  const events = rs.flatMap((r) => eventsOf([r], 0));
  const want = expected(w.log, range, 2);

  it('the good run passes every checker', () => {
    expect(events).toEqual(['PUT a=1@2', 'PUT b=1@3', 'PUT c=1@3', 'PUT a=2@4']);
    expect([orderedViolations(events), uniqueViolations(events), reliableViolations(events, want), atomicViolations(rs, w.log, range)]).toEqual([[], [], [], []]);
  });

  it('ordered catches a revision going back', () => {
    expect(orderedViolations([events[0]!, events[3]!, events[1]!])).toHaveLength(1);
  });

  it('unique catches a repeat', () => {
    expect(uniqueViolations([...events, events[1]!])).toEqual(['duplicate PUT b=1@3']);
  });

  it('reliable catches a gap and an extra event', () => {
    expect(reliableViolations([events[0]!, events[2]!, events[3]!], want)).toHaveLength(1);
    expect(reliableViolations([...events, 'PUT z=9@9'], want)).toHaveLength(1);
  });

  it('atomic catches a revision split across responses, and allows it across fragments', () => {
    const txn = rs[1]!;
    const split = [rs[0]!, { ...txn, events: [txn.events[0]!] }, { ...txn, events: [txn.events[1]!] }, rs[2]!];
    expect(atomicViolations(split, w.log, range)).toHaveLength(2);
    const fragmented = [rs[0]!, { ...txn, events: [txn.events[0]!], fragment: true }, { ...txn, events: [txn.events[1]!] }, rs[2]!];
    expect(atomicViolations(fragmented, w.log, range)).toEqual([]);
  });

  it('bookmarkable catches a progress notification ahead of its events', () => {
    const progress: WatchResponse = { ...rs[0]!, events: [], header: { ...rs[0]!.header, revision: 3 } };
    expect(bookmarkViolations([rs[0]!, progress, rs[1]!], want)).toHaveLength(1);
    expect(bookmarkViolations([rs[0]!, rs[1]!, progress], want)).toEqual([]);
  });
});
