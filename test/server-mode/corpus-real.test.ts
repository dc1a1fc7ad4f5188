// The public etcdctl corpus with the real etcdctl 3.4 against the server
// mode: the corpus's own run-all.sh, with scripts/corpus/start-cluster,
// stop-cluster and cluster-ctl as its START_CLUSTER / STOP_CLUSTER /
// CLUSTER_CTL hooks, so each scenario gets a fresh `serve` cluster in the
// corpus layout and @kill/@restart/... act on its members. Every NAME.out
// must equal the golden real etcd produced (zap warning lines aside, as the
// corpus's normalization allows). Scenarios mostly wait (sleeps, lease TTLs,
// background watches), so a few run side by side, each cluster on its own
// ports. Needs /usr/bin/etcdctl (etcd-client) and python3.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { type Server, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterId, memberId } from '../../src/engine/cluster/member.ts';
import { firstMismatch, sameUpToHashForm, unifiedDiff } from '../../src/terminal/corpus/compare.ts';
import { ETCDCTL, ctl, requireEtcdctl } from './harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORPUS = resolve(ROOT, '../shared/etcdctl-corpus');
const HOOKS = join(ROOT, 'scripts/corpus');
/** Scenarios that cannot match, each with its reason (corpus-real-exceptions.json). */
const EXCEPTIONS: Record<string, string> = JSON.parse(readFileSync(new URL('./corpus-real-exceptions.json', import.meta.url), 'utf8'));
/** Clusters running at once: scenarios are mostly sleeps, but the machine may have two cores. */
const PARALLEL = Number(process.env.CORPUS_PARALLEL ?? 3);
/** Ports a scenario's cluster may use: clients BASE..BASE+4 (members added at run time too), peers BASE+10.. (names only). */
const PORT_SPAN = 15;
/**
 * The corpus's default base. A scenario that writes a port of its layout
 * literally (127.0.0.1:23799, a member that does not exist) only normalizes
 * to the golden's <EP9> there, so such scenarios run on it, one at a time.
 */
const DEFAULT_BASE = 23790;
const needsDefaultBase = (name: string): boolean => /127\.0\.0\.1:(2379\d|2380\d)\b/.test(scenarioText(name));
const TOKEN = 'etcd-cluster';

/**
 * What of the member IDs shows through the normalization: member IDs come
 * from the peer URLs, so another base gives other IDs, and the goldens show
 * their order (member list, defrag --cluster), their width (`%16x` pads an ID
 * with a leading zero: "Member  <ID> removed from cluster <CLUSTER_ID>"),
 * the cluster ID's width, and the width of lease IDs, whose top 16 bits are
 * the granting member's low 16 bits (mylock/<LEASE_ID_1>). Other bases
 * with the same shape as the default one give the same transcripts.
 */
function idShape(base: number, n: number): string {
  const ids = Array.from({ length: n }, (_, i) => memberId([`http://127.0.0.1:${base + 10 + i}`], TOKEN));
  const order = ids.map((id, i) => ({ v: BigInt('0x' + id), i })).sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  const leaseWidth = ids.map((id) => (parseInt(id.slice(-4), 16) & 0x7fff).toString(16).length);
  return JSON.stringify([order.map((o) => o.i), ids.map((id) => id.length), clusterId(ids).length, leaseWidth]);
}

/** The scenario's @cluster size (3 unless it says). */
const clusterSize = (name: string): number => Number(/^@cluster\s+(\d+)/m.exec(scenarioText(name))?.[1] ?? 3);
/** How long to wait for the default base's ports to be free (another corpus run may hold them). */
const DEFAULT_BASE_WAIT_MS = 5 * 60_000;

const scenarioText = (name: string): string => readFileSync(join(CORPUS, 'scenarios', name + '.txt'), 'utf8');

/** Regular scenarios (not @slow), in file order. */
function scenarioNames(): string[] {
  const dir = join(CORPUS, 'scenarios');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => f.slice(0, -4))
    .filter((n) => !/^@slow\b/m.test(scenarioText(n)));
}

function listenOn(port: number): Promise<Server | undefined> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(undefined));
    s.listen(port, '127.0.0.1', () => res(s));
  });
}

/** Bases already handed to a run of this file. */
const taken = new Set<number>();

/** Whether base's whole span is free now (each port bound for a moment, then released). */
async function spanFree(base: number): Promise<boolean> {
  const held = await Promise.all(Array.from({ length: PORT_SPAN }, (_, i) => listenOn(base + i)));
  await Promise.all(held.map((s) => new Promise((r) => (s ? s.close(r) : r(undefined)))));
  return held.every((s) => s !== undefined);
}

