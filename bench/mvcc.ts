// MVCC store benchmark: puts/s in a tight loop, the time of a 1000-key range
// on a 100k-key store, and the heap that store holds (100k keys, 256-byte
// values). runMvccBench() returns the figures for bench/index.ts;
// `npx tsx bench/mvcc.ts` runs it alone (add --json for one JSON object).
import { pathToFileURL } from 'node:url';
import { KVStore } from '../src/engine/mvcc/index.ts';
import { fmtInt, fmtMiB, gcAvailable, memory, nowMs } from './util.ts';

const KEYS = 100_000;
const VALUE_BYTES = 256;
const encoder = new TextEncoder();

/** key000000 .. key099999: fixed width, so key order is numeric order. */
function keyOf(i: number): Uint8Array {
  return encoder.encode(`key${String(i).padStart(6, '0')}`);
}

function valueOf(i: number): Uint8Array {
  const v = new Uint8Array(VALUE_BYTES);
  v.fill(97 + (i % 26));
  return v;
}

function fill(s: KVStore, n: number): void {
  const value = valueOf(0);
  for (let i = 0; i < n; i++) s.put({ key: keyOf(i), value });
}

/** Puts per second into a fresh store (distinct keys, then overwrites), best of a few rounds. */
function putsPerSec(): number {
  const n = 200_000;
  const keys = Array.from({ length: KEYS }, (_, i) => keyOf(i));
  const value = valueOf(1);
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const s = new KVStore();
    const t0 = nowMs();
    for (let i = 0; i < n; i++) s.put({ key: keys[i % KEYS]!, value });
    const dt = nowMs() - t0;
    if (s.rev !== n + 1) throw new Error(`mvcc bench: revision ${s.rev}, want ${n + 1}`);
    best = Math.max(best, n / (dt / 1000));
  }
  return best;
}

/** Mean ms of ranging 1000 consecutive keys of a 100k-key store. */
function range1000Ms(s: KVStore): number {
  const rounds = 50;
  let total = 0;
  for (let r = 0; r < rounds + 5; r++) {
    const start = (r * 1_777) % (KEYS - 1000);
    const t0 = nowMs();
    const resp = s.range({ key: keyOf(start), rangeEnd: keyOf(start + 1000) });
    const dt = nowMs() - t0;
    if (resp.kvs.length !== 1000 || resp.count !== 1000) throw new Error(`mvcc bench: range returned ${resp.kvs.length}`);
    if (r >= 5) total += dt; // the first few warm up
  }
  return total / rounds;
}

export function runMvccBench(): Record<string, number> {
  const out: Record<string, number> = {};
  out['mvcc.putsPerSec'] = Math.round(putsPerSec());

  const before = memory();
  let s: KVStore | undefined = new KVStore();
  fill(s, KEYS);
  const after = memory();
  out['kv.heapBytes100kKeys'] = after.heapUsed - before.heapUsed;
  out['kv.range1000.ms'] = Number(range1000Ms(s).toFixed(3));
  out['kv.dbSize100kKeys'] = s.dbSize;
  s = undefined;
  return out;
}

/** The human-readable lines for runMvccBench's figures. */
export function describeMvccBench(out: Record<string, number>): string[] {
  return [
    `mvcc puts:        ${fmtInt(out['mvcc.putsPerSec']!).padStart(9)} puts/s (256-byte values, straight into the store)`,
    `kv range 1000:    ${out['kv.range1000.ms']!.toFixed(3).padStart(9)} ms (of a ${fmtInt(KEYS)}-key store)`,
    `kv heap 100k keys: ${fmtMiB(out['kv.heapBytes100kKeys']!)} (${VALUE_BYTES}-byte values; db size ${fmtMiB(out['kv.dbSize100kKeys']!)})`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const json = process.argv.slice(2).includes('--json');
  const out = runMvccBench();
  if (json) {
    console.log(JSON.stringify(out));
  } else {
    if (!gcAvailable) console.log('(no forced GC available: heap figures include garbage)');
    for (const line of describeMvccBench(out)) console.log(line);
  }
}
