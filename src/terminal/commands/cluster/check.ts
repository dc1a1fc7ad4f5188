// etcdctl check perf / check datascale (ctlv3/command/check.go, 3.4), run
// against the simulated cluster in virtual time: a rate-limited put load from
// many clients, pb's progress bar on stdout, then etcdctl's verdict lines.
import type { RequestError } from '../../../engine/api/service.ts';
import type { Client } from '../../../engine/client/client.ts';
import { prefixEnd } from '../../../engine/client/prefix.ts';
import { utf8 } from '../../../engine/util/bytes.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadFeature, ExitError, ExitInvalidInput } from '../../core/io.ts';
import { errorText, isRequestError } from '../../core/errors.ts';
import { goQuote, outputFormat, request } from '../../print/index.ts';
import { goDurationString } from '../../core/goparse.ts';
import { clientFor, dialable } from './common.ts';

const LOADS: Record<string, string> = { s: 's', small: 's', m: 'm', medium: 'm', l: 'l', large: 'l', xl: 'xl', xLarge: 'xl' };
const PERF = {
  s: { limit: 150, clients: 50, duration: 60 },
  m: { limit: 1000, clients: 200, duration: 60 },
  l: { limit: 8000, clients: 500, duration: 60 },
  xl: { limit: 15000, clients: 1000, duration: 60 },
} as const;
const DATASCALE = {
  s: { limit: 10000, kvSize: 1024, clients: 50 },
  m: { limit: 100000, kvSize: 1024, clients: 200 },
  l: { limit: 1000000, kvSize: 1024, clients: 500 },
  xl: { limit: 3000000, kvSize: 1024, clients: 1000 },
} as const;
type Load = keyof typeof PERF;

/** A small deterministic generator for the random keys (Go's rand.Int63n stand-in). */
function keyGen(seed: number): () => Uint8Array {
  let x = BigInt(seed) | 1n;
  return () => {
    x ^= (x << 13n) & 0xffffffffffffffffn;
    x ^= x >> 7n;
    x ^= (x << 17n) & 0xffffffffffffffffn;
    // binary.PutVarint of a non-negative int63 (zig-zag, then base-128).
    let v = (x & 0x7fffffffffffffffn) << 1n;
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    return Uint8Array.from(out);
  };
}

/** pb's counter line: "\r 12 / 60   20.00% 00m48s" (no time left at 0 or at the end). */
function barLine(cur: number, total: number, left: string): string {
  const pct = ((cur / total) * 100).toFixed(2).padStart(6, ' ');
  return `\r ${cur} / ${total}  ${pct}%${left ? ' ' + left : ''}`;
}

