// `npm run bench:server`: the same client workload (workload.ts) against
// this project's server mode and, when /usr/bin/etcd is installed, against
// real etcd 3.4.23 started the same way (one and three members on
// loopback, data dirs in a temp dir so fsync is on), in one run. Prints each
// figure with the ratio ours/etcd, and the server's CPU time per operation
// (from /proc: it stays comparable when other work shares the machine),
// then one flat JSON object on its own line (`-- --json` prints only that).
// Both clusters run side by side and every phase measures them in turns of
// --slice-ms each (default 500) with --gap-ms between turns (default 150),
// after --warmup-ms of turns unmeasured (default 3000: a fresh server of
// ours runs its request path in V8's slower tiers for its first seconds of
// traffic, and the figures are of a server that has warmed up), until each had
// --phase-ms (default 3000). A round does that on fresh clusters, --rounds
// times (default 5, as one round's p99 ratio moves by 0.2 or more on this
// shared host; which goes first alternates), and every figure is the
// median of its rounds; a ratio is the median of the rounds' own ratios,
// each from two sides measured in the same stretch of the host's time.
// Options: --members 1,3  --phases seqPuts,...  --phase-ms N  --warmup-ms N  --slice-ms N  --gap-ms N  --rounds N
// --each (every round's ratios as well).
// BENCH_SERVER_NODE_ARGS adds Node flags to our server (e.g. "--cpu-prof --cpu-prof-dir=DIR").
import { fmtInt, fmtMiB } from '../util.ts';
import { type Kind, type Target, etcdInstalled, startEtcd, startOurs } from './targets.ts';
import { PHASES, PHASE_LABELS, type Phase, type PhaseFigures, runWorkload } from './workload.ts';

const argv = process.argv.slice(2);

/** Bad options stop the run before anything starts, with what was wrong. */
function usage(msg: string): never {
  process.stderr.write(`bench:server: ${msg}\n`);
  process.exit(2);
}

function option(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
}

