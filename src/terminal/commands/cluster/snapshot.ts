// etcdctl snapshot save/status/restore (ctlv3/command/snapshot_command.go
// and clientv3/snapshot, 3.4). Files live in the world's VirtualFS, relative
// to the session's cwd; etcdctl's zap info lines go to stderr as it logs them.
import type { SnapshotStatus } from '../../../engine/server/snapshot-status.ts';
import { snapshotStatus } from '../../../engine/server/snapshot-status.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadArgs, ExitError, ExitInterrupted } from '../../core/io.ts';
import { VirtualFS } from '../../core/vfs.ts';
import { isRequestError, statusText } from '../../core/errors.ts';
import { type Renderers, display, jsonObject, outputFormat, renderTable } from '../../print/index.ts';
import { clientFor, goList, humanizeBytes } from './common.ts';
import { restoreFlags, snapshotRestore } from './snapshot-restore.ts';
import { isoTime, zapInfo, zapString } from './zap.ts';

/** Where a path (as given) lives in the VFS, and whether its directory exists. */
function locate(ctx: CommandContext, path: string): { abs: string; dirExists: boolean } {
  const abs = VirtualFS.resolve(ctx.cwd, path);
  const dir = abs.slice(0, abs.lastIndexOf('/')) || '/';
  return { abs, dirExists: ctx.world.fs.isDir(dir) };
}

async function snapshotSave(ctx: CommandContext): Promise<void> {
  if (ctx.args.length !== 1) ctx.fail(ExitBadArgs, 'snapshot save expects one argument');
  const path = ctx.args[0]!;
  outputFormat(ctx);
  const eps = ctx.globals.endpoints;
  if (eps.length !== 1) ctx.fail(ExitInterrupted, `snapshot must be requested to one selected node, not multiple ${goList(eps)}`);
  const part = path + '.part';
  const { abs, dirExists } = locate(ctx, part);
  if (!dirExists) ctx.fail(ExitInterrupted, `could not open ${part} (open ${part}: no such file or directory)`);
  zapInfo(ctx, 'snapshot/v3_snapshot.go:119', 'created temporary db file', [['path', zapString(part)]]);
  // Without --command-timeout the save has no deadline at all.
  const timeoutMs = ctx.changed('command-timeout') ? ctx.globals.commandTimeoutMs : Number.MAX_SAFE_INTEGER / 2;
  const started = ctx.world.now();
  const cli = clientFor(ctx, [...eps]);
  let blob: Uint8Array;
  try {
    blob = (await ctx.call(cli.snapshot.bind(cli), { timeoutMs })).blob;
  } catch (e) {
    if (!isRequestError(e)) throw e;
    // The stream's error reaches etcdctl through a pipe, without clientv3's rpctypes conversion.
    return ctx.fail(ExitInterrupted, statusText(e));
  }
  const clientLog = (msg: string): void =>
    ctx.err(`{"level":"info","ts":"${isoTime(ctx)}","caller":"clientv3/maintenance.go:${msg.startsWith('opened') ? 200 : 208}","msg":"${msg}"}\n`);
  clientLog('opened snapshot stream; downloading');
  zapInfo(ctx, 'snapshot/v3_snapshot.go:127', 'fetching snapshot', [['endpoint', zapString(eps[0]!)]]);
  clientLog('completed snapshot read; closing');
  const took = (ctx.world.now() - started) / 1000;
  zapInfo(ctx, 'snapshot/v3_snapshot.go:142', 'fetched snapshot', [
    ['endpoint', zapString(eps[0]!)],
    ['size', zapString(humanizeBytes(blob.length))],
    ['took', String(took)],
  ]);
  ctx.world.fs.writeFile(abs.slice(0, -'.part'.length), blob);
  zapInfo(ctx, 'snapshot/v3_snapshot.go:152', 'saved', [['path', zapString(path)]]);
  ctx.out(`Snapshot saved at ${path}\n`);
}

function dbStatusRow(s: SnapshotStatus): string[] {
  return [s.hash.toString(16), String(s.revision), String(s.totalKey), humanizeBytes(s.totalSize)];
}

function dbStatusRenderers(s: SnapshotStatus): Renderers {
  return {
    simple: () => dbStatusRow(s).join(', ') + '\n',
    json: () =>
      jsonObject([
        ['hash', String(s.hash)],
        ['revision', String(s.revision)],
        ['totalKey', String(s.totalKey)],
        ['totalSize', String(s.totalSize)],
      ]),
    fields: () => `"Hash" : ${s.hash}\n"Revision" : ${s.revision}\n"Keys" : ${s.totalKey}\n"Size" : ${s.totalSize}\n`,
    table: () => renderTable(['HASH', 'REVISION', 'TOTAL KEYS', 'TOTAL SIZE'], [dbStatusRow(s)]),
  };
}

function snapshotStatusCmd(ctx: CommandContext): Promise<void> {
  if (ctx.args.length !== 1) ctx.fail(ExitBadArgs, 'snapshot status requires exactly one argument');
  outputFormat(ctx);
  const path = ctx.args[0]!;
  const abs = VirtualFS.resolve(ctx.cwd, path);
  const fs = ctx.world.fs;
  const data = fs.readFile(abs);
  if (!data) {
    if (fs.isDir(abs)) ctx.fail(ExitError, `read ${path}: is a directory`);
    ctx.fail(ExitError, `stat ${path}: no such file or directory`);
  }
  const st = snapshotStatus(data, path);
  if ('err' in st) ctx.fail(ExitError, st.err);
  display(ctx, dbStatusRenderers(st.status));
  return Promise.resolve();
}

export const snapshotCommand: CommandSpec = {
  name: 'snapshot',
  use: 'snapshot <subcommand>',
  short: 'Manages etcd node snapshots',
  subcommands: [
    { name: 'save', use: 'save <filename>', short: 'Stores an etcd node backend snapshot to a given file', run: snapshotSave },
    {
      name: 'restore',
      use: 'restore <filename> [options]',
      short: 'Restores an etcd member snapshot to an etcd directory',
      flags: restoreFlags,
      run: snapshotRestore,
    },
    {
      name: 'status',
      use: 'status <filename>',
      short: 'Gets backend snapshot status of a given file',
      long:
        'When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.\n' +
        'The items in the lists are hash, revision, total keys, total size.\n',
      run: snapshotStatusCmd,
    },
  ],
};
