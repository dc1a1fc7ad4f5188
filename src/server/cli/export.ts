// export --data-dir DIR [-o FILE] [--name NAME]
// Writes a stopped server's cluster (every member's disk, its settings and
// membership) as a playground file: to FILE, or to stdout. The page imports
// it; serve --import serves it again.
import { writeFileSync } from 'node:fs';
import { encodePlaygroundFile } from '../../engine/cluster/playground-file.ts';
import { exportDataDir } from '../export.ts';
import { parseOrExit } from './options.ts';

const USAGE = `usage: etcd-playground export --data-dir DIR [-o FILE] [--name NAME]

Writes the cluster in a stopped server's data dir as a playground file
(the page imports it; serve --import serves it).

  --data-dir DIR     the server's --data-dir (one member's dir, or the dir holding NAME.etcd dirs)
  -o, --output FILE  where to write the file (default: standard output)
  --name NAME        the playground's name (default: the data dir's name)
`;

export function runExport(argv: string[]): number {
  const opts = parseOrExit(argv, USAGE, ['data-dir', 'output', 'name'], { o: 'output' });
  if (typeof opts === 'number') return opts;
  const dir = opts.values['data-dir'];
  if (dir === undefined) {
    process.stderr.write(`Error: --data-dir is required\n${USAGE}`);
    return 2;
  }
  try {
    const file = exportDataDir(dir, { name: opts.values.name, log: (l, pkg, text) => process.stderr.write(`${l} | ${pkg}: ${text}\n`) });
    const text = encodePlaygroundFile(file);
    const out = opts.values.output;
    if (out === undefined || out === '-') process.stdout.write(text);
    else writeFileSync(out, text);
    const live = file.cluster.nodes.filter((n) => n.life !== 'stopped').length;
    process.stderr.write(`exported playground "${file.name}": ${live} member(s), virtual time ${file.cluster.now} ms${out && out !== '-' ? ` to ${out}` : ''}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = runExport(process.argv.slice(2));
