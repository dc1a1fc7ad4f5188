// From an argv to a running command, as cobra's Execute does it for etcdctl:
// find the command (flags may come before the subcommand), parse its flags,
// answer --help, then run it. Errors print the way etcdctl 3.4 prints them.
import { type CommandSpec, type ResolvedCommand, allFlags, commandPath, findSubcommand } from './command.ts';
import { CommandContext } from './context.ts';
import { FlagError, FlagSet, type ParsedFlags, setFlag } from './flags.ts';
import { GLOBAL_FLAGS, applyEnv, globalOptions } from './globals.ts';
import { renderHelp, unknownCommandSuggestion } from './help.ts';
import { CommandExit, ExitError, type InputStream, type OutputStream } from './io.ts';
import type { World } from './world.ts';

export interface Invocation {
  world: World;
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

/** Whether a flag token takes the following argument as its value (cobra's stripFlags). */
function consumesNext(token: string, flags: FlagSet): boolean {
  if (token.includes('=')) return false;
  if (token.startsWith('--')) return flags.lookup(token.slice(2))?.kind !== 'bool';
  if (token.length === 2) return flags.lookupShort(token.slice(1))?.kind !== 'bool';
  return false;
}

/** The non-flag words of args, as cobra's stripFlags sees them. */
function stripFlags(args: readonly string[], flags: FlagSet): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const s = args[i]!;
    if (s === '--') break;
    if (s.startsWith('-') && s.length > 1) {
      if (consumesNext(s, flags)) {
        // cobra stops looking when the flag's value would be the last word.
        if (args.length - (i + 1) <= 1) break;
        i++;
      }
      continue;
    }
    if (s !== '') words.push(s);
  }
  return words;
}

/** cobra's findNext with EnablePrefixMatching: an exact name or alias, else a unique prefix. */
function findNext(c: CommandSpec, word: string): CommandSpec | undefined {
  const exact = findSubcommand(c, word);
  if (exact) return exact;
  const matches = (c.subcommands ?? []).filter((s) => s.name.startsWith(word));
  return matches.length === 1 ? matches[0] : undefined;
}

/** cobra's Find: the command an argv names, and the argv left for it. */
export function findCommand(root: CommandSpec, argv: readonly string[]): { resolved: ResolvedCommand; rest: string[] } {
  const path = [root];
  let rest = [...argv];
  for (;;) {
    const cur = path[path.length - 1]!;
    const flags = new FlagSet(allFlags({ spec: cur, path }));
    const words = stripFlags(rest, flags);
    const next = words.length > 0 ? findNext(cur, words[0]!) : undefined;
    if (!next) return { resolved: { spec: cur, path }, rest };
    const at = rest.indexOf(words[0]!);
    rest = [...rest.slice(0, at), ...rest.slice(at + 1)];
    path.push(next);
  }
}

export async function dispatch(inv: Invocation): Promise<void> {
  const { root, argv, stdout, stderr } = inv;
  const { resolved, rest } = findCommand(root, argv);
  const { spec } = resolved;
  const flagSet = new FlagSet([...allFlags(resolved), { name: 'help', shorthand: 'h', kind: 'bool', def: 'false', usage: `help for ${spec.name}` }]);

  // The root with subcommands refuses unknown words (cobra's legacyArgs).
  if (resolved.path.length === 1 && spec.subcommands?.length) {
    const words = stripFlags(rest, flagSet);
    if (words.length > 0) {
      const msg = `unknown command ${JSON.stringify(words[0])} for "${commandPath(resolved)}"${unknownCommandSuggestion(root, words[0]!)}`;
      stderr.write(`Error: ${msg}\nRun '${commandPath(resolved)} --help' for usage.\n`);
      stderr.write(`Error: ${msg}\n`);
      throw new CommandExit(ExitError);
    }
  }

  let parsed: ParsedFlags;
  try {
    parsed = flagSet.parse(rest);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    stderr.write(`Error: ${e.message}\n`);
    stdout.write(renderHelp(resolved));
    stderr.write('\n');
    stderr.write(`Error: ${e.message}\n`);
    throw new CommandExit(ExitError);
  }

  if (parsed.values.get('help') === true || !spec.run) {
    stdout.write(renderHelp(resolved));
    return;
  }

  const conflict = applyEnv(parsed, GLOBAL_FLAGS, inv.env, (f, v) => setFlag(parsed, f, v));
  if (conflict) {
    stderr.write(`C | pkg/flags: ${conflict}\n`);
    throw new CommandExit(ExitError);
  }

  const ctx = new CommandContext(inv.world, resolved, parsed, globalOptions(parsed), inv.env, inv.cwd, inv.stdin, stdout, stderr);
  inv.attach(ctx);
  await spec.run(ctx);
}
