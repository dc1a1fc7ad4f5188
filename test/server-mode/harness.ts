// Server-mode tests drive the real etcdctl (3.4) against `serve` run as a
// child process, the way a user would: spawn it, wait for etcd's "ready to
// serve client requests" line, run etcdctl commands, stop it by its PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/server/free-port.ts';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';

export { freePort };

export const ETCDCTL = process.env.ETCDCTL ?? '/usr/bin/etcdctl';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** These tests need the real etcdctl; CI installs it (apt-get install etcd-client). */
export function requireEtcdctl(): void {
  if (!existsSync(ETCDCTL)) {
    throw new Error(`server-mode tests need etcdctl 3.4 at ${ETCDCTL} (apt-get install etcd-client, or set ETCDCTL)`);
  }
}

export interface Running {
  proc: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  log(): string;
  /** SIGTERM, then the exit code (null if it had to be killed). */
  stop(): Promise<number | null>;
}

/**
 * A single-member server on port for a test file, or, with SERVER_MODE_ENDPOINT
 * set (host:port of a fresh real etcd), that etcd: the same test then checks
 * its own expectations against the real thing.
 */
export async function singleServer(port?: number, extra: string[] = []): Promise<{ ep: string; server: Running }> {
  requireEtcdctl();
  const external = process.env.SERVER_MODE_ENDPOINT;
  if (external) {
    const none: Running = { proc: undefined as unknown as ChildProcess, log: () => '', stop: async () => 0 };
    return { ep: external, server: none };
  }
  const ep = `127.0.0.1:${port ?? (await freePort())}`;
  return { ep, server: await startServer(['--listen-client-urls', `http://${ep}`, '--advertise-client-urls', `http://${ep}`, ...extra]) };
}

/**
 * A single server for the enclosing describe block: started before its
 * tests, stopped after them (exiting 0). Its endpoint is `.ep` once started.
 */
export function useSingleServer(): { readonly ep: string } {
  const s = { ep: '', server: undefined as Running | undefined };
  beforeAll(async () => {
    ({ ep: s.ep, server: s.server } = await singleServer());
  });
  afterAll(async () => {
    expect(await s.server?.stop()).toBe(0);
  });
  return s;
}

/** A fresh directory under the system's temp dir, removed by the returned function. */
export function tempDir(prefix = 'serve-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * serve's arguments with a fresh --data-dir unless args name one: serve
 * persists its members (default NAME.etcd in the working directory, as
 * etcd), and a test must neither litter the checkout nor restart from
 * another test's data. The directory goes when the server stops.
 */
function withDataDir(args: string[]): { args: string[]; cleanup: () => void } {
  if (args.includes('--data-dir') || args.some((a) => a.startsWith('--data-dir='))) return { args, cleanup: () => {} };
  const d = tempDir();
  return { args: [...args, '--data-dir', d.path], cleanup: d.remove };
}

/** Starts `serve` with args and waits until `readyLines` members are ready. */
export async function startServer(rawArgs: string[], readyLines = 1, timeoutMs = 30_000): Promise<Running> {
  const { args, cleanup } = withDataDir(rawArgs);
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli/serve.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      cleanup();
      resolve(code);
    }),
  );
  const running: Running = {
    proc,
    log: () => err,
    stop: async () => {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
  const deadline = Date.now() + timeoutMs;
  // A member's announcement ends with its "serving (insecure) client requests on" lines; they may come in a later chunk of stderr than "ready".
  while ((err.match(/ready to serve client requests/g) ?? []).length < readyLines || (err.match(/client requests on /g) ?? []).length < readyLines) {
    if (proc.exitCode !== null) throw new Error(`serve exited with ${proc.exitCode}:\n${err}`);
    if (Date.now() > deadline) {
      await running.stop();
      throw new Error(`serve not ready after ${timeoutMs} ms:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return running;
}

export interface CtlResult {
  out: string;
  err: string;
  code: number | null;
}

/** Runs serve with args to its exit (a fresh --data-dir unless args name one); its exit code and stderr. */
export function runServe(rawArgs: string[]): Promise<{ code: number | null; err: string }> {
  const { args, cleanup } = withDataDir(rawArgs);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli/serve.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // These runs are expected to end by themselves; one that serves instead is a failure, not a hang.
    const t = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('exit', (code) => {
      clearTimeout(t);
      cleanup();
      resolve({ code, err });
    });
  });
}

/** Runs etcdctl with args (and stdin input); resolves when it exits. */
export function ctl(endpoints: string, args: string[], input?: string): Promise<CtlResult> {
  requireEtcdctl();
  return new Promise((resolve, reject) => {
    const p = spawn(ETCDCTL, [`--endpoints=${endpoints}`, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ out, err, code }));
    // etcdctl may exit before reading its stdin: that pipe error is not the test's.
    p.stdin.on('error', () => {});
    p.stdin.end(input ?? '');
  });
}

/** The "Error: ..." line etcdctl ends a failed command with (its retry warnings dropped). */
export function errorLine(r: CtlResult): string {
  return r.err.split('\n').find((l) => l.startsWith('Error:')) ?? '';
}

/** A background etcdctl (e.g. watch) whose output is read while it runs. */
export function ctlBackground(endpoints: string, args: string[]): { output(): string; stop(): Promise<void> } {
  requireEtcdctl();
  const p = spawn(ETCDCTL, [`--endpoints=${endpoints}`, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const closed = new Promise<void>((resolve) => p.on('close', () => resolve()));
  return {
    output: () => out,
    stop: async () => {
      p.kill('SIGTERM');
      await closed;
    },
  };
}

/** Polls until pred holds (or throws after timeoutMs). */
export async function waitFor(pred: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One etcdctl run of a golden file: what real etcd 3.4.23 answered. The server's port reads "PORT". */
export interface GoldenStep {
  args: string[];
  input: string;
  out: string;
  err: string;
  code: number | null;
}

export function readGolden(name: string): GoldenStep[] {
  const text = readFileSync(new URL(`golden/${name}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as GoldenStep);
}

/** Runs the golden steps in order against endpoint (host:port); returns what etcdctl printed, ports as "PORT". */
export async function runSteps(endpoint: string, steps: GoldenStep[]): Promise<GoldenStep[]> {
  const port = endpoint.split(':').pop()!;
  // Only host:port: a bare number could be part of an ID or a hash.
  const norm = (s: string): string => s.split(`127.0.0.1:${port}`).join('127.0.0.1:PORT');
  const out: GoldenStep[] = [];
  for (const s of steps) {
    const r = await ctl(endpoint, s.args, s.input);
    out.push({ args: s.args, input: s.input, out: norm(r.out), err: norm(errorLine(r)), code: r.code });
  }
  return out;
}
