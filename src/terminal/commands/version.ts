// etcdctl version: the client's version and API version (no server call).
import type { CommandSpec } from '../core/command.ts';
import { API_VERSION, ETCDCTL_VERSION } from '../core/help.ts';

export { API_VERSION, ETCDCTL_VERSION };

export const versionCommand: CommandSpec = {
  name: 'version',
  use: 'version',
  short: 'Prints the version of etcdctl',
  run: (ctx) => {
    ctx.out(`etcdctl version: ${ETCDCTL_VERSION}\nAPI version: ${API_VERSION}\n`);
    return Promise.resolve();
  },
};
