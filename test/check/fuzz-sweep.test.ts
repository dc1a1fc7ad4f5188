// The fuzz's sweep in npm test: 300 seeds, each a random cluster (3 or 5
// members) under a random mix of every fault kind with short, random client
// workloads, checked for raft safety, linearizability, the watch guarantees,
// lease expiry and liveness. Prints the fuzz's own summary line.
import { afterAll, describe, expect, it } from 'vitest';
import { FuzzTotals, runFuzz, summarize } from '../../src/engine/server/fuzz/index.ts';

const SEEDS = 300;
const CHUNK = 50;
const totals = new FuzzTotals();

describe(`fuzz sweep: seeds 1001..${1000 + SEEDS}`, () => {
  it.each(Array.from({ length: SEEDS / CHUNK }, (_, i) => 1001 + i * CHUNK))('seeds %i.. (50)', (first) => {
    const failed: string[] = [];
    for (let seed = first; seed < first + CHUNK; seed++) {
      const r = runFuzz({ seed, ops: 60 });
      totals.add(r);
      if (r.failure) failed.push(summarize(r));
    }
    expect(failed).toEqual([]);
  });

  afterAll(() => {
    console.log(totals.line());
    expect(totals.seeds).toBe(SEEDS);
    expect(totals.faults).toBeGreaterThan(SEEDS);
  });
});
