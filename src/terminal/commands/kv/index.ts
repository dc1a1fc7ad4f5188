// The kv commands of etcdctl: get, put, del, txn, compaction.
import type { CommandSpec } from '../../core/command.ts';
import { compactionCommand } from './compaction.ts';
import { delCommand } from './del.ts';
import { getCommand } from './get.ts';
import { putCommand } from './put.ts';
import { txnCommand } from './txn.ts';

export const kvCommands: CommandSpec[] = [getCommand, putCommand, delCommand, txnCommand, compactionCommand];
