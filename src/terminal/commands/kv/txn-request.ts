// The request lines of `etcdctl txn` (parseRequestUnion): the line is split
// by etcdctl's argify and run through a throwaway cobra root holding fresh
// put/get/del commands, whose Run builds the op instead of sending it. So
// cobra's ways apply: prefix matching ("g k" is a get), flag errors print
// cobra's default usage on stderr, and --help (or `help get`) prints help
// and leaves etcdctl waiting forever for an op that never comes.
import type { RequestOp } from '../../../engine/mvcc/rpc.ts';
import type { CommandSpec } from '../../core/command.ts';
import { findCommand } from '../../core/dispatch.ts';
import { FlagError, type FlagSpec } from '../../core/flags.ts';
import { parseFlags } from '../../core/pflag.ts';
import { goQuote, utf8, utf8Text } from '../../print/index.ts';
import { type ArgBytes, DEL_FLAGS, GET_FLAGS, PUT_FLAGS, delOp, getOp, putOp } from './ops.ts';
import { unquote } from './txn-compare.ts';

export interface RequestEnv {
  fail(code: number, message: string): never;
  panic(message: string): never;
  /** Writes to stdout / stderr. */
  out(text: string): void;
  err(text: string): void;
  /** Never returns: etcdctl blocks on an op channel nobody writes to. */
  hang(): Promise<never>;
}

/** What put reads when given only a key: etcdctl's stdin was already buffered by txn's reader. */
const EMPTY_STDIN = (): Promise<string | undefined> => Promise.resolve(undefined);

const TOKEN = /"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\t\n\f\r ][^\t\n\f\r ]*[^'"\t\n\f\r ]?/g;

/**
 * etcdctl's argify: quoted strings kept together (with its single-quote
 * slicing bug). A word whose escapes make it invalid UTF-8 stands as a
 * placeholder that `bytes` turns back into its bytes.
 */
export function argify(line: string, env: RequestEnv): { args: string[]; bytes: ArgBytes } {
  const binary = new Map<string, Uint8Array>();
  const text = (b: Uint8Array): string => {
    const s = utf8Text(b);
    if (!s.includes('\ufffd')) return s;
    const ph = `\ue000${binary.size}\ue000`;
    binary.set(ph, b);
    return ph;
  };
  const words = line.match(TOKEN) ?? [];
  const args = words.map((a) => {
    if (a.startsWith("'")) {
      // etcdctl slices with len(args) instead of len(args[i]).
      const hi = words.length - 1;
      const bytes = new TextEncoder().encode(a);
      if (hi < 1) env.panic(`runtime error: slice bounds out of range [1:${hi}]`);
      if (hi > bytes.length) env.panic(`runtime error: slice bounds out of range [:${hi}] with length ${bytes.length}`);
      return text(bytes.slice(1, hi));
    }
    if (a.startsWith('"')) {
      const v = unquote(a);
      if (!v) env.fail(3, 'invalid syntax');
      return text(v);
    }
    return a;
  });
  return { args, bytes: (s) => binary.get(s) ?? utf8(s) };
}

const HELP_FLAG = (name: string): FlagSpec => ({ name: 'help', shorthand: 'h', kind: 'bool', def: 'false', usage: `help for ${name}` });

const VAR_NAMES: Record<string, string> = { string: 'string', int: 'int', uint: 'uint', duration: 'duration', stringSlice: 'strings', stringArray: 'stringArray' };
const ZERO_DEFAULTS = new Set(['false', '0', '', '0s', '[]']);

/** pflag's FlagUsages, the Flags: block of cobra's default usage. */
function pflagUsages(flags: readonly FlagSpec[]): string {
  const sorted = [...flags].sort((a, b) => (a.name < b.name ? -1 : 1));
  const heads = sorted.map((f) => {
    const v = VAR_NAMES[f.kind];
    return (f.shorthand ? `  -${f.shorthand}, --${f.name}` : `      --${f.name}`) + (v ? ` ${v}` : '');
  });
  const maxlen = Math.max(...heads.map((h) => h.length + 1));
  return sorted
    .map((f, k) => {
      let usage = f.usage;
      if (!ZERO_DEFAULTS.has(f.def)) usage += f.kind === 'string' ? ` (default ${goQuote(f.def)})` : ` (default ${f.def})`;
      return `${heads[k]} ${' '.repeat(maxlen - heads[k]!.length)} ${usage}\n`;
    })
    .join('');
}

/** cobra's default UsageString for a subcommand of the nameless root. */
function cobraUsage(c: CommandSpec): string {
  const use = c.use.includes('[flags]') ? c.use : `${c.use} [flags]`;
  return `Usage:\n   ${use}\n\nFlags:\n${pflagUsages([...(c.flags ?? []), HELP_FLAG(c.name)]).trimEnd()}\n`;
}

/** cobra's default help: the description, then the usage. */
function cobraHelp(c: CommandSpec): string {
  return `${(c.long ?? c.short).trimEnd()}\n\n${cobraUsage(c)}`;
}

type Build = (args: string[], flags: ReadonlyMap<string, boolean | string | number | string[]>, env: RequestEnv, bytes: ArgBytes) => Promise<RequestOp>;

interface TxnSub {
  spec: CommandSpec;
  build: Build;
}

/** The fresh put/get/del commands (their texts are those of the real commands). */
export function txnSubcommands(put: CommandSpec, get: CommandSpec, del: CommandSpec): TxnSub[] {
  return [
    { spec: { ...put, flags: PUT_FLAGS }, build: async (a, f, env, by) => ({ requestPut: await putOp(a, f, env.fail, EMPTY_STDIN, by) }) },
    { spec: { ...get, flags: GET_FLAGS }, build: (a, f, env, by) => Promise.resolve({ requestRange: getOp(a, f, env.fail, by) }) },
    { spec: { ...del, flags: DEL_FLAGS }, build: (a, f, env, by) => Promise.resolve({ requestDeleteRange: delOp(a, f, env.fail, by) }) },
  ];
}

/** parseRequestUnion: one request line (already trimmed) → its op. */
export async function parseRequest(line: string, subs: readonly TxnSub[], env: RequestEnv): Promise<RequestOp> {
  const { args, bytes } = argify(line, env);
  if (args.length < 2) env.fail(3, `invalid txn compare request: ${line}`);
  const invalid = (): never => env.fail(3, `invalid txn request: ${line}`);
  const helpCmd: CommandSpec = { name: 'help', use: 'help [command]', short: 'Help about any command' };
  const root: CommandSpec = { name: '', use: '', short: '', subcommands: [...subs.map((s) => s.spec), helpCmd] };
  const { resolved, rest } = findCommand(root, args);
  if (resolved.path.length === 1) return invalid();
  if (resolved.spec === helpCmd) {
    const target = subs.find((s) => s.spec.name === rest.find((a) => !a.startsWith('-')));
    if (target) env.out(cobraHelp(target.spec));
    return env.hang();
  }
  const sub = subs.find((s) => s.spec === resolved.spec)!;
  let parsed;
  try {
    parsed = parseFlags([...(sub.spec.flags ?? []), HELP_FLAG(sub.spec.name)], rest);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    env.err(cobraUsage(sub.spec) + '\n');
    return invalid();
  }
  if (parsed.values.get('help') === true) {
    env.out(cobraHelp(sub.spec));
    return env.hang();
  }
  return sub.build(parsed.args, parsed.values, env, bytes);
}
