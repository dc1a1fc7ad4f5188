// The long-running and streaming commands of etcdctl: watch, lease, lock,
// elect, make-mirror.
import type { CommandSpec } from '../../core/command.ts';
import { electCommand } from './elect.ts';
import { leaseCommand } from './lease.ts';
import { lockCommand } from './lock.ts';
import { makeMirrorCommand } from './mirror.ts';
import { watchCommand } from './watch.ts';

export const streamCommands: CommandSpec[] = [watchCommand, leaseCommand, lockCommand, electCommand, makeMirrorCommand];
