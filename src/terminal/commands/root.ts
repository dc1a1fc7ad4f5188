// The etcdctl command tree: the root with its global flags and every command.
import type { CommandSpec } from '../core/command.ts';
import { GLOBAL_FLAGS } from '../core/globals.ts';
import { authCommands } from './auth/index.ts';
import { clusterCommands } from './cluster/index.ts';
import { kvCommands } from './kv/index.ts';
import { streamCommands } from './stream/index.ts';
import { versionCommand } from './version.ts';

export function etcdctlRoot(): CommandSpec {
  return {
    name: 'etcdctl',
    use: '',
    short: 'A simple command line client for etcd3.',
    persistentFlags: GLOBAL_FLAGS,
    subcommands: [...kvCommands, ...streamCommands, ...clusterCommands, ...authCommands, versionCommand],
  };
}
