// etcdctl role add / delete / get / list / grant-permission / revoke-permission.
import type { PermissionType } from '../../../engine/auth/types.ts';
import { prefixEnd } from '../../../engine/client/prefix.ts';
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitBadArgs } from '../../core/io.ts';
import { ByteBuilder, display, goQuote, headerFields, utf8 } from '../../print/index.ts';
import { authCall, headerOnly, needArgs, oneCallCommand, roleGetRenderers, withNames } from './print.ts';

const NUL = new Uint8Array([0]);

/**
 * etcdctl's permRange: key and range end from the arguments and --prefix /
 * --from-key. An empty key means the whole key space, which etcd expresses
 * as ["\0", ...).
 */
function permRange(ctx: CommandContext, args: string[]): [Uint8Array, Uint8Array] {
  const prefix = ctx.bool('prefix');
  const fromKey = ctx.bool('from-key');
  const exclusive = (): never => ctx.fail(ExitBadArgs, '--from-key and --prefix flags are mutually exclusive');
  const key = args[0]!;
  if (key.length === 0) {
    if (prefix && fromKey) exclusive();
    return [NUL, prefix || fromKey ? NUL : new Uint8Array()];
  }
  if (args.length === 1) {
    if (prefix && fromKey) exclusive();
    if (prefix) return [utf8(key), prefixEnd(utf8(key))];
    if (fromKey) return [utf8(key), NUL];
    return [utf8(key), new Uint8Array()];
  }
  if (prefix) ctx.fail(ExitBadArgs, 'unexpected endkey argument with --prefix flag');
  if (fromKey) ctx.fail(ExitBadArgs, 'unexpected endkey argument with --from-key flag');
  return [utf8(key), utf8(args[1]!)];
}

/** clientv3.StrToPermissionType: READ, WRITE or READWRITE in any case. */
function permissionType(ctx: CommandContext, s: string): PermissionType {
  const t = s.toUpperCase();
  if (t === 'READ' || t === 'WRITE' || t === 'READWRITE') return t;
  return ctx.fail(ExitBadArgs, `invalid permission type: ${s}`);
}

const add = oneCallCommand(
  { name: 'add', use: 'add <role name>', short: 'Adds a new role' },
  1,
  'role add command requires role name as its argument',
  (cli, [name]) => cli.roleAdd.bind(cli, name!),
  ([name]) => `Role ${name} created\n`,
);

const del = oneCallCommand(
  { name: 'delete', use: 'delete <role name>', short: 'Deletes a role' },
  1,
  'role delete command requires role name as its argument',
  (cli, [name]) => cli.roleDelete.bind(cli, name!),
  ([name]) => `Role ${name} deleted\n`,
);

const get: CommandSpec = {
  name: 'get',
  use: 'get <role name>',
  short: 'Gets detailed information of a role',
  run: async (ctx) => {
    needArgs(ctx, ctx.args.length === 1, 'role get command requires role name as its argument');
    const name = ctx.args[0]!;
    const cli = ctx.client();
    const resp = await authCall(ctx, cli.roleGet.bind(cli, name));
    display(ctx, roleGetRenderers(name, resp));
  },
};

const list: CommandSpec = {
  name: 'list',
  use: 'list',
  short: 'Lists all roles',
  run: async (ctx) => {
    needArgs(ctx, ctx.args.length === 0, 'role list command requires no arguments');
    const cli = ctx.client();
    const resp = await authCall(ctx, cli.roleList.bind(cli));
    const r = withNames(resp, 'roles', resp.roles, () => resp.roles.map((x) => `${x}\n`).join(''));
    display(ctx, { ...r, fields: () => `${resp.header ? headerFields(resp.header) : ''}"Roles" :${resp.roles.map((x) => ` ${goQuote(x)}`).join('')}\n` });
  },
};

const grant: CommandSpec = {
  name: 'grant-permission',
  use: 'grant-permission [options] <role name> <permission type> <key> [endkey]',
  short: 'Grants a key to a role',
  flags: [
    { name: 'prefix', kind: 'bool', def: 'false', usage: 'grant a prefix permission' },
    { name: 'from-key', kind: 'bool', def: 'false', usage: 'grant a permission of keys that are greater than or equal to the given key using byte compare' },
  ],
  run: async (ctx) => {
    needArgs(ctx, ctx.args.length >= 3, 'role grant command requires role name, permission type, and key [endkey] as its argument');
    const role = ctx.args[0]!;
    const perm = permissionType(ctx, ctx.args[1]!);
    const [key, end] = permRange(ctx, ctx.args.slice(2));
    const cli = ctx.client();
    const resp = await authCall(ctx, cli.roleGrantPermission.bind(cli, role, key, end, perm));
    display(ctx, headerOnly(resp, () => `Role ${role} updated\n`));
  },
};

const revoke: CommandSpec = {
  name: 'revoke-permission',
  use: 'revoke-permission <role name> <key> [endkey]',
  short: 'Revokes a key from a role',
  flags: [
    { name: 'prefix', kind: 'bool', def: 'false', usage: 'revoke a prefix permission' },
    { name: 'from-key', kind: 'bool', def: 'false', usage: 'revoke a permission of keys that are greater than or equal to the given key using byte compare' },
  ],
  run: async (ctx) => {
    needArgs(ctx, ctx.args.length >= 2, 'role revoke-permission command requires role name and key [endkey] as its argument');
    const role = ctx.args[0]!;
    const keyArg = ctx.args[1]!;
    const [key, end] = permRange(ctx, ctx.args.slice(1));
    const cli = ctx.client();
    const resp = await authCall(ctx, cli.roleRevokePermission.bind(cli, role, key, end));
    display(
      ctx,
      headerOnly(resp, () => {
        // The key as typed (not "\0" for an empty one); the range end as sent.
        const b = new ByteBuilder();
        if (end.length === 0) return b.line(`Permission of key ${keyArg} is revoked from role ${role}`).bytes();
        b.add(`Permission of range [${keyArg}, `);
        if (end.length === 1 && end[0] === 0) b.add('<open ended>');
        else b.add(end).add(')');
        return b.line(` is revoked from role ${role}`).bytes();
      }),
    );
  },
};

export const roleCommand: CommandSpec = {
  name: 'role',
  use: 'role <subcommand>',
  short: 'Role related commands',
  subcommands: [add, del, get, list, grant, revoke],
};
