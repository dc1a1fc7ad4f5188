// The auth commands of etcdctl.
import type { CommandSpec } from '../../core/command.ts';

export const authCommands: CommandSpec[] = [];
