// The etcdctl command tree: the root with its global flags and every command,
// in the order etcdctl adds them (cobra suggests unknown commands in that
// order), then the help and completion commands cobra adds on execute.
import type { CommandSpec } from '../core/command.ts';
import { GLOBAL_FLAGS } from '../core/globals.ts';
import { authCommands } from './auth/index.ts';
import { clusterCommands } from './cluster/index.ts';
import { completionCommand } from './completion.ts';
import { helpCommand } from './help.ts';
import { kvCommands } from './kv/index.ts';
import { migrateCommand } from './migrate.ts';
import { streamCommands } from './stream/index.ts';
import { versionCommand } from './version.ts';

/** etcdctl 3.4's rootCmd.AddCommand order. */
const ORDER = [
  'get',
  'put',
  'del',
  'txn',
  'compaction',
  'alarm',
  'defrag',
  'endpoint',
  'move-leader',
  'watch',
  'version',
  'lease',
  'member',
  'snapshot',
  'make-mirror',
  'migrate',
  'lock',
  'elect',
  'auth',
  'user',
  'role',
  'check',
];

function rank(c: CommandSpec): number {
  const i = ORDER.indexOf(c.name);
  return i < 0 ? ORDER.length : i;
}

export function etcdctlRoot(): CommandSpec {
  const groups = [...kvCommands, ...streamCommands, ...clusterCommands, ...authCommands, versionCommand];
  if (!groups.some((c) => c.name === 'migrate')) groups.push(migrateCommand);
  const commands = groups.sort((a, b) => rank(a) - rank(b));
  return {
    name: 'etcdctl',
    use: 'etcdctl',
    short: 'A simple command line client for etcd3.',
    persistentFlags: GLOBAL_FLAGS,
    subcommands: [...commands, helpCommand, completionCommand],
  };
}
