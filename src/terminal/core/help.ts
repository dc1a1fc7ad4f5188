// etcdctl's help and usage text: its own usage template over cobra (NAME,
// USAGE, VERSION, API VERSION, COMMANDS, DESCRIPTION, OPTIONS, GLOBAL
// OPTIONS), its own flag lines (`--name[=default]` / `--name="default"`),
// all run through a tabwriter; and cobra's "Did you mean this?" suggestions.
import { type CommandSpec, type ResolvedCommand, commandPath } from './command.ts';
import type { FlagSpec } from './flags.ts';
import { goQuote } from './gostr.ts';
import { tabwrite } from './tabwriter.ts';

export const ETCDCTL_VERSION = '3.4.23';
export const API_VERSION = '3.4';

/** The -h/--help flag cobra adds to the command it executes. */
export function helpFlag(cmd: CommandSpec): FlagSpec {
  return { name: 'help', shorthand: 'h', kind: 'bool', def: 'false', usage: `help for ${cmd.name}` };
}

/** One flag line as etcdctl's etcdFlagUsages writes it (a tab before the usage). */
function flagLine(f: FlagSpec): string {
  const head = f.shorthand ? `  -${f.shorthand}, --${f.name}` : `      --${f.name}`;
  const def = f.kind === 'string' ? goQuote(f.def) : f.def;
  const value = f.kind === 'bool' ? `[=${def}]` : `=${def}`;
  return `${head}${value}\t${f.usage}\n`;
}

/** Flag lines sorted by name, as pflag's VisitAll orders them; a name listed twice counts once. */
export function flagUsages(flags: readonly FlagSpec[]): string {
  const seen = new Map<string, FlagSpec>();
  for (const f of flags) if (!f.hidden && !seen.has(f.name)) seen.set(f.name, f);
  return [...seen.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(flagLine)
    .join('');
}

/** Subcommands sorted by name (cobra's EnableCommandSorting). */
export function sortedSubcommands(c: CommandSpec): CommandSpec[] {
  return [...(c.subcommands ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every runnable descendant of c with its name relative to c ("lease grant"). */
function runnableDescendants(c: CommandSpec, prefix = ''): [string, CommandSpec][] {
  const out: [string, CommandSpec][] = [];
  for (const s of sortedSubcommands(c)) {
    if (s.hidden) continue;
    const name = prefix + s.name;
    if (s.run) out.push([name, s]);
    out.push(...runnableDescendants(s, `${name} `));
  }
  return out;
}

/** cobra's UseLine: the parent's path, the command's Use, and " [flags]". */
export function useLine(r: ResolvedCommand): string {
  const { spec, path } = r;
  let use = spec.use || spec.name;
  if (path.length > 1) {
    const parentPath = path.slice(0, -1).map((c) => c.name);
    const words = use.split(' ');
    // Accept a Use written with its parents' names ("lease grant <ttl>") as well as without.
    let i = 0;
    while (i < parentPath.length - 1 && words[0] === parentPath[i + 1]) {
      words.shift();
      i++;
    }
    use = `${parentPath.join(' ')} ${words.join(' ')}`;
  }
  if (spec.disableFlagsInUseLine || use.includes('[flags]')) return use;
  return `${use} [flags]`;
}

export interface HelpOptions {
  /** Whether cobra added -h/--help to this command (not for the root behind `help nosuchcommand`). */
  withHelpFlag?: boolean;
}

/** The help etcdctl prints for a command (to stdout). */
export function renderHelp(r: ResolvedCommand, opts: HelpOptions = {}): string {
  const { spec, path } = r;
  const isRoot = path.length === 1;
  const withHelp = opts.withHelpFlag ?? true;
  let t = 'NAME:\n';
  t += `\t${isRoot ? spec.name : commandPath(r).split(' ').slice(1).join(' ')} - ${spec.short}\n`;
  t += `\nUSAGE:\n\t${useLine(r)}\n`;
  if (isRoot) t += `\nVERSION:\n\t${ETCDCTL_VERSION}\n`;
  const hasSubs = (spec.subcommands?.length ?? 0) > 0;
  if (hasSubs) {
    t += `\nAPI VERSION:\n\t${API_VERSION}\n`;
    t += '\n\nCOMMANDS:\n';
    for (const [name, s] of runnableDescendants(spec)) t += `\t${name}\t${s.short}\n`;
  }
  if (spec.long) {
    t += '\nDESCRIPTION:\n';
    for (const line of spec.long.replace(/^[\n\t ]+|[\n\t ]+$/g, '').split('\n')) t += `\t${line}\n`;
  }
  const local = [...(spec.flags ?? []), ...(spec.persistentFlags ?? [])];
  if (withHelp) local.push(helpFlag(spec));
  if (local.length > 0) t += `\nOPTIONS:\n${flagUsages(local)}`;
  const inherited = path.slice(0, -1).flatMap((c) => c.persistentFlags ?? []);
  const localNames = new Set(local.map((f) => f.name));
  const shown = inherited.filter((f) => !localNames.has(f.name));
  if (shown.length > 0) t += `\nGLOBAL OPTIONS:\n${flagUsages(shown)}`;
  t += '\n';
  return tabwrite(t);
}

/** Levenshtein distance, case-insensitive when asked (cobra's ld). */
function ld(s: string, t: string, ignoreCase: boolean): number {
  if (ignoreCase) {
    s = s.toLowerCase();
    t = t.toLowerCase();
  }
  const a = [...s];
  const b = [...t];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * cobra's SuggestionsFor: names within distance 2, or that the word prefixes,
 * in the order the commands were added; never `help`.
 */
export function suggestionsFor(parent: CommandSpec, word: string): string[] {
  const out: string[] = [];
  for (const c of parent.subcommands ?? []) {
    if (c.hidden || c.name === 'help') continue;
    const close = ld(word, c.name, true) <= 2;
    const prefixed = c.name.toLowerCase().startsWith(word.toLowerCase());
    if (close || prefixed) out.push(c.name);
  }
  return out;
}

/** cobra's "Did you mean this?" suffix for an unknown command, or ''. */
export function unknownCommandSuggestion(root: CommandSpec, word: string): string {
  const s = suggestionsFor(root, word);
  if (s.length === 0) return '';
  return `\n\nDid you mean this?\n${s.map((n) => `\t${n}\n`).join('')}`;
}
