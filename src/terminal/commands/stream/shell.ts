// A small POSIX shell (dash's behaviour) for `sh -c "..."` in watch and lock
// exec commands: lists joined by `;`, newlines, `&&` and `||`; quoting
// ('...', "...", backslashes); $NAME, ${NAME}, $?, $0..$9, $#, $@ expansion
// (unquoted expansions are split on blanks); NAME=value assignments; the
// builtins echo (escapes always, like dash), exit, true, false, :, export;
// and the fd redirections `>/dev/null`, `2>/dev/null`, `2>&1`, `>&2`.
// Everything else is run as a program, or is "not found" (status 127).
import type { ProgramIO } from './exec.ts';
import { interpretEscapes } from './exec.ts';

type RunProgram = (io: ProgramIO, argv: string[]) => Promise<number | undefined>;

/** A piece of a word: literal text, or a parameter to expand; quoted pieces are not split. */
type Part = { text: string; quoted: boolean } | { param: string; quoted: boolean };
type Token = { word: Part[]; line: number } | { op: ';' | '&&' | '||'; line: number };

class ShellSyntaxError extends Error {}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let word: Part[] | undefined;
  let line = 1;
  const lit = (text: string, quoted: boolean): void => {
    (word ??= []).push({ text, quoted });
  };
  const end = (): void => {
    if (word) tokens.push({ word, line });
    word = undefined;
  };
  /** Reads a $-expansion at i (src[i] === '$'); returns the index after it. */
  const param = (i: number, quoted: boolean): number => {
    const rest = src.slice(i + 1);
    const m = /^\{([A-Za-z_][A-Za-z0-9_]*|[0-9?#@*$])\}/.exec(rest) ?? /^([A-Za-z_][A-Za-z0-9_]*|[0-9?#@*$])/.exec(rest);
    if (!m) {
      lit('$', quoted);
      return i + 1;
    }
    (word ??= []).push({ param: m[1]!, quoted });
    return i + 1 + m[0].length;
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n' || c === ';') {
      end();
      tokens.push({ op: ';', line });
      if (c === '\n') line++;
      i++;
    } else if (c === ' ' || c === '\t') {
      end();
      i++;
    } else if ((c === '&' || c === '|') && src[i + 1] === c) {
      end();
      tokens.push({ op: c === '&' ? '&&' : '||', line });
      i += 2;
    } else if (c === '&' && src[i - 1] === '>') {
      lit(c, false); // >&2
      i++;
    } else if (c === '|' || c === '&' || c === '(' || c === ')' || c === '<') {
      throw new ShellSyntaxError(`Syntax error: "${c}" unexpected`);
    } else if (c === '#' && !word) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === "'") {
      const close = src.indexOf("'", i + 1);
      if (close < 0) throw new ShellSyntaxError('Syntax error: Unterminated quoted string');
      lit(src.slice(i + 1, close), true);
      i = close + 1;
    } else if (c === '"') {
      word ??= [];
      i++;
      for (;;) {
        if (i >= src.length) throw new ShellSyntaxError('Syntax error: Unterminated quoted string');
        const d = src[i]!;
        if (d === '"') break;
        if (d === '\\' && '$`"\\\n'.includes(src[i + 1] ?? '')) {
          if (src[i + 1] !== '\n') lit(src[i + 1]!, true);
          i += 2;
        } else if (d === '$') i = param(i, true);
        else {
          if (d === '\n') line++;
          lit(d, true);
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (src[i + 1] === '\n') line++;
      else if (i + 1 < src.length) lit(src[i + 1]!, true);
      i += 2;
    } else if (c === '$') {
      i = param(i, false);
    } else {
      lit(c, false);
      i++;
    }
  }
  end();
  return tokens;
}

interface ShellState {
  io: ProgramIO;
  vars: Map<string, string>;
  positional: string[];
  status: number;
  run: RunProgram;
}

function paramValue(st: ShellState, name: string): string {
  if (name === '?') return String(st.status);
  if (name === '#') return String(st.positional.length - 1);
  if (name === '@' || name === '*') return st.positional.slice(1).join(' ');
  if (name === '$') return '1';
  if (/^[0-9]$/.test(name)) return st.positional[Number(name)] ?? '';
  return st.vars.get(name) ?? st.io.env.get(name) ?? '';
}

/** Expands a word into fields: quoted text stays whole, unquoted expansions split on blanks. */
function expand(st: ShellState, word: Part[]): string[] {
  const fields: string[] = [];
  let cur = '';
  let has = false;
  for (const p of word) {
    if ('text' in p) {
      cur += p.text;
      has = true;
      continue;
    }
    const v = paramValue(st, p.param);
    if (p.quoted) {
      cur += v;
      has = true;
      continue;
    }
    const pieces = v.split(/[ \t\n]+/);
    pieces.forEach((piece, k) => {
      if (k > 0 && (has || cur !== '')) {
        fields.push(cur);
        cur = '';
        has = false;
      }
      if (piece !== '') {
        cur += piece;
        has = true;
      }
    });
  }
  if (has || cur !== '') fields.push(cur);
  return fields;
}

class ShellExit {
  constructor(readonly code: number) {}
}

/** One simple command: redirections, assignments, builtins, programs. */
async function simpleCommand(st: ShellState, words: Part[][], line: number): Promise<number> {
  let argv = words.flatMap((w) => expand(st, w));
  let out = (s: string | Uint8Array): void => st.io.out(s);
  let err = (s: string | Uint8Array): void => st.io.err(s);
  const outs = { out, err };
  const kept: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const m = /^([12]?)>(&[12]|.*)$/.exec(argv[k]!);
    if (!m) {
      kept.push(argv[k]!);
      continue;
    }
    let target = m[2]!;
    if (target === '') target = argv[++k] ?? '';
    const fd = m[1] === '2' ? 'err' : 'out';
    if (target === '/dev/null') outs[fd] = () => {};
    else if (target === '&1') outs[fd] = out;
    else if (target === '&2') outs[fd] = err;
    else {
      err(`sh: ${line}: cannot create ${target}: Read-only file system\n`);
      return 2;
    }
  }
  [out, err] = [outs.out, outs.err];
  argv = kept;
  const env = new Map(st.io.env);
  while (argv.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0]!)) {
    const a = argv.shift()!;
    const eq = a.indexOf('=');
    if (argv.length === 0) st.vars.set(a.slice(0, eq), a.slice(eq + 1));
    else env.set(a.slice(0, eq), a.slice(eq + 1));
  }
  if (argv.length === 0) return 0;
  const [name, ...args] = argv as [string, ...string[]];
  switch (name) {
    case 'exit': {
      const n = args.length > 0 ? Number(args[0]) : st.status;
      if (!Number.isInteger(n) || n < 0) {
        err(`sh: ${line}: exit: Illegal number: ${args[0]}\n`);
        throw new ShellExit(2);
      }
      throw new ShellExit(n & 0xff);
    }
    case 'true':
    case ':':
      return 0;
    case 'false':
      return 1;
    case 'export':
      for (const a of args) {
        const eq = a.indexOf('=');
        if (eq > 0) st.io.env.set(a.slice(0, eq), a.slice(eq + 1));
        else if (st.vars.has(a)) st.io.env.set(a, st.vars.get(a)!);
      }
      return 0;
    case 'echo': {
      const noNewline = args[0] === '-n';
      const r = interpretEscapes((noNewline ? args.slice(1) : args).join(' '));
      out(r.text + (noNewline || r.stop ? '' : '\n'));
      return 0;
    }
  }
  const code = await st.run({ ...st.io, env, out, err }, argv);
  if (code !== undefined) return code;
  err(`sh: ${line}: ${name}: not found\n`);
  return 127;
}

