// The watchers on one member for the Watches view: what each watches (a key,
// a prefix, a range, every key from one on), from which revision, how far it
// has been sent (synced, unsynced = catching up from history, victim = its
// channel was full), the last events it was sent, and which terminal tab's
// `etcdctl watch` probably owns it. readWatches copies them out of a state
// machine; the rest is pure.
import { fromBinary, toBinary } from '../../engine/mvcc/binary.ts';
import type { WatcherInfo } from '../../engine/mvcc/watchable-store.ts';
import type { EtcdStateMachine } from '../../engine/server/statemachine.ts';

export interface WatchEvent {
  rev: number;
  type: 'PUT' | 'DELETE';
  /** Binary string (see mvcc/binary.ts). */
  key: string;
}

export interface WatchRow extends WatcherInfo {
  /** What it watches, as etcdctl would say it: 'key "a"', 'prefix "/app/"', 'range ["a", "c")', 'keys from "a"', 'every key'. */
  what: string;
  /** The latest events it has been sent, oldest first. */
  events: WatchEvent[];
  /** The terminal tab whose running `watch` matches it, if any. */
  tab: number | undefined;
}

export interface WatchesData {
  rev: number;
  watchers: WatchRow[];
}

const decoder = new TextDecoder('utf-8', { fatal: false });
/** A binary-string key as text for the page. */
export const showKey = (k: string): string => decoder.decode(fromBinary(k));

/** The end of the range of keys with prefix p (etcd's GetPrefixRangeEnd): '' when there is none. */
export function prefixEnd(p: string): string {
  for (let i = p.length - 1; i >= 0; i--) {
    const c = p.charCodeAt(i);
    if (c < 0xff) return p.slice(0, i) + String.fromCharCode(c + 1);
  }
  return '\0';
}

export function describeRange(key: string, end: string | undefined): string {
  const q = (k: string) => JSON.stringify(showKey(k));
  if (end === undefined) return `key ${q(key)}`;
  if (end === '') return key === '\0' || key === '' ? 'every key' : `keys from ${q(key)}`;
  if (key === '\0' && end === '\0') return 'every key';
  if (end === prefixEnd(key)) return `prefix ${q(key)}`;
  return `range [${q(key)}, ${q(end)})`;
}

export function covers(w: Pick<WatcherInfo, 'key' | 'end'>, k: string): boolean {
  if (w.end === undefined) return k === w.key;
  return k >= w.key && (w.end === '' || k < w.end);
}

/** The last n events in `events` (oldest first) that watcher w has been sent: its range, from startRev, below nextRev. */
export function sentEvents(w: WatcherInfo, events: readonly WatchEvent[], n = 5): WatchEvent[] {
  const out: WatchEvent[] = [];
  for (let i = events.length - 1; i >= 0 && out.length < n; i--) {
    const e = events[i]!;
    if (e.rev < w.startRev) break;
    if (e.rev < w.nextRev && covers(w, e.key)) out.push(e);
  }
  return out.reverse();
}

/** The words of a shell line (no quoting subtleties: enough to match a watch to its tab). */
function words(line: string): string[] {
  return (line.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^["']|["']$/g, ''));
}

/** The tab whose running `etcdctl watch KEY [END]` names this watcher's key, if one does. */
export function ownerTab(w: WatcherInfo, running: readonly { tab: number; line: string }[]): number | undefined {
  const key = showKey(w.key);
  for (const r of running) {
    const ws = words(r.line);
    const i = ws.indexOf('watch');
    if (i < 0 || ws[0] !== 'etcdctl') continue;
    const args = ws.slice(i + 1).filter((x) => !x.startsWith('-'));
    const prefixAll = ws.includes('--prefix') && args.length === 0 && (key === '\0' || key === '');
    if (args[0] === key || prefixAll) return r.tab;
  }
  return undefined;
}

/** One member's watchers and the events they were sent (read-only; none if no watch ever opened there). */
export function readWatches(sm: EtcdStateMachine, running: readonly { tab: number; line: string }[] = [], perWatcher = 5): WatchesData {
  const kv = sm.kv;
  const ws = sm.openWatchable?.describeWatchers() ?? [];
  if (ws.length === 0) return { rev: kv.rev, watchers: [] };
  const lowest = Math.min(...ws.map((w) => w.startRev));
  const from = Math.max(lowest, kv.compactRevision + 1, kv.rev - 300, 1);
  const events: WatchEvent[] = kv.rangeEvents(from, kv.rev).map((e) => ({ rev: e.kv.modRevision, type: e.type, key: toBinary(e.kv.key) }));
  return {
    rev: kv.rev,
    watchers: ws.map((w) => ({ ...w, what: describeRange(w.key, w.end), events: sentEvents(w, events, perWatcher), tab: ownerTab(w, running) })),
  };
}
