// etcdctl endpoint health/status/hashkv (ctlv3/command/ep_command.go, 3.4).
import { utf8 } from '../../../engine/util/bytes.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { CommandExit, ExitError } from '../../core/io.ts';
import { errorText, isRequestError } from '../../core/errors.ts';
import { display, outputFormat } from '../../print/index.ts';
import { goDurationString } from '../../core/goparse.ts';
import { clientFor, dialable, endpointsFromCluster } from './common.ts';
import { type EpHashKV, type EpHealth, type EpStatus, hashKVRenderers, healthRenderers, healthSimple, statusRenderers } from './endpoint-print.ts';

const ErrPermissionDenied = 'etcdserver: permission denied';

/** One endpoint's check: a linearizable get of "health" through a client of its own. */
async function checkHealth(ctx: CommandContext, ep: string): Promise<EpHealth> {
  const cli = clientFor(ctx, [ep]);
  try {
    await ctx.call(cli.dial.bind(cli));
  } catch (e) {
    if (!isRequestError(e)) throw e;
    return { ep, health: false, took: '', error: errorText(e) };
  }
  const st = ctx.world.now();
  let error = '';
  try {
    await ctx.call(cli.get.bind(cli, { key: utf8('health') }));
  } catch (e) {
    if (!isRequestError(e)) throw e;
    // Permission denied is fine: the request went through consensus.
    if (e.message !== ErrPermissionDenied) error = errorText(e);
  }
  cli.close();
  return { ep, health: error === '', took: goDurationString(ctx.world.now() - st), error };
}

async function epHealth(ctx: CommandContext): Promise<void> {
  const f = outputFormat(ctx);
  const eps = await endpointsFromCluster(ctx);
  // Checked concurrently; listed in the order they finish.
  const list: EpHealth[] = [];
  await Promise.all(eps.map((ep) => checkHealth(ctx, ep).then((h) => list.push(h))));
  if (f === 'simple') ctx.err(healthSimple(list));
  else display(ctx, healthRenderers(list));
  if (list.some((h) => h.error !== '')) ctx.fail(ExitError, 'unhealthy cluster');
}

async function epStatus(ctx: CommandContext): Promise<void> {
  outputFormat(ctx);
  const c = ctx.client();
  const list: EpStatus[] = [];
  let failed = false;
  for (const ep of await endpointsFromCluster(ctx)) {
    try {
      list.push({ ep, resp: await ctx.call(c.status.bind(c, dialable(ctx, ep))) });
    } catch (e) {
      if (!isRequestError(e)) throw e;
      failed = true;
      ctx.err(`Failed to get the status of endpoint ${ep} (${errorText(e)})\n`);
    }
  }
  display(ctx, statusRenderers(list));
  if (failed) throw new CommandExit(ExitError);
}

async function epHashKV(ctx: CommandContext): Promise<void> {
  outputFormat(ctx);
  const c = ctx.client();
  const rev = ctx.int('rev');
  const list: EpHashKV[] = [];
  let err: string | undefined;
  for (const ep of await endpointsFromCluster(ctx)) {
    try {
      list.push({ ep, resp: await ctx.call(c.hashKV.bind(c, dialable(ctx, ep), rev)) });
    } catch (e) {
      if (!isRequestError(e)) throw e;
      err = errorText(e);
      ctx.err(`Failed to get the hash of endpoint ${ep} (${err})\n`);
    }
  }
  display(ctx, hashKVRenderers(list));
  if (err !== undefined) ctx.fail(ExitError, err);
}

export const CLUSTER_FLAG = { name: 'cluster', kind: 'bool', def: 'false', usage: 'use all endpoints from the cluster member list' } as const;

export const endpointCommand: CommandSpec = {
  name: 'endpoint',
  use: 'endpoint <subcommand>',
  short: 'Endpoint related commands',
  persistentFlags: [CLUSTER_FLAG],
  subcommands: [
    {
      name: 'health',
      use: 'health',
      short: 'Checks the healthiness of endpoints specified in `--endpoints` flag',
      run: epHealth,
    },
    {
      name: 'status',
      use: 'status',
      short: 'Prints out the status of endpoints specified in `--endpoints` flag',
      long:
        'When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.\n' +
        'The items in the lists are endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.\n',
      run: epStatus,
    },
    {
      name: 'hashkv',
      use: 'hashkv',
      short: 'Prints the KV history hash for each endpoint in --endpoints',
      flags: [{ name: 'rev', kind: 'int', def: '0', usage: 'maximum revision to hash (default: all revisions)' }],
      run: epHashKV,
    },
  ],
};