/** A base from a port the OS offered on, with the default base's ID shape for n members and its whole span free now. */
async function freeBase(n: number): Promise<number> {
  const want = idShape(DEFAULT_BASE, n);
  const probe = await listenOn(0);
  const start = (probe!.address() as { port: number }).port;
  await new Promise((r) => probe!.close(r));
  // Walk up from there (wrapping into 20000..) to the first base that fits.
  for (let k = 0; k < 45_000; k++) {
    const base = 20_000 + ((start - 20_000 + k) % 45_000);
    if (base + PORT_SPAN > 65_535 || [...taken].some((b) => Math.abs(b - base) < PORT_SPAN)) continue;
    if (idShape(base, n) !== want || !(await spanFree(base))) continue;
    taken.add(base);
    return base;
  }
  throw new Error('no free port range for a corpus cluster');
}

/** Waits until free() holds, or fails with busy's text. */
async function waitFree(free: () => Promise<boolean>, busy: string): Promise<void> {
  const end = Date.now() + DEFAULT_BASE_WAIT_MS;
  while (!(await free())) {
    if (Date.now() > end) throw new Error(busy);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** The default base, once its span is free. */
async function defaultBase(): Promise<number> {
  await waitFree(() => spanFree(DEFAULT_BASE), `ports ${DEFAULT_BASE}..${DEFAULT_BASE + PORT_SPAN - 1} stayed busy (another corpus run?)`);
  taken.add(DEFAULT_BASE);
  return DEFAULT_BASE;
}

/**
 * etcdctl's default endpoint: a scenario with @raw commands runs etcdctl
 * without --endpoints and expects nothing to listen there.
 */
async function defaultEndpointFree(name: string): Promise<void> {
  if (!/^@raw\b/m.test(scenarioText(name))) return;
  const free = async (): Promise<boolean> => {
    const s = await listenOn(2379);
    if (s) await new Promise((r) => s.close(r));
    return s !== undefined;
  };
  await waitFree(free, `${name} needs 127.0.0.1:2379 (etcdctl's default endpoint) free, but another process listens there`);
}

interface Run {
  code: number | null;
  log: string;
  out: string | undefined;
}

/** run-all.sh for one scenario on its own ports, with the server-mode hooks. */
async function runScenario(name: string, outDir: string, base: number): Promise<Run> {
  try {
    await defaultEndpointFree(name);
    return await new Promise<Run>((done) => {
      const p = spawn(join(CORPUS, 'run-all.sh'), ['-o', outDir, '-e', ETCDCTL, '-b', String(base), name], {
        cwd: ROOT,
        env: {
          ...process.env,
          START_CLUSTER: join(HOOKS, 'start-cluster'),
          STOP_CLUSTER: join(HOOKS, 'stop-cluster'),
          CLUSTER_CTL: join(HOOKS, 'cluster-ctl'),
          ETCDCTL_BIN: ETCDCTL,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      p.stdout.on('data', (d: Buffer) => (log += d.toString()));
      p.stderr.on('data', (d: Buffer) => (log += d.toString()));
      p.on('exit', (code) => {
        const f = join(outDir, name + '.out');
        done({ code, log, out: existsSync(f) ? readFileSync(f, 'utf8') : undefined });
      });
    });
  } finally {
    taken.delete(base);
  }
}

/** At most size tasks at once, the rest in order of arrival. */
function pool(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  const gates: (() => void)[] = [];
  let active = 0;
  return async (task) => {
    if (active < size) active++;
    else await new Promise<void>((r) => gates.push(r));
    try {
      return await task();
    } finally {
      const next = gates.shift();
      if (next) next();
      else active--;
    }
  };
}

/** Starts every scenario (PARALLEL at a time, those on the default base one at a time); each test awaits its own. */
function startAll(names: string[], outDir: string): Map<string, Promise<Run>> {
  const shared = pool(PARALLEL);
  const onDefault = pool(1);
  const results = new Map<string, Promise<Run>>();
  for (const name of names) {
    const fixed = needsDefaultBase(name);
    const run = (): Promise<Run> => shared(async () => runScenario(name, outDir, fixed ? await defaultBase() : await freeBase(clusterSize(name))));
    const result = fixed ? onDefault(run) : run();
    // Awaited by its test later; until then a failure must not count as unhandled.
    result.catch(() => {});
    results.set(name, result);
  }
  return results;
}

const names = scenarioNames();
const canRun = names.length > 0 && existsSync(ETCDCTL);

describe.skipIf(names.length === 0)('etcdctl corpus: real etcdctl against the server mode', () => {
  if (!canRun) {
    it('needs the real etcdctl', () => requireEtcdctl());
    return;
  }
  // Started by the first scenario's test (not when the file is collected, so -t can pick other tests alone).
  let outDir: string | undefined;
  let runs: Map<string, Promise<Run>> | undefined;
  const runOf = (name: string): Promise<Run> => {
    outDir ??= mkdtempSync(join(tmpdir(), 'corpus-real-'));
    runs ??= startAll(names, outDir);
    return runs.get(name)!;
  };
  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('lists a reason for every exception, and only for scenarios that exist', () => {
    for (const [name, reason] of Object.entries(EXCEPTIONS)) {
      expect(names, `exception for unknown scenario ${name}`).toContain(name);
      expect(reason.trim(), `exception ${name} needs a reason`).not.toBe('');
    }
  });

  for (const name of names) {
    const reason = EXCEPTIONS[name];
    it(`${name}${reason ? ' (known exception)' : ''}`, { timeout: 15 * 60_000 }, async () => {
      const run = await runOf(name);
      expect(run.out, `no transcript; run-all.sh said:\n${run.log}`).toBeDefined();
      expect(run.code, `run-all.sh failed:\n${run.log}`).toBe(0);
      const golden = readFileSync(join(CORPUS, 'golden', name + '.out'), 'utf8');
      const mismatch = firstMismatch(golden, run.out!);
      if (reason) {
        expect(mismatch, `${name} matches its golden now: remove it from corpus-real-exceptions.json`).toBeDefined();
        return;
      }
      // A hex hash of digits alone is normalized as a decimal one (see sameUpToHashForm).
      if (mismatch && sameUpToHashForm(golden, run.out!)) return;
      expect(mismatch, unifiedDiff(golden, run.out!, [`golden/${name}.out`, `server-mode/${name}.out`])).toBeUndefined();
    });
  }
});

/** The process exists and is not a zombie waiting to be reaped. */
function processAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The error code a TCP connection to 127.0.0.1:port gets (undefined if it connects). */
function connectError(port: number): Promise<string | undefined> {
  return new Promise((done) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      done(undefined);
    });
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code));
  });
}

