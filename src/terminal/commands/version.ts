// etcdctl version: the client's version and API version (no server call).
import type { CommandSpec } from '../core/command.ts';

export const ETCDCTL_VERSION = '3.4.23';
export const API_VERSION = '3.4';

export const versionCommand: CommandSpec = {
  name: 'version',
  use: 'version',
  short: 'Prints the version of etcdctl',
  run: (ctx) => {
    ctx.out(`etcdctl version: ${ETCDCTL_VERSION}\nAPI version: ${API_VERSION}\n`);
    return Promise.resolve();
  },
};
