// The auth commands of etcdctl: auth (enable/disable), user and role.
import type { CommandSpec } from '../../core/command.ts';
import { authCommand } from './auth.ts';
import { roleCommand } from './role.ts';
import { userCommand } from './user.ts';

export const authCommands: CommandSpec[] = [authCommand, userCommand, roleCommand];
