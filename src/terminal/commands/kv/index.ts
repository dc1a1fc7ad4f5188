// The kv commands of etcdctl.
import type { CommandSpec } from '../../core/command.ts';

export const kvCommands: CommandSpec[] = [];
