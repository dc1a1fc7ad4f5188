// Seeded random workloads checked against a naive reference model: every key's
// full history kept in a list, reads answered by scanning it. Covers ranges at
// random revisions, deletes, multi-key txns and compaction, plus a
// snapshot/restore copy that must stay identical.
import { describe, expect, it } from 'vitest';
import { KVStore, ErrCompacted, KvError, type KeyValue, type RequestOp } from '../../src/engine/mvcc/index.ts';
import { Prng } from '../../src/engine/util/prng.ts';
import { FROM_KEY, b, kvRow } from './helpers.ts';

interface Write {
  rev: number;
  key: string;
  value: string | null; // null: deleted
  lease: string;
}

class Model {
  writes: Write[] = [];
  rev = 1;
  compactRev = -1;

  /** Each key's KeyValue row at rev, in key order. */
  at(rev: number, from = '', to = '\uffff'): ReturnType<typeof kvRow>[] {
    const state = new Map<string, { value: string; create: number; mod: number; version: number; lease: string } | null>();
    for (const w of this.writes) {
      if (w.rev > rev) break;
      const cur = state.get(w.key);
      if (w.value === null) state.set(w.key, null);
      else if (!cur) state.set(w.key, { value: w.value, create: w.rev, mod: w.rev, version: 1, lease: w.lease });
      else state.set(w.key, { value: w.value, create: cur.create, mod: w.rev, version: cur.version + 1, lease: w.lease });
    }
    return [...state]
      .filter(([k, v]) => v !== null && k >= from && k < to)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([k, v]) => [k, v!.value, v!.create, v!.mod, v!.version, v!.lease]);
  }

  alive(rev: number): Set<string> {
    return new Set(this.at(rev).map((r) => r[0]));
  }

  commit(ws: Omit<Write, 'rev'>[]): void {
    if (ws.length === 0) return;
    this.rev++;
    for (const w of ws) this.writes.push({ ...w, rev: this.rev });
  }
}

const rows = (kvs: KeyValue[]) => kvs.map(kvRow);

function run(seed: number, steps: number): void {
  const rng = new Prng(seed);
  const s = new KVStore();
  const m = new Model();
  const key = () => `k${rng.int(12)}`;
  for (let step = 0; step < steps; step++) {
    const op = rng.int(100);
    if (op < 45) {
      const k = key();
      const lease = rng.chance(0.2) ? String(1 + rng.int(3)) : '0';
      s.put({ key: b(k), value: b(`v${step}`), lease });
      m.commit([{ key: k, value: `v${step}`, lease }]);
    } else if (op < 60) {
      const k = key();
      const n = s.deleteRange({ key: b(k) }).deleted;
      const alive = m.alive(m.rev).has(k);
      expect(n).toBe(alive ? 1 : 0);
      m.commit(alive ? [{ key: k, value: null, lease: '0' }] : []);
    } else if (op < 68) {
      const [lo, hi] = [key(), key()].sort();
      const victims = [...m.alive(m.rev)].filter((k) => k >= lo! && k < hi!).sort();
      expect(s.deleteRange({ key: b(lo!), rangeEnd: b(hi!) }).deleted).toBe(victims.length);
      m.commit(victims.map((k) => ({ key: k, value: null, lease: '0' })));
    } else if (op < 88) {
      // A txn guarded on one key's existence, writing up to three distinct keys.
      const guard = key();
      const ks = [...new Set([key(), key(), key()])];
      const ops: RequestOp[] = ks.map((k, i) => (i === 2 ? { requestDeleteRange: { key: b(k) } } : { requestPut: { key: b(k), value: b(`t${step}`) } }));
      const exists = m.alive(m.rev).has(guard);
      const r = s.txn({ compare: [{ key: b(guard), target: 'VERSION', result: 'GREATER', version: 0 }], success: ops, failure: ops.slice(0, 1) });
      expect(r.succeeded).toBe(exists);
      const alive = m.alive(m.rev);
      const chosen = exists ? ks : ks.slice(0, 1);
      const ws = chosen.flatMap((k, i): Omit<Write, 'rev'>[] =>
        i === 2 ? (alive.has(k) ? [{ key: k, value: null, lease: '0' }] : []) : [{ key: k, value: `t${step}`, lease: '0' }],
      );
      m.commit(ws);
      expect(r.header.revision).toBe(m.rev);
    } else if (op < 93) {
      const rev = m.compactRev + 1 + rng.int(Math.max(1, m.rev - m.compactRev));
      if (rev <= m.rev && rev > m.compactRev) {
        s.compact(rev);
        m.compactRev = rev;
      }
    } else {
      // A copy through a snapshot must answer exactly the same.
      const c = new KVStore();
      c.restore(s.snapshot());
      expect(c.hashKV()).toEqual(s.hashKV());
      expect(rows(c.range({ key: FROM_KEY, rangeEnd: FROM_KEY }).kvs)).toEqual(rows(s.range({ key: FROM_KEY, rangeEnd: FROM_KEY }).kvs));
    }
    expect(s.rev).toBe(m.rev);
    // Current state, a random readable revision, and a compacted one.
    expect(rows(s.range({ key: FROM_KEY, rangeEnd: FROM_KEY }).kvs), `step ${step}`).toEqual(m.at(m.rev));
    const lo = Math.max(1, m.compactRev);
    const rev = lo + rng.int(m.rev - lo + 1);
    const [from, to] = [key(), key()].sort();
    expect(rows(s.range({ key: b(from!), rangeEnd: b(to!), revision: rev }).kvs), `step ${step} rev ${rev}`).toEqual(m.at(rev, from, to));
    if (m.compactRev > 1) {
      expect(() => s.range({ key: b('k1'), revision: m.compactRev - 1 })).toThrow(new KvError(ErrCompacted));
    }
  }
}

describe('random workloads against a reference model', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}`, () => run(seed, 400));
  }
});
