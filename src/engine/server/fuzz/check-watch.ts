// The watch guarantees (etcd's API guarantees for Watch), checked for every
// watch of a run against the committed history:
// - ordered: revisions only go up, and a revision's events come in the order the txn wrote them;
// - unique: no revision is delivered twice;
// - atomic: all of a revision's events on the watched range come in one response;
// - reliable: no gaps: every committed revision on the range from the start revision on
//   is delivered (up to the end of the run, or up to a compaction cancel);
// - resumable: the same, across a resume on another member (named when the gap or
//   duplicate straddles a resume);
// - bookmarkable: a progress notification at revision R comes after every event up to R
//   and before none of them;
// - prev_kv and is_create: the previous version is the one the history holds, and
//   create_revision == mod_revision exactly on a key's creation.
import type { Event } from '../../mvcc/types.ts';
import type { Compaction } from './history.ts';
import { type HistoryRecorder, type Kv, type RecordedEvent, showEvent, showKv, toKv } from './recorder.ts';
import type { FuzzFailure } from './types.ts';
import { type WatchRecord, inRange } from './watches.ts';

function describe(w: WatchRecord): string {
  const s = w.spec;
  const range = s.rangeEnd === undefined ? s.key : `[${s.key}, ${s.rangeEnd})`;
  const opts = [s.prevKv ? 'prev_kv' : '', s.filter ?? ''].filter(Boolean).join(' ');
  return `watch #${w.id} on ${range} from ${s.startRevision === 0 ? `now (created at ${w.createdRevision ?? '?'})` : `revision ${s.startRevision}`}${opts ? ` ${opts}` : ''}, opened at ${w.openedAt} ms`;
}

/** The events a watch on spec must see at revision rev. */
function expectedAt(ref: HistoryRecorder, w: WatchRecord, rev: number): RecordedEvent[] {
  const evs = ref.revisions.get(rev) ?? [];
  const f = w.spec.filter;
  return evs.filter((e) => inRange(w.spec, e.kv.key) && !(f === 'NOPUT' && e.type === 'PUT') && !(f === 'NODELETE' && e.type === 'DELETE'));
}

function sameKv(a: Kv | undefined, b: Kv | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && showKv(a) === showKv(b));
}

function fail(check: FuzzFailure['check'], w: WatchRecord, text: string): FuzzFailure & { watch: WatchRecord } {
  return { check, witness: `${describe(w)}: ${text}`, watch: w };
}

/**
 * Checks one event against the history: is_create and prev_kv. etcd looks
 * prev_kv up at mod_revision - 1 when it sends the event and leaves it out
 * if that was compacted by then, so a missing one is fine once a compaction
 * to the event's revision or beyond was asked for (compactedBy).
 */
function checkEvent(ref: HistoryRecorder, w: WatchRecord, e: Event, compactedBy: number): (FuzzFailure & { watch: WatchRecord }) | undefined {
  const kv = toKv(e.kv);
  const rev = kv.modRevision;
  const before = ref.at(kv.key, rev - 1);
  if (e.type === 'PUT' && (kv.createRevision === kv.modRevision) !== (before === undefined)) {
    return fail('watch-is-create', w, `PUT ${showKv(kv)} at revision ${rev}: create_revision ${kv.createRevision}, but the key ${before ? `existed (${showKv(before)})` : 'did not exist'} before`);
  }
  if (w.spec.prevKv) {
    const prev = e.prevKv ? toKv(e.prevKv) : undefined;
    if (!(prev === undefined && compactedBy >= rev) && !sameKv(prev, before)) return fail('watch-prev-kv', w, `${e.type} ${kv.key} at revision ${rev}: prev_kv ${showKv(prev)}, but the history holds ${showKv(before)}`);
  }
  return undefined;
}

/**
 * etcd 3.4.23's known bug (etcd-io/etcd#18089, fixed in 3.4.33 by #18274,
 * "keep tombstone if revision == compactAtRev"): compacting at a revision
 * that only deleted keys drops those tombstones, so a watch that (re)starts
 * exactly there misses the DELETE events. The engine reproduces 3.4.23, so
 * unless strict, such a gap is excused: the first revision a watch wanted,
 * all DELETEs, compacted at exactly that revision before the response came.
 */
