// The cluster commands of etcdctl.
import type { CommandSpec } from '../../core/command.ts';

export const clusterCommands: CommandSpec[] = [];
