// etcdctl migrate: converts a v2 store on disk into the v3 one. The playground
// has no v2 data directories, so it fails the way etcdctl does on a missing one.
import type { CommandSpec } from '../core/command.ts';
import { ExitError } from '../core/io.ts';

export const migrateCommand: CommandSpec = {
  name: 'migrate',
  use: 'migrate',
  short: 'Migrates keys in a v2 store to a mvcc store',
  flags: [
    { name: 'data-dir', kind: 'string', def: '', usage: 'Path to the data directory' },
    { name: 'no-ttl', kind: 'bool', def: 'false', usage: 'Do not convert TTL keys' },
    { name: 'transformer', kind: 'string', def: '', usage: 'Path to the user-provided transformer program' },
    { name: 'wal-dir', kind: 'string', def: '', usage: 'Path to the WAL directory' },
  ],
  run: (ctx) => {
    const transformer = ctx.str('transformer');
    if (transformer !== '') ctx.fail(ExitError, `fork/exec ${transformer}: no such file or directory`);
    ctx.out('using default transformer\n');
    const dataDir = ctx.str('data-dir');
    const snapDir = dataDir === '' ? 'member/snap' : `${dataDir.replace(/\/+$/, '')}/member/snap`;
    return ctx.fail(ExitError, `open ${snapDir}: no such file or directory`);
  },
};
