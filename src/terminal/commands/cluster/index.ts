// The cluster and maintenance commands of etcdctl: member, endpoint,
// move-leader, snapshot, alarm, defrag, check.
import type { CommandSpec } from '../../core/command.ts';
import { checkCommand } from './check.ts';
import { endpointCommand } from './endpoint.ts';
import { maintenanceCommands } from './maintenance.ts';
import { memberCommand } from './member.ts';
import { snapshotCommand } from './snapshot.ts';

export { readRestoredDataDir, RESTORE_WAL, type RestoredBootstrap } from './snapshot-restore.ts';

export const clusterCommands: CommandSpec[] = [memberCommand, endpointCommand, snapshotCommand, ...maintenanceCommands, checkCommand];
