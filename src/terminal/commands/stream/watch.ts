// etcdctl watch (3.4.23): one watch from the command line, or `watch -i`
// reading `watch ...` / `progress` lines from stdin, each watch printing on
// its own; with `-- CMD` the command runs once per event with the
// ETCD_WATCH_* variables. A watch ends only when the server cancels it
// (exit 5) or a signal kills the process.
import type { WatchResponse } from '../../../engine/mvcc/watch-types.ts';
import { prefixEnd } from '../../../engine/client/prefix.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadArgs, ExitError, ExitInterrupted, ExitInvalidInput } from '../../core/io.ts';
import { goQuote, utf8 } from '../../print/index.ts';
import { execCommand, execErrorText } from './exec.ts';
import { isProgressNotify, printWatch, watchCancelError } from './print-watch.ts';
import { AsyncQueue, Deferred, type EngineClient, dialed, mustClient } from './util.ts';
import { GoPanic, type Parsed, WATCH_FLAGS, type WatchEnv, type WatchRequestArgs, argify, parseCommandLine, parseInteractive } from './watch-args.ts';

interface OpenWatch {
  queue: AsyncQueue<WatchResponse>;
  requestProgress(): void;
}

/** getWatchChan: opens the watch the args describe, or says why not. */
function openWatch(ctx: CommandContext, c: EngineClient, a: WatchRequestArgs): Parsed<OpenWatch> {
  const key = utf8(a.keys[0]!);
  let rangeEnd: Uint8Array | undefined;
  if (a.keys.length === 2) {
    if (a.prefix) return { ok: false, error: '`range_end` and `--prefix` are mutually exclusive' };
    rangeEnd = utf8(a.keys[1]!);
  }
  if (a.prefix) rangeEnd = prefixEnd(key);
  const queue = new AsyncQueue<WatchResponse>(ctx.world);
  const w = c.watch({ key, rangeEnd, startRevision: a.rev, prevKv: a.prevKv }, (r) => queue.push(r));
  return { ok: true, value: { queue, requestProgress: () => w.requestProgress() } };
}

/** printWatchCh: prints responses (and runs the exec command per event) until the watch is canceled. */
async function printLoop(ctx: CommandContext, w: OpenWatch, exec: string[]): Promise<void> {
  for (;;) {
    const r = await w.queue.next();
    if (r.canceled) ctx.err(`watch was canceled (${watchCancelError(r)})\n`);
    if (isProgressNotify(r)) ctx.out(`progress notify: ${r.header.revision}\n`);
    printWatch(ctx, r);
    if (exec.length > 0) {
      for (const ev of r.events) {
        const env = new Map(ctx.env);
        env.set('ETCD_WATCH_REVISION', String(r.header.revision));
        env.set('ETCD_WATCH_EVENT_TYPE', `"${ev.type}"`);
        env.set('ETCD_WATCH_KEY', goQuote(ev.kv.key));
        env.set('ETCD_WATCH_VALUE', goQuote(ev.kv.value));
        const err = execErrorText(await execCommand(ctx, exec, env));
        if (err !== undefined) {
          ctx.err(`command [${exec.map((a) => goQuote(a)).join(' ')}] error (${err})\n`);
          ctx.exit(ExitError);
        }
      }
    }
    if (r.canceled) return;
  }
}

/** watch -i: a watch per `watch ...` line, `progress` asks every watch for a notification. */
async function interactive(ctx: CommandContext, env: WatchEnv): Promise<void> {
  const c = mustClient(ctx);
  await dialed(ctx);
  const fatal = new Deferred<never>(ctx.world);
  const watches: OpenWatch[] = [];
  for (;;) {
    const l = await Promise.race([ctx.stdin.readLine(), fatal.promise]);
    if (l === null) ctx.fail(ExitInvalidInput, 'Error reading watch request line: EOF');
    let words: Parsed<string[]>;
    try {
      words = argify(l);
    } catch (e) {
      if (!(e instanceof GoPanic)) throw e;
      ctx.err(`panic: ${e.message}\n\ngoroutine 1 [running]:\n`);
      ctx.exit(2);
    }
    if (!words.ok) ctx.fail(ExitInvalidInput, words.error);
    const args = words.value;
    if (args.length === 0) {
      ctx.err(`Invalid command: ${l} (watch and progress supported)\n`);
      continue;
    }
    if (args[0] === 'progress') {
      for (const w of watches) w.requestProgress();
      continue;
    }
    if (args[0] !== 'watch') {
      ctx.err(`Invalid command ${l} (only support watch)\n`);
      continue;
    }
    if (args.length < 2 && env.key === '') {
      ctx.err(`Invalid command ${l} (command type or key is not provided)\n`);
      continue;
    }
    const parsed = parseInteractive(args.slice(1), env);
    if (!parsed.ok) return ctx.fail(ExitBadArgs, parsed.error);
    const opened = parsed.value.keys.length > 0 ? openWatch(ctx, c, parsed.value) : { ok: false as const, error: 'bad number of arguments' };
    if (!opened.ok) {
      ctx.err(`Invalid command ${l} (${opened.error})\n`);
      continue;
    }
    watches.push(opened.value);
    printLoop(ctx, opened.value, parsed.value.exec).catch((e: unknown) => fatal.reject(e));
  }
}

export const watchCommand: CommandSpec = {
  name: 'watch',
  use: 'watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]',
  short: 'Watches events stream on keys or prefixes',
  flags: WATCH_FLAGS,
  async run(ctx) {
    const env = { key: ctx.env.get('ETCDCTL_WATCH_KEY') ?? '', range: ctx.env.get('ETCDCTL_WATCH_RANGE_END') ?? '' };
    if (env.key === '' && env.range !== '') ctx.fail(ExitBadArgs, `ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END=${goQuote(env.range)}`);
    if (ctx.bool('interactive')) return interactive(ctx, env);
    const c = mustClient(ctx);
    const flags = { prefix: ctx.bool('prefix'), prevKv: ctx.bool('prev-kv'), rev: ctx.int('rev') };
    const parsed = parseCommandLine(ctx.args, ctx.parsed.argsLenAtDash, env, flags);
    if (!parsed.ok) return ctx.fail(ExitBadArgs, parsed.error);
    await dialed(ctx);
    const opened = openWatch(ctx, c, parsed.value);
    if (!opened.ok) return ctx.fail(ExitBadArgs, opened.error);
    await printLoop(ctx, opened.value, parsed.value.exec);
    c.close();
    ctx.fail(ExitInterrupted, 'watch is canceled by the server');
  },
};
