// From an argv to a running command, as etcdctl's main and cobra's
// ExecuteC do it: ETCDCTL_API picks the v2 or v3 tool; cobra's Find walks
// the tree (flags may come before the subcommand, unique prefixes match),
// the root refuses unknown words; the command's flags are parsed, --help or
// a group without Run prints help; then the command runs. Errors print the
// way etcdctl 3.4 prints them (cobra's line, then etcdctl's ExitWithError).
import { type CommandSpec, type ResolvedCommand, allFlags, commandPath, findSubcommand } from './command.ts';
import { CommandContext } from './context.ts';
import { FlagError, FlagSet, type FlagSpec, type ParsedFlags } from './flags.ts';
import { applyEnv, debugLines, globalOptions } from './globals.ts';
import { helpFlag, renderHelp, unknownCommandSuggestion } from './help.ts';
import { CommandExit, ExitError, type InputStream, type OutputStream } from './io.ts';
import { goQuote } from './gostr.ts';
import { hasNoOptDefVal, parseFlags } from './pflag.ts';
import { runV2 } from './v2.ts';
import type { Machine } from './machine.ts';

export interface Invocation {
  world: Machine;
  root: CommandSpec;
  argv: readonly string[];
  env: ReadonlyMap<string, string>;
  cwd: string;
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Called with the context as soon as the command line is parsed. */
  attach(ctx: CommandContext): void;
}

/** The flags a command parses: its own, its and its ancestors' persistent ones; the first of a name wins. */
function flagSpecs(r: ResolvedCommand, extra: FlagSpec[] = []): FlagSpec[] {
  const seen = new Set<string>();
  return [...allFlags(r), ...extra].filter((f) => !seen.has(f.name) && !!seen.add(f.name));
}

/** Whether a flag word takes the following word as its value (cobra's stripFlags/argsMinusFirstX). */
function takesNext(s: string, flags: FlagSet): boolean {
  if (s.includes('=')) return false;
  if (s.startsWith('--')) return !hasNoOptDefVal(flags.lookup(s.slice(2)));
  return s.length === 2 && s[0] === '-' && !hasNoOptDefVal(flags.lookupShort(s.slice(1)));
}

/** The non-flag words of args, as cobra's stripFlags sees them. */
function stripFlags(args: readonly string[], flags: FlagSet): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const s = args[i]!;
    if (s === '--') break;
    if (s.startsWith('-') && takesNext(s, flags)) {
      // cobra stops looking when the flag's value would be the last word.
      if (args.length - (i + 1) <= 1) break;
      i++;
    } else if (s !== '' && !s.startsWith('-')) {
      words.push(s);
    }
  }
  return words;
}

/** args without the first word x that is not a flag's value (cobra's argsMinusFirstX). */
function argsMinusFirst(args: readonly string[], x: string, flags: FlagSet): string[] {
  for (let i = 0; i < args.length; i++) {
    const s = args[i]!;
    if (s === '--') break;
    if (s.startsWith('-') && takesNext(s, flags)) i++;
    else if (!s.startsWith('-') && s === x) return [...args.slice(0, i), ...args.slice(i + 1)];
  }
  return [...args];
}

/** cobra's findNext with EnablePrefixMatching: an exact name or alias, else a unique prefix. */
function findNext(c: CommandSpec, word: string): CommandSpec | undefined {
  const exact = findSubcommand(c, word);
  if (exact) return exact;
  const matches = (c.subcommands ?? []).filter((s) => s.name.startsWith(word) || s.aliases?.some((a) => a.startsWith(word)));
  return matches.length === 1 ? matches[0] : undefined;
}

export interface Found {
  resolved: ResolvedCommand;
  rest: string[];
  /** legacyArgs' refusal: an unknown word right after the root. */
  error?: string;
}

