// fuzz --seeds A..B [--nodes 3|5] [--faults LIST] [--ops N] [--bug LIST] [--strict] [--quiet]
// Runs one simulated etcd cluster per seed under random faults and random
// clients and watches (src/engine/server/fuzz), checking raft safety after
// every step, then liveness, linearizability, serializable reads and the
// watch guarantees. Prints one line per seed (with the command that replays
// a failing one), then "fuzz: N seeds, N ops, N faults injected, N violations";
// exits 1 on any violation. --bug plants a deliberate bug (see BUG_KINDS) to
// show that the checks catch it. --strict also fails on known etcd 3.4.23 bugs the
// engine reproduces on purpose (etcd-io/etcd#18089), which are excused otherwise.
import { performance } from 'node:perf_hooks';
import {
  BUG_KINDS,
  DEFAULT_OPS,
  FAULT_KINDS,
  FuzzTotals,
  parseBugs,
  parseFaults,
  replayCommand,
  runFuzz,
  shrink,
  summarize,
  type BugKind,
  type FaultKind,
  type FuzzOptions,
} from '../../engine/server/fuzz/index.ts';

/** Most seeds one invocation runs. */
const MAX_SEEDS = 1_000_000;

function usage(message?: string): never {
  if (message) console.error(`fuzz: ${message}`);
  console.error('usage: fuzz --seeds A..B [--nodes 3|5] [--faults LIST|all] [--ops N] [--bug LIST] [--strict] [--quiet]');
  console.error(`  faults: ${FAULT_KINDS.join(',')}`);
  console.error(`  bugs:   ${BUG_KINDS.join(',')}`);
  process.exit(2);
}

function parseSeeds(s: string): [number, number] {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(s);
  if (!m) usage(`--seeds wants A..B or N, got "${s}"`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (b < a) usage(`--seeds ${s}: the range is empty`);
  if (b - a + 1 > MAX_SEEDS) usage(`--seeds ${s}: at most ${MAX_SEEDS} seeds`);
  return [a, b];
}

function main(argv: string[]): number {
  let seeds: [number, number] = [1, 10];
  let nodes: number | undefined;
  let faults: FaultKind[] | undefined;
  let ops = DEFAULT_OPS;
  let bugs: BugKind[] = [];
  let quiet = false;
  let strict = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = (): string => argv[++i] ?? usage(`${a} needs a value`);
    try {
      if (a === '--seeds') seeds = parseSeeds(val());
      else if (a === '--nodes') {
        nodes = Number(val());
        if (nodes !== 3 && nodes !== 5) usage('--nodes must be 3 or 5');
      } else if (a === '--faults') faults = parseFaults(val());
      else if (a === '--ops') {
        ops = Number(val());
        if (!Number.isInteger(ops) || ops < 1 || ops > 100_000) usage('--ops must be 1..100000');
      } else if (a === '--bug') bugs = parseBugs(val());
      else if (a === '--quiet') quiet = true;
      else if (a === '--strict') strict = true;
      else if (a === '-h' || a === '--help') usage();
      else usage(`unknown argument ${a}`);
    } catch (e) {
      usage((e as Error).message);
    }
  }

  const totals = new FuzzTotals();
  const t0 = performance.now();
  for (let seed = seeds[0]; seed <= seeds[1]; seed++) {
    const opts: FuzzOptions = { seed, nodes, faults, ops, bugs, strict };
    let replay = `npm run fuzz -- --seeds ${seed}`;
    let line: string;
    let ok = false;
    try {
      const r = runFuzz(opts);
      totals.add(r);
      ok = !r.failure;
      line = summarize(r);
      replay = replayCommand(r, opts);
      if (r.failure) {
        // The same seed with fewer fault kinds, operations and members, still failing the same check.
        const s = shrink(opts, r);
        replay += `\n  shrunk (${s.runs} re-runs): ${replayCommand(s.result, s.opts)}`;
        replay += `\n  schedule: ${s.result.stats.schedule.join(', ') || 'no faults'}`;
      }
    } catch (e) {
      // An exception out of the engine is a failure of the run, not of the fuzz.
      line = `seed ${seed}: FAIL engine-error: ${(e as Error).stack ?? String(e)}`;
      totals.addError();
    }
    if (!ok) console.log(`${line}\n  replay: ${replay}`);
    else if (!quiet) console.log(line);
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`${totals.line()} (${secs.toFixed(1)} s, ${(totals.seeds / secs).toFixed(2)} seeds/s)`);
  return totals.violations > 0 ? 1 : 0;
}

// Piping into `head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = main(process.argv.slice(2));
