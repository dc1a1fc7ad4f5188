// The key space for the Keys view: a tree of keys split on "/", each leaf
// with its value and revisions, and a revision axis with every key's history
// (puts, tombstones) and the compaction point. The tree and the axis are pure
// functions of plain data; `readStore` copies that data out of one member's
// MVCC store (read-only: a range read and a backend scan).
import type { KVStore } from '../../engine/mvcc/kvstore.ts';

export interface KeyEntry {
  key: string;
  value: string;
  create: number;
  mod: number;
  version: number;
  /** Lease ID in hex, or '' for none. */
  lease: string;
}

export interface KeyEvent {
  rev: number;
  key: string;
  type: 'PUT' | 'DELETE';
}

export interface StoreData {
  currentRev: number;
  /** -1 before any compaction. */
  compactRev: number;
  keys: KeyEntry[];
  /** Events still in the backend, oldest first (the newest `maxEvents`). */
  events: KeyEvent[];
  truncated: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: false });
const text = (b: Uint8Array) => decoder.decode(b);

export function readStore(kv: KVStore, maxKeys = 500, maxEvents = 400): StoreData {
  const all = new Uint8Array([0]);
  const r = kv.range({ key: all, rangeEnd: all, limit: maxKeys });
  const keys = r.kvs.map((x) => ({
    key: text(x.key),
    value: text(x.value),
    create: x.createRevision,
    mod: x.modRevision,
    version: x.version,
    lease: x.lease === '0' ? '' : x.lease,
  }));
  const from = Math.max(1, kv.compactRevision, kv.rev - maxEvents * 2);
  const events = kv
    .rangeEvents(from, kv.rev)
    .slice(-maxEvents)
    .map((e) => ({ rev: e.kv.modRevision, key: text(e.kv.key), type: e.type }));
  return { currentRev: kv.rev, compactRev: kv.compactRevision, keys, events, truncated: r.more === true };
}

export interface KeyTreeNode {
  /** This level's segment ("a/", "/", "leaf"). */
  name: string;
  /** The key prefix up to and including this segment. */
  path: string;
  /** The key itself, when path is a key. */
  entry: KeyEntry | undefined;
  children: KeyTreeNode[];
  /** Keys at or under this node. */
  count: number;
}

/** Splits after every "/": "/a/b" -> ["/", "a/", "b"]; joining the parts gives the key back. */
export function segments(key: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < key.length; i++) {
    if (key[i] === '/') {
      out.push(key.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < key.length) out.push(key.slice(start));
  return out.length ? out : [''];
}

export function buildKeyTree(entries: readonly KeyEntry[]): KeyTreeNode {
  const root: KeyTreeNode = { name: '', path: '', entry: undefined, children: [], count: 0 };
  for (const e of entries) {
    let node = root;
    node.count++;
    for (const seg of segments(e.key)) {
      let child = node.children.find((c) => c.name === seg);
      if (!child) {
        child = { name: seg, path: node.path + seg, entry: undefined, children: [], count: 0 };
        node.children.push(child);
      }
      child.count++;
      node = child;
    }
    node.entry = e;
  }
  const sort = (n: KeyTreeNode) => {
    n.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    n.children.forEach(sort);
  };
  sort(root);
  return root;
}

export interface TreeRow {
  depth: number;
  node: KeyTreeNode;
  open: boolean;
}

/** The visible rows of the tree, depth first; a path in `closed` hides its children. */
export function flattenTree(root: KeyTreeNode, closed: ReadonlySet<string>): TreeRow[] {
  const out: TreeRow[] = [];
  const walk = (n: KeyTreeNode, depth: number) => {
    for (const c of n.children) {
      const open = !closed.has(c.path);
      out.push({ depth, node: c, open });
      if (open) walk(c, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

export interface AxisRow {
  key: string;
  points: { rev: number; type: 'PUT' | 'DELETE' }[];
  /** Whether the key exists now. */
  live: boolean;
}

export interface RevisionAxis {
  lo: number;
  hi: number;
  compactRev: number;
  rows: AxisRow[];
}

/**
 * Each key's writes on a shared revision axis, the most recently written keys
 * first (at most maxRows), spanning the events' revisions up to the current one.
 */
export function revisionAxis(data: StoreData, maxRows = 12): RevisionAxis {
  const byKey = new Map<string, AxisRow>();
  const liveKeys = new Set(data.keys.map((k) => k.key));
  for (const e of data.events) {
    let row = byKey.get(e.key);
    if (!row) byKey.set(e.key, (row = { key: e.key, points: [], live: liveKeys.has(e.key) }));
    row.points.push({ rev: e.rev, type: e.type });
  }
  const last = (r: AxisRow) => r.points[r.points.length - 1]!.rev;
  const rows = [...byKey.values()].sort((a, b) => last(b) - last(a)).slice(0, maxRows);
  const lo = data.events.length ? Math.min(data.events[0]!.rev, Math.max(data.compactRev, 1)) : 1;
  return { lo, hi: Math.max(data.currentRev, lo + 1), compactRev: data.compactRev, rows };
}