/** cobra's Find: the command an argv names, and the argv left for it. */
export function findCommand(root: CommandSpec, argv: readonly string[]): Found {
  const path = [root];
  let rest = [...argv];
  for (;;) {
    const cur = path[path.length - 1]!;
    const flags = new FlagSet(flagSpecs({ spec: cur, path }));
    const words = stripFlags(rest, flags);
    const next = words.length > 0 ? findNext(cur, words[0]!) : undefined;
    if (!next) {
      const resolved = { spec: cur, path };
      // legacyArgs: only the root with subcommands refuses arguments it cannot place.
      if (path.length === 1 && (cur.subcommands?.length ?? 0) > 0 && words.length > 0) {
        const error = `unknown command ${goQuote(words[0]!)} for "${commandPath(resolved)}"${unknownCommandSuggestion(root, words[0]!)}`;
        return { resolved, rest, error };
      }
      return { resolved, rest };
    }
    rest = argsMinusFirst(rest, words[0]!, flags);
    path.push(next);
  }
}

/** Parses a resolved command's flags (with -h/--help, which cobra adds on execute). Throws FlagError. */
export function parseCommandFlags(resolved: ResolvedCommand, rest: readonly string[]): ParsedFlags {
  const specs = flagSpecs(resolved, [helpFlag(resolved.spec)]);
  return parseFlags(specs, rest);
}

/**
 * An error a command returns to cobra (RunE, Args validation, flag errors):
 * cobra's "Error:" line and the command's usage (to stdout, with the newline
 * cobra prints after it on stderr), then etcdctl's own ExitWithError line.
 */
export function cobraCommandError(resolved: ResolvedCommand, message: string, stdout: OutputStream, stderr: OutputStream): never {
  stderr.write(`Error: ${message}\n`);
  stdout.write(renderHelp(resolved));
  stderr.write('\n');
  stderr.write(`Error: ${message}\n`);
  throw new CommandExit(ExitError);
}

export async function dispatch(inv: Invocation): Promise<void> {
  const { root, argv, stdout, stderr } = inv;
  // etcdctl's main reads ETCDCTL_API and unsets it before anything else sees the environment.
  const env = new Map(inv.env);
  const api = env.get('ETCDCTL_API') ?? '';
  env.delete('ETCDCTL_API');
  if (api === '2') return runV2({ ...inv, env });
  if (api !== '' && api !== '3') {
    stderr.write(`unsupported API version ${api}\n`);
    throw new CommandExit(ExitError);
  }

  const { resolved, rest, error } = findCommand(root, argv);
  if (error !== undefined) {
    stderr.write(`Error: ${error}\nRun '${commandPath(resolved)} --help' for usage.\n`);
    stderr.write(`Error: ${error}\n`);
    throw new CommandExit(ExitError);
  }
  const { spec } = resolved;

  let parsed: ParsedFlags;
  try {
    parsed = parseCommandFlags(resolved, rest);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    cobraCommandError(resolved, e.message, stdout, stderr);
  }
  if (parsed.values.get('help') === true || !spec.run) {
    stdout.write(renderHelp(resolved));
    return;
  }

  // The global flags' values as the client will see them (environment included); what the
  // environment check finds is reported when the command builds its client.
  const inherited = resolved.path.slice(0, -1).flatMap((c) => c.persistentFlags ?? []);
  const watchVars = spec.use.startsWith('watch') ? ['ETCDCTL_WATCH_KEY', 'ETCDCTL_WATCH_RANGE_END'] : [];
  const envReport = applyEnv(parsed, inherited, env, watchVars);
  const debugDump = parsed.values.get('debug') === true ? debugLines(parsed, inherited) : undefined;

  const ctx = new CommandContext(inv.world, resolved, parsed, globalOptions(parsed), env, inv.cwd, inv.stdin, stdout, stderr, {
    envReport,
    debugDump,
  });
  inv.attach(ctx);
  await Promise.race([spec.run(ctx), ctx.aborted]);
}
