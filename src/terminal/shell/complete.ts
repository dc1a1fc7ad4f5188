// Tab completion: commands, etcdctl subcommands and flags (from the command
// tree itself), flag values, member names and IDs, variables and existing keys.
import { type CommandSpec, allFlags } from '../core/command.ts';
import { findCommand } from '../core/dispatch.ts';
import { COMMANDS } from './commands.ts';
import { ETCD_FLAGS } from './etcd-flags.ts';
import { keyNames } from './keys.ts';
import { quoteWord } from './lexer.ts';
import { memberNames } from './members.ts';
import type { Shell } from './shell.ts';

export interface Completion {
  /** Where the word being completed starts in the line. */
  start: number;
  /** Full replacements for that word, sorted, without duplicates. */
  candidates: string[];
}

/** The words before the cursor (quotes removed) and where the last one starts. */
export function splitForCompletion(line: string): { words: string[]; start: number; current: string } {
  const words: string[] = [];
  let cur: string | undefined;
  let start = line.length;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else cur += c;
    } else if (c === ' ' || c === '\t') {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
    } else {
      if (cur === undefined) {
        cur = '';
        start = i;
      }
      if (c === "'" || c === '"') quote = c;
      else if (c === '\\' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    }
  }
  if (cur === undefined) return { words, start: line.length, current: '' };
  return { words, start, current: cur };
}

const KEY_COMMANDS = new Set(['get', 'put', 'del', 'watch', 'lock', 'elect']);
const WRITE_OUT = ['fields', 'json', 'protobuf', 'simple', 'table'];

function clientEndpoints(shell: Shell): string[] {
  const out: string[] = [];
  for (const m of shell.world.etcd.cluster.members.values()) for (const u of m.clientURLs) out.push(u.replace(/^https?:\/\//, ''));
  return out;
}

function memberIds(shell: Shell): string[] {
  const c = shell.world.etcd.cluster;
  return [...c.members.keys()].filter((id) => !c.removed.has(id));
}

function etcdctlFlagValues(shell: Shell, flag: string): string[] | undefined {
  if (flag === 'endpoints') return clientEndpoints(shell);
  if (flag === 'write-out' || flag === 'w') return WRITE_OUT;
  return undefined;
}

function etcdctl(shell: Shell, root: CommandSpec, args: string[], current: string): string[] {
  const { resolved } = findCommand(root, args);
  const flags = [...allFlags(resolved), { name: 'help', shorthand: 'h', kind: 'bool' as const }];
  const prev = args[args.length - 1];
  // The value of `--flag value` or `--flag=value`.
  const eq = current.indexOf('=');
  if (current.startsWith('--') && eq > 0) {
    const vals = etcdctlFlagValues(shell, current.slice(2, eq)) ?? [];
    return vals.map((v) => current.slice(0, eq + 1) + v);
  }
  if (prev?.startsWith('-') && !prev.includes('=')) {
    const name = prev.replace(/^--?/, '');
    const f = flags.find((x) => x.name === name || x.shorthand === name);
    if (f && f.kind !== 'bool') return etcdctlFlagValues(shell, f.name) ?? [];
  }
  if (current.startsWith('-')) return flags.map((f) => `--${f.name}`);
  const path = resolved.path.map((c) => c.name).slice(1);
  // A word the tree does not know (yet) still names the command for key completion.
  const typed = path.length === 0 ? args.find((a) => !a.startsWith('-')) : undefined;
  const subs = (resolved.spec.subcommands ?? []).filter((s) => !s.hidden).map((s) => s.name);
  if (subs.length > 0 && typed === undefined) return subs;
  const cmd = path[0] ?? typed;
  if (path.length <= 1 && cmd !== undefined && KEY_COMMANDS.has(cmd)) return keyNames(shell.world, current).map(quoteWord);
  if (path[0] === 'member' && ['remove', 'update', 'promote'].includes(path[1] ?? '')) return memberIds(shell);
  return [];
}

function etcdServer(shell: Shell, prev: string | undefined, current: string): string[] {
  if (current.startsWith('-')) return [...ETCD_FLAGS.keys()].map((f) => `--${f}`);
  if (prev === '--name' || prev === '-name') return memberNames(shell.world.etcd.cluster);
  if (prev === '--initial-cluster-state' || prev === '-initial-cluster-state') return ['new', 'existing'];
  return [];
}

function candidatesFor(shell: Shell, words: string[], current: string): string[] {
  if (current.startsWith('$')) {
    return [...new Set([...shell.vars.keys(), ...shell.session.env.keys()])].map((v) => '$' + v);
  }
  if (words.length === 0) return [...COMMANDS.keys()];
  const [cmd, ...args] = words as [string, ...string[]];
  const c = shell.world.etcd.cluster;
  switch (cmd) {
    case 'etcdctl':
      return etcdctl(shell, shell.session.etcdctlRoot, args, current);
    case 'etcd':
      return etcdServer(shell, args[args.length - 1], current);
    case 'stop':
    case 'kill':
    case 'restart':
    case 'pause':
    case 'resume':
      return args.length === 0 ? memberNames(c) : [];
    case 'cut':
    case 'heal':
      return args.length < 2 ? memberNames(c) : [];
    case 'partition': {
      const comma = current.lastIndexOf(',');
      const head = current.slice(0, comma + 1);
      const used = new Set([...args.flatMap((a) => a.split(',')), ...head.split(',')]);
      return memberNames(c)
        .filter((n) => !used.has(n))
        .map((n) => head + n);
    }
    case 'ls':
      return args.length === 0 ? keyNames(shell.world, current).map(quoteWord) : [];
    case 'unset':
    case 'export':
      return [...shell.vars.keys(), ...shell.session.env.keys()];
    case 'help':
      return [];
    default:
      return [];
  }
}

/** Completions for the word before the cursor. */
export function complete(shell: Shell, line: string): Completion {
  const { words, start, current } = splitForCompletion(line);
  const all = candidatesFor(shell, words, current);
  const candidates = [...new Set(all.filter((c) => c.startsWith(current) || c.startsWith(`'${current}`)))].sort();
  return { start, candidates };
}

/** The longest common prefix of the candidates. */
export function commonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}
