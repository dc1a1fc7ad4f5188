// etcdctl auth enable / disable. Enabling needs a root user with the root
// role: etcdctl creates the missing root role and grants it to root by
// itself, then asks again.
import type { CommandSpec } from '../../core/command.ts';
import { ExitBadArgs } from '../../core/io.ts';
import { authCall } from './print.ts';
import { isRequestError, failRequest } from '../../print/index.ts';

// rpctypes.ErrRootRoleNotExist (its text speaks of the root user's role).
const ErrRootRoleNotExist = 'etcdserver: root user does not have root role';

const enable: CommandSpec = {
  name: 'enable',
  use: 'enable',
  short: 'Enables authentication',
  run: async (ctx) => {
    if (ctx.args.length !== 0) ctx.fail(ExitBadArgs, 'auth enable command does not accept any arguments');
    const cli = ctx.client();
    // As etcdctl: when root lacks the root role, add the role (which fails if it exists)
    // and grant it, then ask again; any other refusal is the error.
    for (;;) {
      try {
        await ctx.call(cli.authEnable.bind(cli));
        break;
      } catch (e) {
        if (!isRequestError(e) || e.message !== ErrRootRoleNotExist) return failRequest(ctx, e);
        await authCall(ctx, cli.roleAdd.bind(cli, 'root'));
        await authCall(ctx, cli.userGrantRole.bind(cli, 'root', 'root'));
      }
    }
    ctx.out('Authentication Enabled\n');
  },
};

const disable: CommandSpec = {
  name: 'disable',
  use: 'disable',
  short: 'Disables authentication',
  run: async (ctx) => {
    if (ctx.args.length !== 0) ctx.fail(ExitBadArgs, 'auth disable command does not accept any arguments');
    const cli = ctx.client();
    await authCall(ctx, cli.authDisable.bind(cli));
    ctx.out('Authentication Disabled\n');
  },
};

export const authCommand: CommandSpec = {
  name: 'auth',
  use: 'auth <enable or disable>',
  short: 'Enable or disable authentication',
  subcommands: [enable, disable],
};
