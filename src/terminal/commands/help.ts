// cobra's `help [command]`: the help of the command the words name, or
// "Unknown help topic" and the root's usage when they name none.
import type { CommandSpec } from '../core/command.ts';
import { findCommand } from '../core/dispatch.ts';
import { goBackquoteList } from '../core/gostr.ts';
import { renderHelp } from '../core/help.ts';

export const helpCommand: CommandSpec = {
  name: 'help',
  use: 'help [command]',
  short: 'Help about any command',
  long: 'Help provides help for any command in the application.\nSimply type etcdctl help [path to command] for full details.',
  run: (ctx) => {
    const root = ctx.command.path[0]!;
    const found = findCommand(root, ctx.args);
    if (found.error !== undefined) {
      ctx.err(`Unknown help topic ${goBackquoteList(ctx.args)}\n`);
      // The root's usage, without the -h flag cobra adds only to commands it executes.
      ctx.out(renderHelp({ spec: root, path: [root] }, { withHelpFlag: false }));
    } else {
      ctx.out(renderHelp(found.resolved));
    }
    return Promise.resolve();
  },
};
