// Benchmark entry point: `npm run bench` (human-readable) or
// `npm run bench -- --json` (one flat JSON object on stdout, nothing else).
// Figures only: a benchmark never fails on them, only on wrong results.
import { DEFAULT_RAFT_OPTIONS, RaftBench, type RunFigures } from './raft.ts';
import { describeMvccBench, runMvccBench } from './mvcc.ts';
import { describeKvBench, runKvBench } from './kv.ts';
import { describeServerBench, runServerBench } from './server.ts';
import { fmtInt, fmtMiB, gcAvailable, memory } from './util.ts';
import { describeUiBench, runUiBench } from './ui/index.ts';

const json = process.argv.slice(2).includes('--json');
const opts = DEFAULT_RAFT_OPTIONS;
const out: Record<string, number> = {};
const say = (line: string) => {
  if (!json) console.log(line);
};

function record(prefix: string, f: RunFigures): void {
  out[`${prefix}.proposalsPerSec`] = Math.round(f.proposalsPerSec);
  out[`${prefix}.eventsPerSec`] = Math.round(f.eventsPerSec);
  out[`${prefix}.proposals`] = f.proposals;
  out[`${prefix}.wallMs`] = Math.round(f.wallMs);
  out[`${prefix}.cpuMs`] = Math.round(f.cpuMs);
  out[`${prefix}.proposalsPerCpuSec`] = Math.round(f.proposals / (f.cpuMs / 1000));
}

say(`raft bench: seed ${opts.seed}, zero-latency network, trace off, default snapshotCount, ${opts.warmSec} s warm-up + ${opts.targetSec} s per figure`);
if (!gcAvailable) say('(no forced GC available: heap figures include garbage)');

for (const nodes of [3, 5]) {
  const key = `raft.nodes${nodes}`;
  let b: RaftBench | undefined = new RaftBench(nodes, opts.seed);

  b.single(opts.warmSec * 1000); // warm-up
  const single = b.single(opts.targetSec * 1000);
  record(`${key}.single`, single);
  say(`raft ${nodes} nodes, single:  ${fmtInt(single.proposalsPerSec).padStart(9)} committed proposals/s (${fmtInt(single.proposals)} in ${(single.wallMs / 1000).toFixed(2)} s wall, ${(single.cpuMs / 1000).toFixed(2)} s cpu = ${fmtInt(single.proposals / (single.cpuMs / 1000))}/cpu-s; ${fmtInt(single.eventsPerSec)} events/s)`);

  const { batchSize, depth } = opts;
  b.batched(opts.warmSec * 1000, batchSize, depth); // warm-up
  const batched = b.batched(opts.targetSec * 1000, batchSize, depth);
  record(`${key}.batched`, batched);
  out[`${key}.batched.batchSize`] = batchSize;
  out[`${key}.batched.depth`] = depth;
  say(`raft ${nodes} nodes, batched: ${fmtInt(batched.proposalsPerSec).padStart(9)} committed proposals/s (batches of ${batchSize}, ${depth} in flight; ${fmtInt(batched.proposals)} in ${(batched.wallMs / 1000).toFixed(2)} s wall, ${(batched.cpuMs / 1000).toFixed(2)} s cpu = ${fmtInt(batched.proposals / (batched.cpuMs / 1000))}/cpu-s; ${fmtInt(batched.eventsPerSec)} events/s)`);

  b.verify();
  out[`${key}.totalProposals`] = b.proposed;
  const after = memory(); // with the cluster still alive
  b = undefined;
  const released = memory(); // the cluster's own footprint is the difference
  out[`${key}.heapBytes`] = after.heapUsed;
  out[`${key}.clusterHeapBytes`] = after.heapUsed - released.heapUsed;
  out[`${key}.rssBytes`] = after.rss;
  say(`raft ${nodes} nodes heap: ${fmtMiB(after.heapUsed)} (cluster itself: ${fmtMiB(after.heapUsed - released.heapUsed)}), rss: ${fmtMiB(after.rss)}`);
}

const mvcc = runMvccBench();
Object.assign(out, mvcc);
for (const line of describeMvccBench(mvcc)) say(line);

const server = runServerBench();
Object.assign(out, server);
for (const line of describeServerBench(server)) say(line);

const kv = runKvBench();
Object.assign(out, kv);
for (const line of describeKvBench(kv)) say(line);

// The page in headless Chromium (skipped, with the reason, where there is none).
const ui = await runUiBench();
if (typeof ui === 'string') say(`ui bench skipped: ${ui}`);
else {
  Object.assign(out, ui);
  for (const line of describeUiBench(ui)) say(line);
}

out['gcForced'] = gcAvailable ? 1 : 0;
if (json) console.log(JSON.stringify(out));
