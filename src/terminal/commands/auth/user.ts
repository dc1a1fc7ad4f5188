// etcdctl user add / delete / get / list / passwd / grant-role / revoke-role.
import type { CommandSpec } from '../../core/command.ts';
import type { CommandContext } from '../../core/context.ts';
import type { FlagSpec } from '../../core/flags.ts';
import { ExitBadArgs } from '../../core/io.ts';
import { display } from '../../print/index.ts';
import { authCall, headerOnly, needArgs, oneCallCommand, roleGetRenderers, withNames } from './print.ts';

/** fmt.Scanf("%s"): the first word of stdin's first line ("" when the line starts empty). */
async function scanWord(ctx: CommandContext): Promise<string> {
  const line = (await ctx.stdin.readLine()) ?? '';
  return /^[ \t\r]*([^\s]*)/.exec(line)![1]!;
}

/** speakeasy.Ask: the prompt, the (unechoed) answer, a newline. */
async function ask(ctx: CommandContext, prompt: string): Promise<string> {
  ctx.out(prompt);
  const answer = (await ctx.stdin.readLine()) ?? '';
  ctx.out('\n');
  return answer;
}

/** etcdctl's password reading: a word from stdin, or two matching prompted answers. */
async function readPassword(ctx: CommandContext, name: string): Promise<string> {
  if (!ctx.bool('interactive')) return scanWord(ctx);
  const pw1 = await ask(ctx, `Password of ${name}: `);
  if (pw1.length === 0) ctx.fail(ExitBadArgs, 'empty password');
  const pw2 = await ask(ctx, `Type password of ${name} again for confirmation: `);
  if (pw1 !== pw2) ctx.fail(ExitBadArgs, 'given passwords are different');
  return pw1;
}

const add: CommandSpec = {
  name: 'add',
  use: 'add <user name or user:password> [options]',
  short: 'Adds a new user',
  flags: [
    { name: 'interactive', kind: 'bool', def: 'true', usage: 'Read password from stdin instead of interactive terminal' },
    { name: 'new-user-password', kind: 'string', def: '', usage: 'Supply password from the command line flag' },
    { name: 'no-password', kind: 'bool', def: 'false', usage: 'Create a user without password (CN based auth only)' },
  ],
  run: async (ctx) => {
    needArgs(ctx, ctx.args.length === 1, 'user add command requires user name as its argument');
    const arg = ctx.args[0]!;
    let user = arg;
    let password = '';
    const noPassword = ctx.bool('no-password');
    if (!noPassword) {
      const flagPassword = ctx.str('new-user-password');
      const colon = arg.indexOf(':');
      if (flagPassword !== '') password = flagPassword;
      else if (colon < 0) password = await readPassword(ctx, arg);
      else {
        user = arg.slice(0, colon);
        password = arg.slice(colon + 1);
        if (user.length === 0) ctx.fail(ExitBadArgs, 'empty user name is not allowed');
      }
    }
    const cli = ctx.client();
    const resp = await authCall(ctx, cli.userAdd.bind(cli, user, password), { noPassword });
    display(ctx, headerOnly(resp, () => `User ${user} created\n`));
  },
};

const del = oneCallCommand(
  { name: 'delete', use: 'delete <user name>', short: 'Deletes a user' },
  1,
  'user delete command requires user name as its argument',
  (cli, [name]) => cli.userDelete.bind(cli, name!),
  ([name]) => `User ${name} deleted\n`,
);

const get: CommandSpec = {
  name: 'get',
  use: 'get <user name> [options]',
  short: 'Gets detailed information of a user',
  flags: [{ name: 'detail', kind: 'bool', def: 'false', usage: 'Show permissions of roles granted to the user' }],
  run: async (ctx) => {
    needArgs(ctx, ctx.args.length === 1, 'user get command requires user name as its argument');
    const name = ctx.args[0]!;
    const cli = ctx.client();
    const resp = await authCall(ctx, cli.userGet.bind(cli, name));
    if (ctx.bool('detail')) {
      ctx.out(`User: ${name}\n`);
      for (const role of resp.roles) {
        ctx.out('\n');
        const r = await authCall(ctx, cli.roleGet.bind(cli, role));
        display(ctx, roleGetRenderers(role, r));
      }
      return;
    }
    const r = withNames(resp, 'roles', resp.roles, () => `User: ${name}\nRoles:${resp.roles.map((x) => ` ${x}`).join('')}\n`);
    display(ctx, { ...r, fields: undefined });
  },
};

const list: CommandSpec = {
  name: 'list',
  use: 'list',
  short: 'Lists all users',
  run: async (ctx) => {
    needArgs(ctx, ctx.args.length === 0, 'user list command requires no arguments');
    const cli = ctx.client();
    const resp = await authCall(ctx, cli.userList.bind(cli));
    const r = withNames(resp, 'users', resp.users, () => resp.users.map((u) => `${u}\n`).join(''));
    display(ctx, { ...r, fields: undefined });
  },
};

const INTERACTIVE_PASSWD: FlagSpec = {
  name: 'interactive',
  kind: 'bool',
  def: 'true',
  usage: 'If true, read password from stdin instead of interactive terminal',
};

const passwd: CommandSpec = {
  name: 'passwd',
  use: 'passwd <user name> [options]',
  short: 'Changes password of user',
  flags: [INTERACTIVE_PASSWD],
  run: async (ctx) => {
    needArgs(ctx, ctx.args.length === 1, 'user passwd command requires user name as its argument');
    const name = ctx.args[0]!;
    const password = await readPassword(ctx, name);
    const cli = ctx.client();
    const resp = await authCall(ctx, cli.userChangePassword.bind(cli, name, password));
    display(ctx, headerOnly(resp, () => 'Password updated\n'));
  },
};

const grantRole = oneCallCommand(
  { name: 'grant-role', use: 'grant-role <user name> <role name>', short: 'Grants a role to a user' },
  2,
  'user grant command requires user name and role name as its argument',
  (cli, [user, role]) => cli.userGrantRole.bind(cli, user!, role!),
  ([user, role]) => `Role ${role} is granted to user ${user}\n`,
);

const revokeRole = oneCallCommand(
  { name: 'revoke-role', use: 'revoke-role <user name> <role name>', short: 'Revokes a role from a user' },
  2,
  'user revoke-role requires user name and role name as its argument',
  (cli, [user, role]) => cli.userRevokeRole.bind(cli, user!, role!),
  ([user, role]) => `Role ${role} is revoked from user ${user}\n`,
);

export const userCommand: CommandSpec = {
  name: 'user',
  use: 'user <subcommand>',
  short: 'User related commands',
  subcommands: [add, del, get, list, passwd, grantRole, revokeRole],
};
