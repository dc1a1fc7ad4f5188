// etcdctl defrag, alarm list/disarm and move-leader (ctlv3/command
// defrag_command.go, alarm_command.go, move_leader_command.go, 3.4).
import type { AlarmMember } from '../../../engine/api/service.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { CommandExit, ExitBadArgs, ExitError } from '../../core/io.ts';
import { VirtualFS } from '../../core/vfs.ts';
import { errorText, isRequestError } from '../../core/errors.ts';
import { ProtoWriter, type Renderers, display, jsonObject, oe, outputFormat, request, u64FromHex } from '../../print/index.ts';
import { clientFor, dialable, endpointsFromCluster, goList, parseHexId } from './common.ts';
import { CLUSTER_FLAG } from './endpoint.ts';
import { goPanic, joinPath } from './panic.ts';

// ---- defrag ----

/** defrag --data-dir: an offline data dir; etcd's backend panics when it has no db. */
function defragDataDir(ctx: CommandContext, dir: string): void {
  const db = joinPath(dir, 'member', 'snap', 'db');
  if (ctx.world.fs.readFile(VirtualFS.resolve(ctx.cwd, db))) return;
  const msg = `cannot open database at ${db} (open ${db}: no such file or directory)`;
  goPanic(ctx, msg, { capnslog: `mvcc/backend: ${msg}`, frame: 'defragData.func1' });
}

async function defrag(ctx: CommandContext): Promise<void> {
  const dir = ctx.str('data-dir');
  if (dir !== '') return defragDataDir(ctx, dir);
  outputFormat(ctx);
  const c = ctx.client();
  let failures = 0;
  for (const ep of await endpointsFromCluster(ctx)) {
    try {
      await ctx.call(c.defragment.bind(c, dialable(ctx, ep)));
      ctx.out(`Finished defragmenting etcd member[${ep}]\n`);
    } catch (e) {
      if (!isRequestError(e)) throw e;
      ctx.err(`Failed to defragment etcd member[${ep}] (${errorText(e)})\n`);
      failures++;
    }
  }
  if (failures !== 0) throw new CommandExit(ExitError);
}

// ---- alarm ----

const ALARM_ENUM: Record<string, number> = { NONE: 0, NOSPACE: 1, CORRUPT: 2 };

/**
 * The Alarm printers. etcd answers Alarm without a header (and the client
 * builds disarm's answer without one), so json has none and the fields
 * printer dereferences nil: etcdctl panics.
 */
function alarmRenderers(ctx: CommandContext, alarms: readonly AlarmMember[]): Renderers {
  return {
    simple: () => alarms.map((a) => `memberID:${u64FromHex(a.memberID)} alarm:${a.alarm} \n`).join(''),
    json: () => jsonObject([['alarms', oe.array(alarms.map((a) => jsonObject([['memberID', oe.u64hex(a.memberID)], ['alarm', oe.int(ALARM_ENUM[a.alarm] ?? 0)]])))]]),
    protobuf: () => new ProtoWriter().messages(2, alarms, (a) => new ProtoWriter().hexVarint(1, a.memberID).varint(2, ALARM_ENUM[a.alarm] ?? 0)),
    fields: () => goPanic(ctx, 'runtime error: invalid memory address or nil pointer dereference', { signal: true, frame: '(*fieldsPrinter).hdr' }),
  };
}

function alarmCommand(name: 'list' | 'disarm') {
  return async (ctx: CommandContext): Promise<void> => {
    if (ctx.args.length !== 0) ctx.fail(ExitBadArgs, `alarm ${name} command accepts no arguments`);
    outputFormat(ctx);
    const c = ctx.client();
    const resp = await request(ctx, ctx.call(name === 'list' ? c.alarmList.bind(c) : c.alarmDisarm.bind(c, { memberID: '0', alarm: 'NONE' })));
    display(ctx, alarmRenderers(ctx, resp.alarms));
  };
}

// ---- move-leader ----

async function moveLeader(ctx: CommandContext): Promise<void> {
  if (ctx.args.length !== 1) ctx.fail(ExitBadArgs, 'move-leader command needs 1 argument');
  const target = parseHexId(ctx.args[0]!);
  if ('err' in target) return ctx.fail(ExitBadArgs, target.err);
  outputFormat(ctx);
  const eps = [...ctx.globals.endpoints];
  // One deadline for the whole command: finding the leader and the transfer.
  const deadline = ctx.world.now() + ctx.globals.commandTimeoutMs;
  const left = (): { timeoutMs: number } => ({ timeoutMs: Math.max(0, deadline - ctx.world.now()) });
  let leader: { ep: string; id: string } | undefined;
  for (const ep of eps) {
    const cli = clientFor(ctx, [ep]);
    const st = await request(ctx, ctx.call(cli.status.bind(cli, dialable(ctx, ep)), left()));
    cli.close();
    if (st.header.memberId === st.leader) {
      leader = { ep, id: st.leader };
      break;
    }
  }
  if (!leader) return ctx.fail(ExitBadArgs, `no leader endpoint given at ${goList(eps)}`);
  const lc = clientFor(ctx, [leader.ep]);
  await request(ctx, ctx.call(lc.moveLeader.bind(lc, target.id), left()));
  // MoveLeaderResponse comes without a header: json is {} and protobuf empty.
  display(ctx, {
    simple: () => `Leadership transferred from ${leader.id} to ${target.id}\n`,
    json: () => jsonObject([]),
    protobuf: () => new ProtoWriter(),
  });
}

export const maintenanceCommands: CommandSpec[] = [
  {
    name: 'defrag',
    use: 'defrag',
    short: 'Defragments the storage of the etcd members with given endpoints',
    flags: [{ name: 'data-dir', kind: 'string', def: '', usage: 'Optional. If present, defragments a data directory not in use by etcd.' }],
    persistentFlags: [CLUSTER_FLAG],
    run: defrag,
  },
  {
    name: 'alarm',
    use: 'alarm <subcommand>',
    short: 'Alarm related commands',
    subcommands: [
      { name: 'disarm', use: 'disarm', short: 'Disarms all alarms', run: alarmCommand('disarm') },
      { name: 'list', use: 'list', short: 'Lists all alarms', run: alarmCommand('list') },
    ],
  },
  {
    name: 'move-leader',
    use: 'move-leader <transferee-member-id>',
    short: 'Transfers leadership to another etcd cluster member.',
    run: moveLeader,
  },
];
