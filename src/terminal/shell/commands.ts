// Every command the playground shell knows, by name.
import { clear, echo, env, exportCmd, help, history, sleep, unset } from './builtins.ts';
import { etcd } from './etcd-launch.ts';
import { ls } from './keys.ts';
import * as pg from './playground.ts';
import { playground } from './playgrounds.ts';
import type { ShellCommand } from './shell.ts';

const etcdctl: ShellCommand = (ctx) => ctx.etcdctl(ctx.args);

export const COMMANDS: ReadonlyMap<string, ShellCommand> = new Map<string, ShellCommand>([
  ['etcdctl', etcdctl],
  ['etcd', etcd],
  ['members', pg.members],
  ['status', pg.status],
  ['ls', ls],
  ['stop', pg.stop],
  ['kill', pg.kill],
  ['restart', pg.restart],
  ['pause', pg.pause],
  ['resume', pg.resume],
  ['partition', pg.partition],
  ['cut', pg.cut],
  ['heal', pg.heal],
  ['latency', pg.latency],
  ['drop', pg.drop],
  ['speed', pg.speed],
  ['playground', playground],
  ['sleep', sleep],
  ['export', exportCmd],
  ['unset', unset],
  ['env', env],
  ['echo', echo],
  ['clear', clear],
  ['history', history],
  ['help', help],
]);
