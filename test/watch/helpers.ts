// Shared helpers for the watch tests: a store with its watchable store, a
// reference log of every committed event, a seeded workload, and checkers for
// etcd's watch guarantees (validate/watch.go) over what a client received.
import { KVStore, type Event, type StoreOptions } from '../../src/engine/mvcc/index.ts';
import {
  WatchableStore,
  WatchStream,
  type WatchableStoreOptions,
  type WatchCreateRequest,
  type WatchResponse,
  type WatchStreamOptions,
} from '../../src/engine/mvcc/watch.ts';
import { b, t } from '../mvcc/helpers.ts';

export { b, t };

/** A committed event as the reference log keeps it. */
export interface LoggedEvent {
  rev: number;
  type: 'PUT' | 'DELETE';
  key: string;
  value: string;
  createRevision: number;
  version: number;
}

export interface World {
  kv: KVStore;
  ws: WatchableStore;
  /** Every committed event, in commit order. */
  log: LoggedEvent[];
  stream(opts?: WatchStreamOptions): WatchStream;
}

export function world(opts: { store?: StoreOptions; watch?: WatchableStoreOptions } = {}): World {
  const kv = new KVStore(opts.store);
  const log: LoggedEvent[] = [];
  kv.onCommit((evs, rev) => {
    for (const ev of evs) {
      log.push({ rev, type: ev.type, key: t(ev.kv.key), value: t(ev.kv.value), createRevision: ev.kv.createRevision, version: ev.kv.version });
    }
  });
  const ws = new WatchableStore(kv, opts.watch);
  return { kv, ws, log, stream: (o) => new WatchStream(ws, o) };
}

export const put = (w: World, k: string, v: string): number => w.kv.put({ key: b(k), value: b(v) }).header.revision;
export const del = (w: World, k: string, end?: string): number =>
  w.kv.deleteRange({ key: b(k), rangeEnd: end === undefined ? undefined : b(end) }).header.revision;

/** Runs the store's background loops (victim retries, catch-up passes) while they have work. */
export function settle(ws: WatchableStore, maxPasses = 1000): void {
  for (let i = 0; i < maxPasses && ws.hasPendingWork(); i++) {
    ws.moveVictims();
    ws.syncWatchers();
  }
}

/** Runs the loops while draining the streams, until all is quiet; returns every response per stream. */
export function pump(ws: WatchableStore, streams: WatchStream[], maxRounds = 100_000): WatchResponse[][] {
  const out: WatchResponse[][] = streams.map(() => []);
  for (let round = 0; round < maxRounds; round++) {
    let got = 0;
    streams.forEach((s, i) => {
      const rs = s.drain();
      got += rs.length;
      out[i]!.push(...rs);
    });
    ws.moveVictims();
    ws.syncWatchers();
    if (got === 0 && !ws.hasPendingWork() && streams.every((s) => s.pending === 0)) return out;
  }
  throw new Error('pump: no quiescence');
}

/** A short view of an event: "PUT k=v@rev" or "DELETE k@rev". */
export function ev(e: Event): string {
  return e.type === 'PUT' ? `PUT ${t(e.kv.key)}=${t(e.kv.value)}@${e.kv.modRevision}` : `DELETE ${t(e.kv.key)}@${e.kv.modRevision}`;
}

export function logView(e: LoggedEvent): string {
  return e.type === 'PUT' ? `PUT ${e.key}=${e.value}@${e.rev}` : `DELETE ${e.key}@${e.rev}`;
}

/** A watch's range in text form: [key, end) with '' end for from-key, undefined for one key. */
export interface Range {
  key: string;
  end?: string;
}

export function inRange(r: Range, k: string): boolean {
  if (r.end === undefined) return k === r.key;
  return k >= r.key && (r.end === '\0' || k < r.end);
}

/** The create request for a range. */
export function createReq(r: Range, extra: Partial<WatchCreateRequest> = {}): WatchCreateRequest {
  return { key: b(r.key), rangeEnd: r.end === undefined ? undefined : b(r.end), ...extra };
}

/** What a watcher on r from startRev (with filters) must receive, from the log. */
export function expected(log: LoggedEvent[], r: Range, startRev: number, filters: string[] = []): string[] {
  return log
    .filter((e) => e.rev >= startRev && inRange(r, e.key) && !filters.includes(e.type === 'PUT' ? 'NOPUT' : 'NODELETE'))
    .map(logView);
}

