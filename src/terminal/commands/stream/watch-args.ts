// The argument rules of etcdctl 3.4's watch: `watch [key [range_end]] [--
// cmd args...]`, the ETCDCTL_WATCH_KEY / ETCDCTL_WATCH_RANGE_END variables
// standing in for the key, and the lines of `watch -i` (split by etcdctl's
// argify, flags parsed afresh for every line).
import { FlagError, type FlagSpec } from '../../core/flags.ts';
import { parseFlags } from '../../core/pflag.ts';

export const WATCH_FLAGS: FlagSpec[] = [
  { name: 'interactive', shorthand: 'i', kind: 'bool', def: 'false', usage: 'Interactive mode' },
  { name: 'prefix', kind: 'bool', def: 'false', usage: 'Watch on a prefix if prefix is set' },
  { name: 'prev-kv', kind: 'bool', def: 'false', usage: 'get the previous key-value pair before the event happens' },
  { name: 'rev', kind: 'int', def: '0', usage: 'Revision to start watching' },
];

export const errBadArgsNum = 'bad number of arguments';
export const errBadArgsNumConflictEnv = 'bad number of arguments (found conflicting environment key)';
export const errBadArgsNumSeparator = 'bad number of arguments (found separator --, but no commands)';

/** What one watch asks for. */
export interface WatchRequestArgs {
  /** key [range_end] (env key first when set). */
  keys: string[];
  prefix: boolean;
  prevKv: boolean;
  rev: number;
  /** The exec command (empty: none). */
  exec: string[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** The watch key variables. */
export interface WatchEnv {
  key: string;
  range: string;
}

/** Env key and range prepended to the positional keys, refusing positional keys alongside. */
function withEnv(keys: string[], env: WatchEnv): Parsed<string[]> {
  if (env.key === '') return { ok: true, value: keys };
  if (keys.length > 0) return { ok: false, error: errBadArgsNumConflictEnv };
  return { ok: true, value: env.range !== '' ? [env.key, env.range] : [env.key] };
}

/** The command line's positional args (cobra's, with the dash position). */
export function parseCommandLine(args: string[], argsLenAtDash: number, env: WatchEnv, flags: Omit<WatchRequestArgs, 'keys' | 'exec'>): Parsed<WatchRequestArgs> {
  const hasExec = argsLenAtDash >= 0;
  const exec = hasExec ? args.slice(argsLenAtDash) : [];
  if (hasExec && exec.length === 0) return { ok: false, error: errBadArgsNumSeparator };
  const keys = withEnv(hasExec ? args.slice(0, argsLenAtDash) : args, env);
  if (!keys.ok) return keys;
  if (keys.value.length === 0) return { ok: false, error: errBadArgsNum };
  return { ok: true, value: { ...flags, keys: keys.value, exec } };
}

/** One `watch ...` line of watch -i (args without the leading "watch"); errors end the process (exit 128). */
export function parseInteractive(args: string[], env: WatchEnv): Parsed<WatchRequestArgs> {
  const dash = args.indexOf('--');
  if (dash >= 0 && dash === args.length - 1) return { ok: false, error: errBadArgsNumSeparator };
  let p;
  try {
    p = parseFlags(WATCH_FLAGS, args);
  } catch (e) {
    if (e instanceof FlagError) return { ok: false, error: e.message };
    throw e;
  }
  const hasExec = p.argsLenAtDash >= 0;
  const positional = hasExec ? p.args.slice(0, p.argsLenAtDash) : p.args;
  if (!hasExec && env.key === '' && positional.length === 0) return { ok: false, error: errBadArgsNum };
  const keys = withEnv(positional, env);
  if (!keys.ok) return keys;
  return {
    ok: true,
    value: {
      keys: keys.value,
      prefix: p.values.get('prefix') as boolean,
      prevKv: p.values.get('prev-kv') as boolean,
      rev: p.values.get('rev') as number,
      exec: hasExec ? p.args.slice(p.argsLenAtDash) : [],
    },
  };
}

/** A Go panic's message (the process prints it and exits 2). */
export class GoPanic extends Error {}

/** Go's strconv.Unquote of a double-quoted string (the escapes fmt.Sscanf("%q") takes). */
function goUnquote(q: string): string | undefined {
  const body = q.slice(1, -1);
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    if (n === undefined) return undefined;
    if (simple[n] !== undefined) out += simple[n];
    else {
      const len = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : /[0-7]/.test(n) ? 3 : 0;
      const digits = n === 'x' || n === 'u' || n === 'U' ? body.slice(i + 1, i + 1 + len) : body.slice(i, i + len);
      if (len === 0 || digits.length !== len) return undefined;
      out += String.fromCodePoint(parseInt(digits, /[0-7]/.test(n) ? 8 : 16));
      i += n === 'x' || n === 'u' || n === 'U' ? len : len - 1;
    }
  }
  return out;
}

/**
 * etcdctl's argify: words, "double quoted" (Go-unquoted) and 'single quoted'
 * strings. The single-quote case cuts with the number of words rather than
 * the word's length (an etcdctl bug), which can panic.
 */
export function argify(line: string): Parsed<string[]> {
  const words = line.match(/"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?/g) ?? [];
  const out: string[] = [];
  for (const w of words) {
    if (w.startsWith("'")) {
      const hi = words.length - 1;
      if (hi < 1 || hi > w.length) throw new GoPanic(`runtime error: slice bounds out of range [${hi < 1 ? `1:${hi}` : `:${hi}`}]${hi < 1 ? '' : ` with length ${w.length}`}`);
      out.push(w.slice(1, hi));
    } else if (w.startsWith('"')) {
      const u = goUnquote(w);
      if (u === undefined) return { ok: false, error: 'unexpected EOF' };
      out.push(u);
    } else out.push(w);
  }
  return { ok: true, value: out };
}
