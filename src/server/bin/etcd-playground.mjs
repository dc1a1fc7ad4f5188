#!/usr/bin/env node
// `etcd-playground serve [flags]`: runs src/server/cli/serve.ts through tsx's
// loader in this same process (so a signal sent to this PID reaches the
// server itself, with no wrapper process in between).
import { register } from 'tsx/esm/api';

const [command, ...args] = process.argv.slice(2);
if (command !== 'serve') {
  process.stderr.write('usage: etcd-playground serve [etcd flags] [--nodes N] [--seed N]\n');
  process.exit(2);
}
register();
process.argv = [process.argv[0], process.argv[1], ...args];
await import('../cli/serve.ts');