/** The responses of one watch ID, in order. */
export const ofWatch = (rs: WatchResponse[], id: number): WatchResponse[] => rs.filter((r) => r.watchId === id);

/** All events one watch ID received, in order. */
export const eventsOf = (rs: WatchResponse[], id: number): string[] => ofWatch(rs, id).flatMap((r) => r.events.map(ev));

// --- guarantee checkers: each returns the violations it found -------------------

const revOf = (s: string): number => Number(s.slice(s.lastIndexOf('@') + 1));
const keyOf = (s: string): string => s.replace(/^(PUT|DELETE) /, '').replace(/[=@].*$/, '');

/** Ordered: revisions never go down. */
export function orderedViolations(events: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < events.length; i++) {
    if (revOf(events[i]!) < revOf(events[i - 1]!)) out.push(`${events[i]} after ${events[i - 1]}`);
  }
  return out;
}

/** Unique: no (revision, key) twice. */
export function uniqueViolations(events: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of events) {
    const id = `${keyOf(e)}@${revOf(e)}`;
    if (seen.has(id)) out.push(`duplicate ${e}`);
    seen.add(id);
  }
  return out;
}

/**
 * Atomic: each response (fragments joined) holds every event of each
 * revision it touches that the watcher should get.
 */
export function atomicViolations(rs: WatchResponse[], log: LoggedEvent[], r: Range, filters: string[] = []): string[] {
  const byRev = new Map<number, string[]>();
  for (const e of expected(log, r, 0, filters)) {
    const rev = revOf(e);
    byRev.set(rev, [...(byRev.get(rev) ?? []), e]);
  }
  const out: string[] = [];
  let acc: string[] = [];
  for (const resp of rs) {
    acc.push(...resp.events.map(ev));
    if (resp.fragment) continue;
    for (const rev of new Set(acc.map(revOf))) {
      const want = byRev.get(rev) ?? [];
      const got = acc.filter((e) => revOf(e) === rev);
      if (want.join('|') !== got.join('|')) out.push(`revision ${rev} split: got ${got.join(',')} want ${want.join(',')}`);
    }
    acc = [];
  }
  return out;
}

/** Reliable: exactly the expected events (no gap, nothing extra). */
export function reliableViolations(events: string[], want: string[]): string[] {
  const out: string[] = [];
  const n = Math.max(events.length, want.length);
  for (let i = 0; i < n; i++) {
    if (events[i] !== want[i]) {
      out.push(`at ${i}: got ${events[i] ?? '(nothing)'} want ${want[i] ?? '(nothing)'}`);
      break;
    }
  }
  return out;
}

/** Bookmarkable: a progress notification at R comes after every wanted event <= R. */
export function bookmarkViolations(rs: WatchResponse[], want: string[]): string[] {
  const out: string[] = [];
  let seen = 0;
  for (const resp of rs) {
    seen += resp.events.length;
    if (resp.events.length > 0 || resp.created || resp.canceled) continue;
    const rev = resp.header.revision;
    const owed = want.filter((e) => revOf(e) <= rev).length;
    if (owed > seen) out.push(`progress at ${rev} after ${seen} events, ${owed} were due`);
  }
  return out;
}

/** mulberry32: a small seeded PRNG for workloads. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One random write on keys a..h (and p/ prefixed): puts, deletes, multi-key
 * txns and prefix deletes, so revisions carry 1..n events. Returns the revision.
 */
export function randomWrite(w: World, rnd: () => number): number {
  const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'p/1', 'p/2', 'p/3'];
  const pick = (): string => keys[Math.floor(rnd() * keys.length)]!;
  const x = rnd();
  if (x < 0.5) return put(w, pick(), `v${Math.floor(rnd() * 1000)}`);
  if (x < 0.65) return del(w, pick());
  if (x < 0.75) return del(w, 'p/', 'p0');
  const ks = [...new Set([pick(), pick(), pick()])];
  const ops = ks.map((k, i) =>
    i === ks.length - 1 && rnd() < 0.3
      ? { requestDeleteRange: { key: b(k) } }
      : { requestPut: { key: b(k), value: b(`t${Math.floor(rnd() * 1000)}`) } },
  );
  return w.kv.txn({ success: ops }).header.revision;
}