/** `sh [-c script [name [args...]]]`: the script's exit status. */
export async function runShell(io: ProgramIO, args: string[], run: RunProgram): Promise<number> {
  if (args[0] !== '-c') return 0; // a script on stdin: the exec'd command's stdin is empty
  if (args.length < 2) {
    io.err('sh: 0: -c requires an argument\n');
    return 2;
  }
  const st: ShellState = { io: { ...io, env: new Map(io.env) }, vars: new Map(), positional: [args[2] ?? 'sh', ...args.slice(3)], status: 0, run };
  let tokens: Token[];
  try {
    tokens = tokenize(args[1]!);
  } catch (e) {
    if (!(e instanceof ShellSyntaxError)) throw e;
    io.err(`sh: 1: ${e.message}\n`);
    return 2;
  }
  try {
    let words: Part[][] = [];
    let line = 1;
    // Whether the next command runs, after && / ||.
    let skip = false;
    const flush = async (): Promise<void> => {
      if (words.length > 0 && !skip) st.status = await simpleCommand(st, words, line);
      words = [];
    };
    for (const t of tokens) {
      if ('word' in t) {
        if (words.length === 0) line = t.line;
        words.push(t.word);
        continue;
      }
      await flush();
      if (t.op === ';') skip = false;
      else if (t.op === '&&') skip = st.status !== 0;
      else skip = st.status === 0;
    }
    await flush();
  } catch (e) {
    if (e instanceof ShellExit) return e.code;
    throw e;
  }
  return st.status;
}