function mmss(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}m${String(s % 60).padStart(2, '0')}s`;
}

/** pb's Finish: the elapsed time, rounded to seconds. */
function elapsed(ms: number): string {
  return goDurationString(Math.round(ms / 1000) * 1000);
}

interface Stats {
  count: number;
  rps: number;
  slowest: number;
  stddev: number;
  errors: Map<string, number>;
}

/** pkg/report's figures: requests per second, slowest and stddev of latencies (seconds). */
function stats(lats: number[], errors: Map<string, number>, totalSec: number): Stats {
  const n = lats.length;
  const mean = n ? lats.reduce((a, b) => a + b, 0) / n : 0;
  const variance = n ? lats.reduce((a, b) => a + (b - mean) ** 2, 0) / n : 0;
  return { count: n, rps: totalSec > 0 ? n / totalSec : 0, slowest: n ? Math.max(...lats) : 0, stddev: Math.sqrt(variance), errors };
}

function loadOf(ctx: CommandContext): Load {
  const l = LOADS[ctx.str('load')];
  if (!l) ctx.fail(ExitBadFeature, `unknown load option ${ctx.str('load')}`);
  return l as Load;
}

/** A put on one of the clients, timed; resolves with its latency in seconds or its error. */
async function timedPut(ctx: CommandContext, c: Client, key: Uint8Array, value: Uint8Array): Promise<number | RequestError> {
  const st = ctx.world.now();
  try {
    await ctx.call(c.put.bind(c, { key, value }), { timeoutMs: Number.MAX_SAFE_INTEGER / 2 });
    return (ctx.world.now() - st) / 1000;
  } catch (e) {
    if (!isRequestError(e)) throw e;
    return e;
  }
}

async function emptyPrefix(ctx: CommandContext, c: Client, prefix: string): Promise<void> {
  const key = utf8(prefix);
  const resp = await request(ctx, ctx.call(c.get.bind(c, { key, rangeEnd: prefixEnd(key), limit: 1 })));
  if (resp.kvs.length > 0) ctx.fail(ExitInvalidInput, `prefix ${goQuote(prefix)} has keys. Delete with etcdctl del --prefix ${prefix} first`);
}

async function cleanup(ctx: CommandContext, c: Client, prefix: string, autoCompact: boolean): Promise<void> {
  const key = utf8(prefix);
  let rev: number;
  try {
    rev = (await ctx.call(c.del.bind(c, { key, rangeEnd: prefixEnd(key) }), { timeoutMs: 30_000 })).header.revision;
  } catch (e) {
    if (!isRequestError(e)) throw e;
    ctx.out(`FAIL: Cleanup failed during key deletion: ERROR(${errorText(e)})\n`);
    return;
  }
  if (autoCompact) await compact(ctx, c, rev);
}

async function compact(ctx: CommandContext, c: Client, rev: number): Promise<void> {
  ctx.out(`Compacting with revision ${rev}\n`);
  await request(ctx, ctx.call(c.compact.bind(c, { revision: rev, physical: true }), { timeoutMs: 30_000 }));
  ctx.out(`Compacted with revision ${rev}\n`);
}

async function defragAll(ctx: CommandContext, c: Client): Promise<void> {
  for (const ep of ctx.globals.endpoints) {
    ctx.out(`Defragmenting ${goQuote(ep)}\n`);
    await request(ctx, ctx.call(c.defragment.bind(c, dialable(ctx, ep)), { timeoutMs: 30_000 }));
    ctx.out(`Defragmented ${goQuote(ep)}\n`);
  }
}

/** Runs n puts with at most `clients` in flight, one started per `gapMs` (0: as fast as they finish). */
async function runLoad(ctx: CommandContext, clients: Client[], prefix: string, vsize: number, stop: (started: number) => boolean, gapMs: number, onDone: () => void) {
  const lats: number[] = [];
  const errors = new Map<string, number>();
  const nextKey = keyGen(Math.floor(ctx.world.now()) + 1);
  const value = new Uint8Array(vsize);
  const idle = [...clients];
  const waiters: (() => void)[] = [];
  const inflight = new Set<Promise<void>>();
  let started = 0;
  while (!stop(started)) {
    if (idle.length === 0) await new Promise<void>((r) => waiters.push(r));
    const c = idle.pop()!;
    const k = new Uint8Array(256);
    k.set(nextKey());
    const key = new Uint8Array([...utf8(prefix), ...k]);
    started++;
    const p = timedPut(ctx, c, key, value).then((r) => {
      if (typeof r === 'number') lats.push(r);
      else errors.set(errorText(r), (errors.get(errorText(r)) ?? 0) + 1);
      idle.push(c);
      inflight.delete(p);
      onDone();
      waiters.shift()?.();
    });
    inflight.add(p);
    if (gapMs > 0) await ctx.sleep(gapMs);
  }
  await Promise.all([...inflight]);
  return { lats, errors };
}

async function checkPerf(ctx: CommandContext): Promise<void> {
  const cfg = PERF[loadOf(ctx)];
  outputFormat(ctx);
  const prefix = ctx.str('prefix');
  const clients = Array.from({ length: cfg.clients }, () => clientFor(ctx, [...ctx.globals.endpoints]));
  await emptyPrefix(ctx, clients[0]!, prefix);

  const t0 = ctx.world.now();
  const end = t0 + cfg.duration * 1000;
  ctx.out(barLine(0, cfg.duration, ''));
  // pb's ticker: one step a second; Finish prints the elapsed time and a newline.
  const bar = (async () => {
    for (let i = 1; i <= cfg.duration; i++) {
      await ctx.sleep(1000);
      ctx.out(barLine(i, cfg.duration, i < cfg.duration ? mmss(cfg.duration - i) : elapsed(ctx.world.now() - t0)));
    }
    ctx.out('\n');
  })();
  const { lats, errors } = await runLoad(ctx, clients, prefix, 1024, () => ctx.world.now() >= end, 1000 / cfg.limit, () => {});
  await bar;
  const s = stats(lats, errors, (ctx.world.now() - t0) / 1000);

  await cleanup(ctx, clients[0]!, prefix, ctx.bool('auto-compact'));
  if (ctx.bool('auto-defrag')) await defragAll(ctx, clients[0]!);

  let ok = true;
  if (s.errors.size !== 0) {
    ctx.out('FAIL: too many errors\n');
    for (const [k, v] of s.errors) ctx.out(`FAIL: ERROR(${k}) -> ${v}\n`);
    ok = false;
  }
  const rps = Math.floor(s.rps) + 1;
  if (s.rps / cfg.limit <= 0.9) {
    ctx.out(`FAIL: Throughput too low: ${rps} writes/s\n`);
    ok = false;
  } else ctx.out(`PASS: Throughput is ${rps} writes/s\n`);
  if (s.slowest > 0.5) {
    ctx.out(`Slowest request took too long: ${s.slowest.toFixed(6)}s\n`);
    ok = false;
  } else ctx.out(`PASS: Slowest request took ${s.slowest.toFixed(6)}s\n`);
  if (s.stddev > 0.1) {
    ctx.out(`Stddev too high: ${s.stddev.toFixed(6)}s\n`);
    ok = false;
  } else ctx.out(`PASS: Stddev is ${s.stddev.toFixed(6)}s\n`);
  ctx.out(ok ? 'PASS\n' : 'FAIL\n');
  if (!ok) ctx.exit(ExitError);
}

/**
 * check datascale: etcdctl reads the first endpoint's resident memory from
 * /metrics before and after the load; the simulation has no process memory,
 * so the member's db size stands in for it.
 */
async function checkDatascale(ctx: CommandContext): Promise<void> {
  const cfg = DATASCALE[loadOf(ctx)];
  outputFormat(ctx);
  const prefix = ctx.str('prefix');
  const clients = Array.from({ length: cfg.clients }, () => clientFor(ctx, [...ctx.globals.endpoints]));
  await emptyPrefix(ctx, clients[0]!, prefix);
  const ep = ctx.globals.endpoints[0]!;
  const memory = async (): Promise<number> => {
    try {
      return (await ctx.call(clients[0]!.status.bind(clients[0]!, dialable(ctx, ep)))).dbSize;
    } catch (e) {
      if (!isRequestError(e)) throw e;
      return 0;
    }
  };
  const before = await memory();
  if (before === 0) {
    ctx.out('FAIL: Could not read process_resident_memory_bytes before the put operations.\n');
    ctx.exit(ExitError);
  }
  ctx.out(`Start data scale check for work load [${cfg.limit} key-value pairs, ${cfg.kvSize} bytes per key-value, ${cfg.clients} concurrent clients].\n`);
  let done = 0;
  let shown = -1;
  const t0 = ctx.world.now();
  const show = (): void => {
    // pb redraws on its refresh tick; one line per percent keeps the output small.
    const pct = Math.floor((done / cfg.limit) * 100);
    if (pct === shown) return;
    shown = pct;
    ctx.out(barLine(done, cfg.limit, ''));
  };
  show();
  const { errors } = await runLoad(ctx, clients, prefix, 512, (n) => n >= cfg.limit, 0, () => {
    done++;
    show();
  });
  ctx.out(` ${elapsed(ctx.world.now() - t0)}\n`);
  const after = await memory();
  if (after === 0) {
    ctx.out('FAIL: Could not read process_resident_memory_bytes after the put operations.\n');
    ctx.exit(ExitError);
  }
  await cleanup(ctx, clients[0]!, prefix, ctx.bool('auto-compact'));
  if (ctx.bool('auto-defrag')) await defragAll(ctx, clients[0]!);
  if (errors.size !== 0) {
    ctx.out('FAIL: too many errors\n');
    for (const [k, v] of errors) ctx.out(`FAIL: ERROR(${k}) -> ${v}\n`);
    ctx.exit(ExitError);
  }
  ctx.out(`PASS: Approximate system memory used : ${((after - before) / (1024 * 1024)).toFixed(2)} MB.\n`);
}

const compactFlag = { name: 'auto-compact', kind: 'bool', def: 'false', usage: 'Compact storage with last revision after test is finished.' } as const;
const defragFlag = { name: 'auto-defrag', kind: 'bool', def: 'false', usage: 'Defragment storage after test is finished.' } as const;

export const checkCommand: CommandSpec = {
  name: 'check',
  use: 'check <subcommand>',
  short: 'commands for checking properties of the etcd cluster',
  subcommands: [
    {
      name: 'perf',
      use: 'perf [options]',
      short: 'Check the performance of the etcd cluster',
      flags: [
        { name: 'load', kind: 'string', def: 's', usage: "The performance check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)" },
        { name: 'prefix', kind: 'string', def: '/etcdctl-check-perf/', usage: "The prefix for writing the performance check's keys." },
        compactFlag,
        defragFlag,
      ],
      run: checkPerf,
    },
    {
      name: 'datascale',
      use: 'datascale [options]',
      short: 'Check the memory usage of holding data for different workloads on a given server endpoint.',
      long: 'If no endpoint is provided, localhost will be used. If multiple endpoints are provided, first endpoint will be used.\n',
      flags: [
        { name: 'load', kind: 'string', def: 's', usage: "The datascale check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)" },
        { name: 'prefix', kind: 'string', def: '/etcdctl-check-datascale/', usage: "The prefix for writing the datascale check's keys." },
        compactFlag,
        defragFlag,
      ],
      run: checkDatascale,
    },
  ],
};
