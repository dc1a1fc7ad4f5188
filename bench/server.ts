// Server apply-layer benchmark: puts per second through the whole apply path
// of one member, in a tight loop - build the InternalRaftRequest (request ID
// from the member's generator), encode it to entry bytes, and apply the entry
// (decode, auth and quota checks, the KV store, the response header, the
// result kept by request ID). Raft is not involved; this is the ceiling the
// cluster's own puts/s can reach. runServerBench() returns the figures for
// bench/index.ts; `npx tsx bench/server.ts` runs it alone (add --json for one
// JSON object).
import { pathToFileURL } from 'node:url';
import { IdGenerator } from '../src/engine/lease/idgen.ts';
import type { Entry } from '../src/engine/raft/types.ts';
import { EtcdStateMachine, encodeInternalRaftRequest } from '../src/engine/server/index.ts';
import { fmtInt, nowMs } from './util.ts';

const KEYS = 100_000;
const VALUE_BYTES = 256;
const MEMBER = '8e9e05c52164694d';
const encoder = new TextEncoder();

function keyOf(i: number): Uint8Array {
  return encoder.encode(`key${String(i).padStart(6, '0')}`);
}

/** Encode + apply puts per second into a fresh member (distinct keys, then overwrites), best of a few rounds. */
function applyPutsPerSec(): number {
  const n = 200_000;
  const keys = Array.from({ length: KEYS }, (_, i) => keyOf(i));
  const value = new Uint8Array(VALUE_BYTES).fill(98);
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const sm = new EtcdStateMachine({ nodeId: MEMBER }, { clusterId: 'cdf818194e3a8c32' });
    const ids = new IdGenerator(MEMBER, 1_600_000_000_000);
    const t0 = nowMs();
    for (let i = 0; i < n; i++) {
      const data = encodeInternalRaftRequest({
        header: { ID: ids.next(), username: '', authRevision: 0 },
        put: { key: keys[i % KEYS]!, value },
      });
      const e: Entry = { term: 2, index: i + 1, type: 'EntryNormal', data };
      sm.apply(e);
    }
    const dt = nowMs() - t0;
    if (sm.kv.rev !== n + 1) throw new Error(`server bench: revision ${sm.kv.rev}, want ${n + 1}`);
    best = Math.max(best, n / (dt / 1000));
  }
  return best;
}

export function runServerBench(): Record<string, number> {
  return { 'server.applyPutsPerSec': Math.round(applyPutsPerSec()) };
}

/** The human-readable lines for runServerBench's figures. */
export function describeServerBench(out: Record<string, number>): string[] {
  return [
    `server apply puts: ${fmtInt(out['server.applyPutsPerSec']!).padStart(8)} puts/s (build + encode + apply an entry; 256-byte values)`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const json = process.argv.slice(2).includes('--json');
  const out = runServerBench();
  if (json) console.log(JSON.stringify(out));
  else for (const line of describeServerBench(out)) console.log(line);
}
