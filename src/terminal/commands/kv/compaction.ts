// etcdctl compaction: compacts the key-value history up to a revision.
import type { CompactionResponse } from '../../../engine/mvcc/rpc.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadArgs, ExitError } from '../../core/io.ts';
import { request } from '../../print/index.ts';
import { parseInt64 } from './ops.ts';

async function run(ctx: CommandContext): Promise<void> {
  if (ctx.args.length !== 1) ctx.fail(ExitBadArgs, 'compaction command needs 1 argument');
  const rev = parseInt64(ctx.args[0]!, 10);
  if ('error' in rev) ctx.fail(ExitError, rev.error);
  const client = ctx.client();
  const req = { revision: Number(rev.value), physical: ctx.bool('physical') };
  await request(ctx, ctx.call<CompactionResponse>((cb) => client.compact(req, cb)));
  // Plain text whatever the -w format.
  ctx.out(`compacted revision ${rev.value}\n`);
}

export const compactionCommand: CommandSpec = {
  name: 'compaction',
  use: 'compaction [options] <revision>',
  short: 'Compacts the event history in etcd',
  flags: [{ name: 'physical', kind: 'bool', def: 'false', usage: "'true' to wait for compaction to physically remove all old revisions" }],
  run,
};
