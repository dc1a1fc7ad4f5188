// A command of the etcdctl tree, as cobra describes one: its name, usage
// line, one-line description, flags, subcommands and what it runs.
import type { CommandContext } from './context.ts';
import type { FlagSpec } from './flags.ts';

export interface CommandSpec {
  name: string;
  aliases?: string[];
  /** The usage line after the program name, e.g. "get [options] <key> [range_end]". */
  use: string;
  /** The one-line description shown in command lists and NAME:. */
  short: string;
  /** A longer DESCRIPTION: block, when etcdctl prints one. */
  long?: string;
  /** Flags of this command only. */
  flags?: FlagSpec[];
  /** Flags this command passes to its subcommands (the root's global flags). */
  persistentFlags?: FlagSpec[];
  subcommands?: CommandSpec[];
  hidden?: boolean;
  /** cobra's DisableFlagsInUseLine: the usage line gets no " [flags]" appended. */
  disableFlagsInUseLine?: boolean;
  /** Runs the command; absent for groups such as `lease`, which print their help. */
  run?: (ctx: CommandContext) => Promise<void>;
}

/** A command with the chain of commands above it (root first). */
export interface ResolvedCommand {
  spec: CommandSpec;
  path: CommandSpec[];
}

/** The program name path, e.g. "etcdctl lease grant". */
export function commandPath(r: ResolvedCommand): string {
  return r.path.map((c) => c.name).join(' ');
}

/** Every flag a command accepts: its own, then persistent flags of it and its ancestors. */
export function allFlags(r: ResolvedCommand): FlagSpec[] {
  const out: FlagSpec[] = [...(r.spec.flags ?? [])];
  for (const c of r.path) out.push(...(c.persistentFlags ?? []));
  return out;
}

export function findSubcommand(parent: CommandSpec, name: string): CommandSpec | undefined {
  return parent.subcommands?.find((c) => c.name === name || c.aliases?.includes(name));
}