/** One of the hook scripts; its exit code and output. */
function hook(script: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) =>
    execFile(join(HOOKS, script), args, { cwd: ROOT, env: { ...process.env, ETCDCTL_BIN: ETCDCTL } }, (e, out, err) =>
      done({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out, err }),
    ),
  );
}

describe.skipIf(!canRun)('corpus hooks on the server mode', () => {
  it("kill closes the member's port, restart brings it back from its disk, bad requests get clear errors, stop-cluster cleans up", { timeout: 120_000 }, async () => {
    const base = await freeBase(1);
    const started = await hook('start-cluster', ['-n', '1', '-b', String(base)]);
    taken.delete(base);
    expect(started.code, started.err).toBe(0);
    const state = /^STATE_DIR=(.*)$/m.exec(started.out)![1]!;
    const ep = /^ENDPOINTS=(.*)$/m.exec(started.out)![1]!;
    expect(ep).toBe(`127.0.0.1:${base}`);
    try {
      expect((await ctl(ep, ['put', 'k', 'v'])).code).toBe(0);

      expect(await hook('cluster-ctl', [state, 'kill', 'etcd0'])).toMatchObject({ code: 0 });
      // The port is closed, as after the process died: connection refused.
      expect(await connectError(base)).toBe('ECONNREFUSED');
      expect((await ctl(ep, ['get', 'k', '--dial-timeout=1s', '--command-timeout=2s'])).code).toBe(1);
      expect(await hook('cluster-ctl', [state, 'kill', 'etcd0'])).toMatchObject({ code: 1, err: 'cluster-ctl: etcd0 not running\n' });

      expect(await hook('cluster-ctl', [state, 'restart', 'etcd0'])).toMatchObject({ code: 0 });
      expect(await connectError(base)).toBeUndefined();
      expect((await ctl(ep, ['get', 'k', '--print-value-only'])).out).toBe('v\n');
      expect(await hook('cluster-ctl', [state, 'restart', 'etcd0'])).toMatchObject({ code: 1, err: 'cluster-ctl: etcd0 is running\n' });

      expect(await hook('cluster-ctl', [state, 'kill', 'etcd7'])).toMatchObject({ code: 1, err: 'cluster-ctl: no member named "etcd7"\n' });
      expect(await hook('cluster-ctl', [state, 'explode', 'etcd0'])).toMatchObject({ code: 2, err: 'cluster-ctl: unknown action explode\n' });
      expect(await hook('cluster-ctl', [state, 'make-leader', 'etcd0'])).toMatchObject({ code: 0, out: 'leader=etcd0\n' });
      expect(await hook('cluster-ctl', [state, 'wait-healthy'])).toMatchObject({ code: 0 });
    } finally {
      const pid = Number(readFileSync(join(state, 'serve.pid'), 'utf8'));
      expect(await hook('stop-cluster', [state])).toMatchObject({ code: 0 });
      expect(existsSync(state)).toBe(false);
      expect(processAlive(pid)).toBe(false);
    }
  });
});
