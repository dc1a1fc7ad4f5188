// etcdctl lock (3.4.23): acquires a named mutex under a session lease, then
// either runs a command (ETCD_LOCK_KEY, ETCD_LOCK_REV in its environment)
// and releases, or prints the lock key and holds it until SIGINT/SIGTERM.
// The signal is etcdctl's own: it cancels a wait ("context canceled") or
// unlocks and exits 0.
import type { ResponseHeader } from '../../../engine/api/header.ts';
import { Mutex, Session } from '../../../engine/client/concurrency/index.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext, Signal } from '../../core/context.ts';
import { ExitBadArgs, ExitError } from '../../core/io.ts';
import { failRequest, request, utf8 } from '../../print/index.ts';
import { type ExecResult, execCommand, execErrorText } from './exec.ts';
import { printGet } from './print-watch.ts';
import { Deferred, type EngineClient, dialed, mustClient } from './util.ts';

/** Go's error for a child process killed by a signal. */
export function signalError(sig: Signal): string {
  return sig === 'SIGINT' ? 'signal: interrupt' : 'signal: terminated';
}

/**
 * Takes over SIGINT/SIGTERM for the command: the returned deferred resolves
 * with the first signal (signal.Notify), and the process keeps running.
 */
export function notifySignals(ctx: CommandContext): Deferred<Signal> {
  const d = new Deferred<Signal>(ctx.world);
  ctx.signalHandler = (sig) => d.resolve(sig);
  return d;
}

/** concurrency.NewSession with a TTL; the keep-alives stop when the process ends. */
export async function newSession(ctx: CommandContext, c: EngineClient, ttl?: number): Promise<Session> {
  let s: Session;
  await dialed(ctx);
  try {
    s = await ctx.call(Session.create.bind(Session, c, ttl === undefined ? {} : { ttl }));
  } catch (e) {
    return failRequest(ctx, e);
  }
  ctx.onExit(() => s.orphan());
  return s;
}

/** Runs fn(cb) and waits for its callback, or for the signal (then undefined). */
export async function untilSignal<T>(ctx: CommandContext, sig: Deferred<Signal>, fn: (cb: (err: unknown, v?: T) => void) => void): Promise<{ value: T } | undefined> {
  const d = new Deferred<{ value: T }>(ctx.world);
  fn((err, v) => (err ? d.reject(err) : d.resolve({ value: v as T })));
  try {
    return await Promise.race([d.promise, sig.promise.then(() => undefined)]);
  } catch (e) {
    return failRequest(ctx, e);
  }
}

async function lockUntilSignal(ctx: CommandContext, name: string, cmd: string[]): Promise<void> {
  const c = mustClient(ctx);
  const sig = notifySignals(ctx);
  const s = await newSession(ctx, c, ctx.int('ttl'));
  const m = new Mutex(s, name);
  if (sig.settled) ctx.fail(ExitError, 'context canceled');
  const locked = await untilSignal<ResponseHeader>(ctx, sig, (cb) => m.lock(cb));
  if (!locked) {
    // Lock gives up its place in line when its context is canceled.
    await new Promise<void>((r) => m.unlock(() => r()));
    ctx.fail(ExitError, 'context canceled');
  }
  if (cmd.length > 0) {
    const env = new Map([
      ['ETCD_LOCK_KEY', m.key()],
      ['ETCD_LOCK_REV', String(locked.value.revision)],
    ]);
    for (const [k, v] of ctx.env) env.set(k, v);
    const res: ExecResult = await Promise.race([execCommand(ctx, cmd, env), sig.promise.then((g) => ({ error: signalError(g) }))]);
    const unlocked = await new Promise<unknown>((r) => m.unlock((err) => r(err)));
    const err = execErrorText(res);
    if (err !== undefined) ctx.fail(ExitError, err);
    if (unlocked) failRequest(ctx, unlocked);
    return;
  }
  const resp = await request(ctx, ctx.call(c.get.bind(c, { key: utf8(m.key()) })));
  if (resp.kvs.length === 0) ctx.fail(ExitError, 'lock lost on init');
  printGet(ctx, resp);
  await holdThenRelease(ctx, sig, s, 'session expired', (done) => m.unlock(done));
}

/**
 * Holds a lock or a leadership until a signal, then releases it; fails with
 * expiredText (exit 1) when the session's lease is gone first.
 */
export async function holdThenRelease(ctx: CommandContext, sig: Deferred<Signal>, s: Session, expiredText: string, release: (done: (err: unknown) => void) => void): Promise<void> {
  const expired = new Deferred<void>(ctx.world);
  s.onDone(() => expired.resolve());
  const why = await Promise.race([sig.promise.then(() => 'signal' as const), expired.promise.then(() => 'expired' as const)]);
  if (why === 'expired') ctx.fail(ExitError, expiredText);
  const err = await new Promise<unknown>((r) => release(r));
  if (err) failRequest(ctx, err);
}

export const lockCommand: CommandSpec = {
  name: 'lock',
  use: 'lock <lockname> [exec-command arg1 arg2 ...]',
  short: 'Acquires a named lock',
  flags: [{ name: 'ttl', kind: 'int', def: '10', usage: 'timeout for session' }],
  async run(ctx) {
    if (ctx.args.length === 0) ctx.fail(ExitBadArgs, 'lock takes a lock name argument and an optional command to execute');
    await lockUntilSignal(ctx, ctx.args[0]!, ctx.args.slice(1));
  },
};
