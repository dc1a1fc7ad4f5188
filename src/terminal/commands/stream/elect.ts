// etcdctl elect (3.4.23): campaign with a proposal (print the leader key and
// value once elected, hold until SIGINT/SIGTERM, then resign), or with -l
// observe the election, printing every leader as display.Get does.
import { Election } from '../../../engine/client/concurrency/index.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadArgs, ExitError } from '../../core/io.ts';
import { request, utf8 } from '../../print/index.ts';
import { holdThenRelease, newSession, notifySignals, untilSignal } from './lock.ts';
import { printGet } from './print-watch.ts';
import { Deferred, type EngineClient, mustClient } from './util.ts';

async function observe(ctx: CommandContext, c: EngineClient, name: string): Promise<void> {
  const sig = notifySignals(ctx);
  const s = await newSession(ctx, c);
  const e = new Election(s, name);
  const failed = new Deferred<void>(ctx.world);
  const obs = e.observe((r) => {
    try {
      printGet(ctx, { header: r.header, kvs: [r.kv], count: 0 });
    } catch (err) {
      failed.reject(err);
    }
  });
  ctx.onExit(() => obs.cancel());
  await Promise.race([sig.promise, failed.promise]);
  obs.cancel();
}

async function campaign(ctx: CommandContext, c: EngineClient, name: string, prop: string): Promise<void> {
  const sig = notifySignals(ctx);
  const s = await newSession(ctx, c);
  const e = new Election(s, name);
  if (sig.settled) ctx.fail(ExitError, 'context canceled');
  const won = await untilSignal(ctx, sig, (cb) => e.campaign(prop, cb));
  if (!won) {
    // Campaign resigns when its context is canceled while it waits.
    await new Promise<void>((r) => e.resign(() => r()));
    ctx.fail(ExitError, 'context canceled');
  }
  printGet(ctx, await request(ctx, ctx.call(c.get.bind(c, { key: utf8(e.leaderKey) }))));
  await holdThenRelease(ctx, sig, s, 'elect: session expired', (done) => e.resign(done));
}

export const electCommand: CommandSpec = {
  name: 'elect',
  use: 'elect <election-name> [proposal]',
  short: 'Observes and participates in leader election',
  flags: [{ name: 'listen', shorthand: 'l', kind: 'bool', def: 'false', usage: 'observation mode' }],
  async run(ctx) {
    const n = ctx.args.length;
    if (n !== 1 && n !== 2) ctx.fail(ExitBadArgs, 'elect takes one election name argument and an optional proposal argument');
    const c = mustClient(ctx);
    const listen = ctx.bool('listen');
    if (listen && n === 2) ctx.fail(ExitBadArgs, 'proposal given but -l is set');
    if (!listen && n === 1) ctx.fail(ExitBadArgs, 'no proposal argument but -l not set');
    if (listen) await observe(ctx, c, ctx.args[0]!);
    else await campaign(ctx, c, ctx.args[0]!, ctx.args[1]!);
  },
};