function tombstoneCompacted(ref: HistoryRecorder, g: number, compacted: Set<number>): boolean {
  const evs = ref.revisions.get(g) ?? [];
  return compacted.has(g) && evs.every((e) => e.type === 'DELETE');
}

/**
 * Checks one watch. strict: excuse no known etcd 3.4.23 bug. endRevision: the last committed revision of the run (a
 * watch still open at the end must have delivered everything up to it).
 * compactions: what the clients asked to compact, and when.
 */
export function checkWatch(
  ref: HistoryRecorder,
  w: WatchRecord,
  endRevision: number,
  compactions: readonly Compaction[],
  strict = false,
): (FuzzFailure & { watch?: WatchRecord }) | undefined {
  const maxCompact = compactions.reduce((m, c) => Math.max(m, c.revision), 0);
  const compactedAt = (t: number): Set<number> => new Set(compactions.filter((c) => c.at <= t).map((c) => c.revision));
  const compactedBy = (t: number): number => compactions.reduce((m, c) => (c.at <= t ? Math.max(m, c.revision) : m), 0);
  const start = w.spec.startRevision > 0 ? w.spec.startRevision : w.createdRevision === undefined ? undefined : w.createdRevision + 1;
  if (start === undefined) {
    if (w.canceled) return undefined;
    return fail('watch-reliable', w, 'the watch was never created');
  }
  // revision -> [response index, events there]
  const delivered = new Map<number, { resp: number; events: Event[] }>();
  /** Revisions whose loss is etcd 3.4.23's known bug (tombstoneCompacted). */
  const excused = new Set<number>();
  let lastRev = start - 1;
  let lastResp = -1;
  for (let i = 0; i < w.responses.length; i++) {
    const r = w.responses[i]!;
    if (r.events.length === 0) continue;
    for (const e of r.events) {
      const rev = e.kv.modRevision;
      const resumed = w.resumesAt[i] !== (lastResp >= 0 ? w.resumesAt[lastResp] : 0);
      const prior = delivered.get(rev);
      if (prior && prior.resp !== i) {
        const dup = prior.events.some((p) => p.type === e.type && p.kv.modRevision === rev && showKv(toKv(p.kv)) === showKv(toKv(e.kv)));
        if (dup) return fail(resumed ? 'watch-resumable' : 'watch-unique', w, `revision ${rev} delivered again in response ${i} (first in response ${prior.resp})${resumed ? ' after a resume' : ''}`);
        return fail('watch-atomic', w, `events of revision ${rev} split over responses ${prior.resp} and ${i}`);
      }
      if (rev < lastRev) return fail('watch-ordered', w, `revision ${rev} delivered after revision ${lastRev} (response ${i})`);
      if (rev < start) return fail('watch-ordered', w, `revision ${rev} delivered, before the start revision ${start}`);
      if (rev > lastRev) {
        // Every expected revision between the last delivered one and this one must have come.
        for (let g = lastRev + 1; g < rev; g++) {
          if (expectedAt(ref, w, g).length > 0) {
            if (!strict && g === lastRev + 1 && tombstoneCompacted(ref, g, compactedAt(w.times[i]!))) {
              excused.add(g);
              continue;
            }
            const what = expectedAt(ref, w, g).map(showEvent).join(', ');
            return fail(resumed ? 'watch-resumable' : 'watch-reliable', w, `revision ${g} (${what}) never delivered: response ${i} jumps from ${lastRev} to ${rev}${resumed ? ' after a resume' : ''}`);
          }
        }
        lastRev = rev;
      }
      let d = delivered.get(rev);
      if (!d) delivered.set(rev, (d = { resp: i, events: [] }));
      d.events.push(e);
      lastResp = i;
      const bad = checkEvent(ref, w, e, compactedBy(w.times[i]!));
      if (bad) return bad;
    }
  }
  // Each delivered revision carries exactly the history's events, in order.
  for (const [rev, d] of delivered) {
    const want = expectedAt(ref, w, rev).map(showEvent);
    const got = d.events.map((e) => showEvent({ type: e.type, kv: toKv(e.kv) }));
    if (want.join(' ; ') === got.join(' ; ')) continue;
    const sorted = (xs: string[]) => [...xs].sort().join(' ; ');
    if (sorted(want) === sorted(got)) return fail('watch-ordered', w, `revision ${rev}: events [${got.join(', ')}], written as [${want.join(', ')}]`);
    if (got.every((g) => want.includes(g)) && got.length < want.length) {
      return fail('watch-atomic', w, `revision ${rev}: only [${got.join(', ')}] of [${want.join(', ')}] delivered`);
    }
    return fail('watch-event', w, `revision ${rev}: events [${got.join(', ')}], but the history holds [${want.join(', ')}]`);
  }
  // Reliable to the end: an open watch has everything up to the end of the run.
  if (w.canceled) {
    const c = w.canceled;
    if (c.compactRevision <= lastRev + 1) {
      return fail('watch-reliable', w, `canceled (compact revision ${c.compactRevision}) though it only wanted revision ${lastRev + 1} on: ${c.reason}`);
    }
    if (c.compactRevision > maxCompact) {
      return fail('watch-reliable', w, `canceled at compact revision ${c.compactRevision}, but no client compacted beyond ${maxCompact}: ${c.reason}`);
    }
  } else {
    for (let g = lastRev + 1; g <= endRevision; g++) {
      if (expectedAt(ref, w, g).length > 0) {
        return fail('watch-reliable', w, `revision ${g} (${expectedAt(ref, w, g).map(showEvent).join(', ')}) never delivered by the end of the run (last delivered ${lastRev}, final revision ${endRevision})`);
      }
    }
  }
  return checkBookmarks(ref, w, start, delivered, excused);
}

