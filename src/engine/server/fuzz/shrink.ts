// Shrinking a failing seed: the same seed re-run with fewer fault kinds,
// fewer client operations and fewer members, keeping each cut that still
// fails the same check. Runs are deterministic, so the result replays; its
// fault schedule is the smaller story to read.
import { DEFAULT_OPS, runFuzz } from './run.ts';
import type { FuzzOptions, FuzzResult } from './types.ts';

/** At most this many re-runs. */
const MAX_RUNS = 24;
const MIN_OPS = 10;

export interface Shrunk {
  opts: FuzzOptions;
  result: FuzzResult;
  runs: number;
}

/** The smallest options found that still fail r's check (r itself if nothing smaller does). */
export function shrink(opts: FuzzOptions, r: FuzzResult): Shrunk {
  const check = r.failure?.check;
  let best: Shrunk = { opts: { ...opts, nodes: r.stats.nodes, faults: r.stats.faultKinds }, result: r, runs: 0 };
  if (check === undefined) return best;
  let runs = 0;
  const tryOpts = (o: FuzzOptions): boolean => {
    if (runs >= MAX_RUNS) return false;
    runs++;
    let res: FuzzResult;
    try {
      res = runFuzz(o);
    } catch {
      return false;
    }
    if (res.failure?.check !== check) return false;
    best = { opts: o, result: res, runs };
    return true;
  };
  // Fewer fault kinds, one at a time (keep at least one).
  for (const kind of [...(best.opts.faults ?? [])]) {
    const fewer = (best.opts.faults ?? []).filter((k) => k !== kind);
    if (fewer.length > 0) tryOpts({ ...best.opts, faults: fewer });
  }
  // Fewer client operations, halving.
  for (let ops = Math.floor((best.opts.ops ?? DEFAULT_OPS) / 2); ops >= MIN_OPS; ops = Math.floor((best.opts.ops ?? DEFAULT_OPS) / 2)) {
    if (!tryOpts({ ...best.opts, ops })) break;
  }
  if (best.opts.nodes === 5) tryOpts({ ...best.opts, nodes: 3 });
  return { ...best, runs };
}
