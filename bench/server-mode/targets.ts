// The clusters the server-mode benchmark measures: `serve` (this project's
// server mode) and, when installed, the real etcd, each with one or three
// members on loopback and its data dirs in a fresh temp dir (so every write
// is fsynced), started as child processes and stopped by their PIDs.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '../../src/server/free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ETCD_BIN = process.env.ETCD ?? '/usr/bin/etcd';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY = /ready to serve client requests/g;

export type Kind = 'ours' | 'etcd';

export interface Target {
  readonly kind: Kind;
  readonly members: number;
  /** host:port of every member's client URL. */
  readonly endpoints: string[];
  /** Resident memory of all the target's processes, in bytes (Linux; 0 elsewhere). */
  rssBytes(): number;
  /** CPU time (user + system) the target's processes used so far, in ms (Linux; 0 elsewhere). */
  cpuMs(): number;
  /** Stops every process by its PID and removes the data dirs. */
  stop(): Promise<void>;
}

async function ports(n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const p = await freePort();
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Clock ticks per second of /proc/PID/stat's times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start at state, field 3; utime and stime are 14 and 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ;
  } catch {
    return 0;
  }
}

interface Proc {
  child: ChildProcess;
  log: () => string;
  exited: Promise<void>;
}

function launch(cmd: string, args: string[]): Proc {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => {
    // Only the start-up lines matter; a long run must not keep every log line.
    if (log.length < 1 << 20) log += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, log: () => log, exited };
}

async function waitReady(procs: Proc[], lines: number, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const count = (): number => procs.reduce((n, p) => n + (p.log().match(READY) ?? []).length, 0);
  while (count() < lines) {
    const dead = procs.find((p) => p.child.exitCode !== null);
    if (dead) throw new Error(`${what} exited with ${dead.child.exitCode}:\n${dead.log().slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopAll(procs: Proc[]): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      if (p.child.exitCode !== null || p.child.pid === undefined) return;
      p.child.kill('SIGTERM');
      const t = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
      await p.exited;
      clearTimeout(t);
    }),
  );
}

function target(kind: Kind, members: number, endpoints: string[], procs: Proc[], dir: string): Target {
  return {
    kind,
    members,
    endpoints,
    rssBytes: () => procs.reduce((n, p) => n + rssOf(p.child.pid), 0),
    cpuMs: () => procs.reduce((n, p) => n + cpuMsOf(p.child.pid), 0),
    stop: async () => {
      await stopAll(procs);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `serve` with `members` members in one process, persisting under a temp --data-dir. */
export async function startOurs(members: number): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-serve-'));
  const endpoints = (await ports(members)).map((p) => `127.0.0.1:${p}`);
  const urls = endpoints.map((e) => `http://${e}`).join(',');
  // Started as users start it (npx etcd-playground serve).
  const args = ['src/server/bin/etcd-playground.mjs', 'serve', '--nodes', String(members), '--data-dir', dir, '--listen-client-urls', urls];
  if (members === 1) args.push('--advertise-client-urls', urls);
  // BENCH_SERVER_NODE_ARGS (e.g. --cpu-prof --cpu-prof-dir=DIR) profiles the server.
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = launch(process.execPath, [...extra, ...args]);
  try {
    await waitReady([proc], members, 'serve');
  } catch (e) {
    await stopAll([proc]);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return target('ours', members, endpoints, [proc], dir);
}

/** Real etcd, one process per member, started with the same layout. */
export async function startEtcd(members: number): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-etcd-'));
  const p = await ports(members * 2);
  const names = Array.from({ length: members }, (_, i) => (members === 1 ? 'default' : `etcd${i}`));
  const client = names.map((_, i) => `127.0.0.1:${p[i]}`);
  const peer = names.map((_, i) => `http://127.0.0.1:${p[members + i]}`);
  const cluster = names.map((n, i) => `${n}=${peer[i]}`).join(',');
  const procs = names.map((name, i) =>
    launch(ETCD_BIN, [
      '--name', name,
      '--data-dir', join(dir, `${name}.etcd`),
      '--listen-client-urls', `http://${client[i]}`,
      '--advertise-client-urls', `http://${client[i]}`,
      '--listen-peer-urls', peer[i]!,
      '--initial-advertise-peer-urls', peer[i]!,
      '--initial-cluster', cluster,
      '--initial-cluster-state', 'new',
    ]),
  );
  try {
    await waitReady(procs, members, 'etcd');
  } catch (e) {
    await stopAll(procs);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return target('etcd', members, client, procs, dir);
}

export function etcdInstalled(): boolean {
  return existsSync(ETCD_BIN);
}