/** A progress notification at R: every event up to R came before it, none after. */
function checkBookmarks(
  ref: HistoryRecorder,
  w: WatchRecord,
  start: number,
  delivered: Map<number, { resp: number }>,
  excused: Set<number>,
): (FuzzFailure & { watch: WatchRecord }) | undefined {
  for (let i = 0; i < w.responses.length; i++) {
    const r = w.responses[i]!;
    if (r.events.length > 0) continue;
    const R = r.header.revision;
    for (let g = start; g <= R; g++) {
      if (excused.has(g) || expectedAt(ref, w, g).length === 0) continue;
      const d = delivered.get(g);
      if (!d || d.resp > i) {
        return fail('watch-bookmarkable', w, `progress notification at revision ${R} (response ${i}) before revision ${g} (${expectedAt(ref, w, g).map(showEvent).join(', ')}) was delivered${d ? ` (in response ${d.resp})` : ''}`);
      }
    }
  }
  return undefined;
}

/** Has an open watch delivered every revision on its range up to endRevision? (Cheap: for polling.) */
export function watchCaughtUp(ref: HistoryRecorder, w: WatchRecord, endRevision: number): boolean {
  if (w.canceled) return true;
  if (w.lastExpected === undefined) {
    let g = endRevision;
    while (g > 1 && expectedAt(ref, w, g).length === 0) g--;
    w.lastExpected = g;
  }
  for (let i = w.responses.length - 1; i >= 0; i--) {
    const evs = w.responses[i]!.events;
    if (evs.length > 0) return evs[evs.length - 1]!.kv.modRevision >= w.lastExpected;
  }
  const start = w.spec.startRevision > 0 ? w.spec.startRevision : (w.createdRevision ?? Infinity) + 1;
  return start > w.lastExpected;
}

export function checkWatches(
  ref: HistoryRecorder,
  ws: readonly WatchRecord[],
  endRevision: number,
  compactions: readonly Compaction[],
  strict = false,
): (FuzzFailure & { watch?: WatchRecord }) | undefined {
  for (const w of ws) {
    const f = checkWatch(ref, w, endRevision, compactions, strict);
    if (f) return f;
  }
  return undefined;
}
