// etcdctl lease: grant, revoke, timetolive, list, keep-alive (3.4.23).
import { formatLeaseIdHex, parseLeaseIdDecimal, parseLeaseIdHex } from '../../../engine/lease/id.ts';
import type { LeaseID, LeaseKeepAliveResponse } from '../../../engine/lease/types.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadArgs, ExitBadConnection, ExitError } from '../../core/io.ts';
import { errorText, isRequestError } from '../../core/errors.ts';
import { outputFormat, request } from '../../print/index.ts';
import { printGrant, printKeepAlive, printLeases, printRevoke, printTimeToLive } from './print-lease.ts';
import { Deferred, NO_TIMEOUT_MS, dialed, mustClient } from './util.ts';

/** leaseFromArgs: a hex lease ID, or exit 128. */
function leaseArg(ctx: CommandContext, arg: string): LeaseID {
  const r = parseLeaseIdHex(arg);
  if (!r.ok) return ctx.fail(ExitBadArgs, r.error);
  return r.value;
}

/** Wraps an engine error the way a command words it ("failed to revoke lease (...)"). */
async function wrapped<T>(ctx: CommandContext, p: Promise<T>, code: number, wrap: (m: string) => string): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (!isRequestError(e)) throw e;
    return ctx.fail(code, wrap(errorText(e)));
  }
}

const grant: CommandSpec = {
  name: 'grant',
  use: 'grant <ttl>',
  short: 'Creates leases',
  async run(ctx) {
    if (ctx.args.length !== 1) ctx.fail(ExitBadArgs, 'lease grant command needs TTL argument');
    const parsed = parseLeaseIdDecimal(ctx.args[0]!);
    if (!parsed.ok) return ctx.fail(ExitBadArgs, `bad TTL (${parsed.error})`);
    const ttl = Number(BigInt.asIntN(64, BigInt('0x' + parsed.value)));
    const c = mustClient(ctx);
    const resp = await wrapped(ctx, ctx.call(c.leaseGrant.bind(c, { TTL: ttl })), ExitError, (m) => `failed to grant lease (${m})`);
    printGrant(ctx, resp);
  },
};

const revoke: CommandSpec = {
  name: 'revoke',
  use: 'revoke <leaseID>',
  short: 'Revokes leases',
  async run(ctx) {
    if (ctx.args.length !== 1) ctx.fail(ExitBadArgs, 'lease revoke command needs 1 argument');
    const id = leaseArg(ctx, ctx.args[0]!);
    const c = mustClient(ctx);
    const resp = await wrapped(ctx, ctx.call(c.leaseRevoke.bind(c, { ID: id })), ExitError, (m) => `failed to revoke lease (${m})`);
    printRevoke(ctx, id, resp);
  },
};

const timetolive: CommandSpec = {
  name: 'timetolive',
  use: 'timetolive <leaseID> [options]',
  short: 'Get lease information',
  flags: [{ name: 'keys', kind: 'bool', def: 'false', usage: 'Get keys attached to this lease' }],
  async run(ctx) {
    if (ctx.args.length !== 1) ctx.fail(ExitBadArgs, 'lease timetolive command needs lease ID as argument');
    const id = leaseArg(ctx, ctx.args[0]!);
    const keys = ctx.bool('keys');
    const c = mustClient(ctx);
    const resp = await request(ctx, ctx.call(c.leaseTimeToLive.bind(c, { ID: id, keys }), { timeoutMs: NO_TIMEOUT_MS }), ExitBadConnection);
    printTimeToLive(ctx, resp, keys);
  },
};

const list: CommandSpec = {
  name: 'list',
  use: 'list',
  short: 'List all active leases',
  async run(ctx) {
    const c = mustClient(ctx);
    const resp = await request(ctx, ctx.call(c.leaseList.bind(c), { timeoutMs: NO_TIMEOUT_MS }), ExitBadConnection);
    printLeases(ctx, resp);
  },
};

/** clientv3's keep-alive send loop ticks at this interval. */
const KEEPALIVE_TICK_MS = 500;

/**
 * clientv3 KeepAlive as etcdctl consumes it: a renewal at once, then one
 * whenever TTL/3 has passed since the last answer (checked every 500 ms),
 * each answer printed. It ends when the lease is gone (TTL 0) or no answer
 * came before the lease's deadline (the first one: dial timeout + 1 s).
 */
async function keepAliveLoop(ctx: CommandContext, id: LeaseID): Promise<void> {
  const c = mustClient(ctx);
  await dialed(ctx);
  const world = ctx.world;
  const done = new Deferred<void>(world);
  let stopped = false;
  ctx.onExit(() => (stopped = true));
  let next = world.now();
  let deadline = world.now() + ctx.globals.dialTimeoutMs + 1000;
  let inFlight = false;
  const send = (): void => {
    inFlight = true;
    c.keepAliveOnce(
      id,
      (err, resp?: LeaseKeepAliveResponse) => {
        inFlight = false;
        if (stopped || done.settled) return;
        if (err?.code === 'NotFound') return done.resolve();
        if (err || !resp) return; // a transient failure: the next tick tries again
        const now = world.now();
        deadline = now + resp.TTL * 1000;
        next = now + (resp.TTL * 1000) / 3;
        try {
          printKeepAlive(ctx, resp);
        } catch (e) {
          done.reject(e);
        }
      },
      { timeoutMs: Math.max(1, deadline - world.now()) },
    );
  };
  const tick = (): void => {
    if (stopped || done.settled) return;
    const now = world.now();
    if (now > deadline) return done.resolve();
    if (!inFlight && now >= next) send();
    world.net.after(KEEPALIVE_TICK_MS, tick);
  };
  tick();
  await done.promise;
  if (outputFormat(ctx) === 'simple') ctx.out(`lease ${formatLeaseIdHex(id)} expired or revoked.\n`);
}

const keepAlive: CommandSpec = {
  name: 'keep-alive',
  use: 'keep-alive [options] <leaseID>',
  short: 'Keeps leases alive (renew)',
  flags: [{ name: 'once', kind: 'bool', def: 'false', usage: 'Resets the keep-alive time to its original value and exits immediately' }],
  async run(ctx) {
    if (ctx.args.length !== 1) ctx.fail(ExitBadArgs, 'lease keep-alive command needs lease ID as argument');
    const id = leaseArg(ctx, ctx.args[0]!);
    if (ctx.bool('once')) {
      const c = mustClient(ctx);
      const resp = await request(ctx, ctx.call(c.keepAliveOnce.bind(c, id), { timeoutMs: NO_TIMEOUT_MS }), ExitBadConnection);
      printKeepAlive(ctx, resp);
      return;
    }
    await keepAliveLoop(ctx, id);
  },
};

export const leaseCommand: CommandSpec = {
  name: 'lease',
  use: 'lease <subcommand>',
  short: 'Lease related commands',
  subcommands: [grant, keepAlive, list, revoke, timetolive],
};
