// The stream commands of etcdctl.
import type { CommandSpec } from '../../core/command.ts';

export const streamCommands: CommandSpec[] = [];