/** A numeric option, at least min; anything else stops the run with the option's name. */
function numOption(name: string, fallback: number, min: number): number {
  const raw = option(name, String(fallback));
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) usage(`--${name}: want a number of at least ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

const json = argv.includes('--json');
const each = argv.includes('--each');
const memberCounts = option('members', '1,3').split(',').map(Number);
for (const m of memberCounts) if (!Number.isInteger(m) || m < 1) usage(`--members: want member counts such as 1,3, got ${JSON.stringify(option('members', ''))}`);
const phaseMs = numOption('phase-ms', 3000, 1);
const warmupMs = numOption('warmup-ms', 3000, 0);
const sliceMs = numOption('slice-ms', 500, 50);
const gapMs = numOption('gap-ms', 150, 0);
const phases = option('phases', PHASES.join(',')).split(',') as Phase[];
for (const p of phases) if (!PHASES.includes(p)) usage(`unknown phase ${p}: one of ${PHASES.join(', ')}`);
const rounds = Math.floor(numOption('rounds', 5, 1));
const say = (line: string): void => {
  if (!json) console.log(line);
};

type Results = Record<Phase, PhaseFigures> & { rssBytes: number };

/** One round: fresh clusters of each kind, measured in turns; their results by kind. */
async function measure(kinds: Kind[], members: number): Promise<Partial<Record<Kind, Results>>> {
  const targets: Target[] = [];
  try {
    for (const kind of kinds) targets.push(kind === 'ours' ? await startOurs(members) : await startEtcd(members));
    const sides = targets.map((t) => ({ endpoints: t.endpoints, cpuMs: () => t.cpuMs() }));
    const figures = await runWorkload(sides, { phases, phaseMs, warmupMs, sliceMs, gapMs });
    return Object.fromEntries(targets.map((t, i) => [t.kind, { ...figures[i]!, rssBytes: t.rssBytes() }]));
  } finally {
    for (const t of targets) await t.stop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Each figure of each phase: its median over the rounds (resident memory: the largest). */
function medianResults(rs: Results[]): Results {
  const out = { rssBytes: Math.max(...rs.map((r) => r.rssBytes)) } as Results;
  for (const p of phases) {
    const f = (k: keyof PhaseFigures): number => median(rs.map((r) => r[p][k]));
    out[p] = { opsPerSec: f('opsPerSec'), p50Ms: f('p50Ms'), p99Ms: f('p99Ms'), serverCpuUsPerOp: f('serverCpuUsPerOp') };
  }
  return out;
}

/** Latency phases are read by their percentiles, throughput phases by ops/s. */
const isLatency = (p: Phase): boolean => p === 'watchLatency';

/** ours/etcd for one phase: throughput (p50 for a latency phase), and p99. */
interface Ratios {
  main: number;
  p99: number;
}

function ratiosOf(p: Phase, ours: PhaseFigures, etcd: PhaseFigures): Ratios {
  return { main: isLatency(p) ? ours.p50Ms / etcd.p50Ms : ours.opsPerSec / etcd.opsPerSec, p99: ours.p99Ms / etcd.p99Ms };
}

function line(p: Phase, ours: PhaseFigures, etcd: PhaseFigures | undefined, r: Ratios | undefined): string {
  const x = (v: number | undefined): string => (v === undefined ? '-' : `${v.toFixed(2)}x`);
  const label = PHASE_LABELS[p].padEnd(34);
  if (isLatency(p)) {
    const theirs = etcd ? `; etcd ${etcd.p50Ms.toFixed(2)} / ${etcd.p99Ms.toFixed(2)} ms` : '';
    return `  ${label} p50 ${ours.p50Ms.toFixed(2)} ms, p99 ${ours.p99Ms.toFixed(2)} ms${theirs}; ours/etcd p50 ${x(r?.main)}, p99 ${x(r?.p99)}`;
  }
  const theirs = etcd ? `; etcd ${fmtInt(etcd.opsPerSec).padStart(7)}/s (p99 ${etcd.p99Ms.toFixed(2)} ms)` : '';
  return `  ${label} ${fmtInt(ours.opsPerSec).padStart(7)}/s (p50 ${ours.p50Ms.toFixed(2)} ms, p99 ${ours.p99Ms.toFixed(2)} ms)${theirs}; ours/etcd ${x(r?.main)}, p99 ${x(r?.p99)}`;
}

/** One round's ratios for one phase (--each): how far the rounds behind the medians spread. */
function roundLine(round: number, p: Phase, ours: PhaseFigures, etcd: PhaseFigures): string {
  const r = ratiosOf(p, ours, etcd);
  const main = isLatency(p) ? `p50 ${r.main.toFixed(2)}x` : `${r.main.toFixed(2)}x`;
  return `  round ${round + 1} ${PHASE_LABELS[p].padEnd(34)} ours/etcd ${main}, p99 ${r.p99.toFixed(2)}x (${ours.p99Ms.toFixed(2)} vs ${etcd.p99Ms.toFixed(2)} ms)`;
}

function cpuLine(p: Phase, ours: PhaseFigures, etcd: PhaseFigures | undefined): string {
  const theirs = etcd ? `, etcd ${fmtInt(etcd.serverCpuUsPerOp)} µs; ours/etcd ${(ours.serverCpuUsPerOp / etcd.serverCpuUsPerOp).toFixed(2)}x` : '';
  return `    server CPU per op: ours ${fmtInt(ours.serverCpuUsPerOp)} µs${theirs}`;
}

async function main(): Promise<void> {
  const withEtcd = etcdInstalled();
  const out: Record<string, number> = {};
  say(`server-mode bench: etcd3 npm client on every endpoint, both measured in turns of ${sliceMs} ms ${gapMs} ms apart, ${phaseMs} ms each per phase after ${warmupMs} ms unmeasured, median of ${rounds} rounds (a ratio: the median of the rounds' own ratios), 256-byte values, fsync on${withEtcd ? '' : ' (no etcd installed: ours only)'}`);
  for (const members of memberCounts) {
    const runs: Record<Kind, Results[]> = { ours: [], etcd: [] };
    for (let r = 0; r < rounds; r++) {
      const order: Kind[] = withEtcd ? (r % 2 === 0 ? ['ours', 'etcd'] : ['etcd', 'ours']) : ['ours'];
      const round = await measure(order, members);
      for (const kind of order) runs[kind].push(round[kind]!);
      if (each && round.etcd) for (const p of phases) say(roundLine(r, p, round.ours![p], round.etcd[p]));
    }
    const ours = medianResults(runs.ours);
    const etcd = withEtcd ? medianResults(runs.etcd) : undefined;
    say(`${members} member${members === 1 ? '' : 's'}:`);
    for (const p of phases) {
      // Each round measured both in the same stretch of the host's time: the ratio is the median of the rounds' own ratios.
      const perRound = runs.etcd.map((e, i) => ratiosOf(p, runs.ours[i]![p], e[p]));
      const ratios = etcd ? { main: median(perRound.map((x) => x.main)), p99: median(perRound.map((x) => x.p99)) } : undefined;
      say(line(p, ours[p], etcd?.[p], ratios));
      say(cpuLine(p, ours[p], etcd?.[p]));
      for (const [kind, r] of [['ours', ours], ['etcd', etcd]] as const) {
        if (!r) continue;
        const k = `serverMode.${kind}.members${members}.${p}`;
        if (isLatency(p)) {
          out[`${k}.p50Ms`] = Number(r[p].p50Ms.toFixed(3));
          out[`${k}.p99Ms`] = Number(r[p].p99Ms.toFixed(3));
        } else {
          out[`${k}.opsPerSec`] = Math.round(r[p].opsPerSec);
          out[`${k}.p99Ms`] = Number(r[p].p99Ms.toFixed(3));
        }
        out[`${k}.serverCpuUsPerOp`] = Math.round(r[p].serverCpuUsPerOp);
      }
      if (ratios) {
        const k = `serverMode.ratio.members${members}.${p}`;
        out[k] = Number(ratios.main.toFixed(3));
        out[`${k}.p99`] = Number(ratios.p99.toFixed(3));
      }
    }
    out[`serverMode.ours.members${members}.rssBytes`] = ours.rssBytes;
    if (etcd) out[`serverMode.etcd.members${members}.rssBytes`] = etcd.rssBytes;
    say(`  resident memory after the run: ours ${fmtMiB(ours.rssBytes)}${etcd ? `, etcd ${fmtMiB(etcd.rssBytes)}` : ''}`);
  }
  console.log(JSON.stringify(out));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
