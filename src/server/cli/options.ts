// The command line of etcd-playground's own subcommands (export, migrate):
// --flag VALUE, --flag=VALUE, short aliases (-o), --help.

export class CliUsageError extends Error {}

export interface CliOptions {
  values: Partial<Record<string, string>>;
  help: boolean;
}

export function parseCli(argv: string[], flags: readonly string[], aliases: Readonly<Record<string, string>> = {}): CliOptions {
  const known = new Set(flags);
  const out: CliOptions = { values: {}, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help' || a === '-help') {
      out.help = true;
      continue;
    }
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new CliUsageError(`unexpected argument ${JSON.stringify(a)}`);
    const name = aliases[m[1]!] ?? m[1]!;
    if (!known.has(name)) throw new CliUsageError(`unknown flag: --${m[1]}`);
    let v = m[2];
    if (v === undefined) {
      if (i + 1 >= argv.length) throw new CliUsageError(`flag needs an argument: --${name}`);
      v = argv[++i]!;
    }
    if (out.values[name] !== undefined) throw new CliUsageError(`--${name} given twice`);
    out.values[name] = v;
  }
  return out;
}

/**
 * parseCli with the subcommands' answers to a bad or help command line: the
 * error and usage on stderr (exit 2), or the usage on stdout (exit 0); the
 * exit code is returned in place of the options then.
 */
export function parseOrExit(argv: string[], usage: string, flags: readonly string[], aliases: Readonly<Record<string, string>> = {}): CliOptions | number {
  let opts: CliOptions;
  try {
    opts = parseCli(argv, flags, aliases);
  } catch (e) {
    if (!(e instanceof CliUsageError)) throw e;
    process.stderr.write(`Error: ${e.message}\n${usage}`);
    return 2;
  }
  if (!opts.help) return opts;
  process.stdout.write(usage);
  return 0;
}
