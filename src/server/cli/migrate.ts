// migrate --to URL [--data-dir DIR | --import FILE | --from URL]
// Copies a playground's keyspace into a real etcd cluster: every key at one
// revision of the source, leases granted again with the TTL they have left
// and their keys attached. Prints a summary. See ../migrate.ts.
import { EtcdClient } from '../grpc/client.ts';
import { exportDataDir } from '../export.ts';
import { readPlaygroundFile } from '../import.ts';
import { type MigrateSummary, copyKeyspace, withServedPlayground } from '../migrate.ts';
import { parseOrExit } from './options.ts';

const USAGE = `usage: etcd-playground migrate --to URL [--data-dir DIR | --import FILE | --from URL]

Copies a playground's keys into a real etcd cluster, leases included (granted
again with the TTL they have left, keys attached).

  --to URL        the target etcd's client URL (http://HOST:2379)
  --data-dir DIR  the source: a stopped playground server's data dir
  --import FILE   the source: a playground file (the page's export)
  --from URL      the source: a running playground server (or any etcd) at URL
`;

async function copyFrom(endpoint: string, to: string): Promise<MigrateSummary> {
  const src = new EtcdClient(endpoint);
  const dst = new EtcdClient(to);
  try {
    return await copyKeyspace(src, dst, (line) => process.stderr.write(`${line}\n`));
  } finally {
    src.close();
    dst.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const opts = parseOrExit(argv, USAGE, ['to', 'data-dir', 'import', 'from']);
  if (typeof opts === 'number') return opts;
  const { to, from } = opts.values;
  const sources = (['data-dir', 'import', 'from'] as const).filter((k) => opts.values[k] !== undefined);
  if (to === undefined || sources.length !== 1) {
    process.stderr.write(`Error: ${to === undefined ? '--to is required' : 'give exactly one source: --data-dir, --import or --from'}\n${USAGE}`);
    return 2;
  }
  try {
    let source: string;
    let sum: MigrateSummary;
    if (from !== undefined) {
      source = from;
      sum = await copyFrom(from, to);
    } else {
      const path = opts.values['data-dir'] ?? opts.values.import!;
      const file = opts.values['data-dir'] !== undefined ? exportDataDir(path) : readPlaygroundFile(path);
      source = `playground "${file.name}" (${path})`;
      sum = await withServedPlayground(file, (ep) => copyFrom(ep, to));
    }
    process.stdout.write(
      `migrated ${sum.keys} key(s), ${sum.bytes} byte(s), and ${sum.leases} lease(s) from ${source} at revision ${sum.revision} to ${to}\n` +
        (sum.renumbered > 0 ? `${sum.renumbered} lease(s) got a new ID: theirs was taken on the target\n` : '') +
        (sum.expiredKeys > 0 ? `${sum.expiredKeys} key(s) skipped: their lease expired during the copy\n` : ''),
    );
    return 0;
  } catch (e) {
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
