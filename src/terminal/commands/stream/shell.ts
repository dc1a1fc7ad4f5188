// A small POSIX shell (dash's behaviour) for `sh -c "..."` in watch and lock
// exec commands: lists joined by `;`, newlines, `&&` and `||`; quoting
// ('...', "...", backslashes); $NAME, ${NAME}, $?, $0..$9, $#, $@ expansion
// (unquoted expansions are split on blanks); NAME=value assignments; the
// builtins echo (escapes always, like dash), exit, true, false, :, export;
// and the fd redirections `>/dev/null`, `2>/dev/null`, `2>&1`, `>&2`.
// Everything else is run as a program, or is "not found" (status 127).
import { type Part, type Tokenized, expandWord, tokenize } from '../../shell/tokens.ts';
import type { ProgramIO } from './exec.ts';
import { interpretEscapes } from './exec.ts';

type RunProgram = (io: ProgramIO, argv: string[]) => Promise<number | undefined>;

/** dash's words for what the tokenizer refuses (sh -c has no here-documents here). */
function syntaxError(t: Exclude<Tokenized, { kind: 'ok' }>): string {
  if (t.kind === 'incomplete') return 'Syntax error: Unterminated quoted string';
  if (t.kind === 'substitution') return t.closed ? 'Bad substitution' : "Syntax error: Missing '}'";
  if (t.kind === 'heredoc') return 'Syntax error: "<" unexpected';
  return `Syntax error: "${t.text === '$(' ? '(' : t.text}" unexpected`;
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

class ShellExit {
  constructor(readonly code: number) {}
}

/** One simple command: redirections, assignments, builtins, programs. */
async function simpleCommand(st: ShellState, words: Part[][], line: number): Promise<number> {
  let argv = words.flatMap((w) => expandWord(w, (name) => paramValue(st, name)));
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
  const t = tokenize(args[1]!, false);
  if (t.kind !== 'ok') {
    io.err(`sh: ${'line' in t ? t.line : 1}: ${syntaxError(t)}\n`);
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
    for (const tok of t.tokens) {
      if ('word' in tok) {
        if (words.length === 0) line = tok.line;
        words.push(tok.word);
        continue;
      }
      if ('heredoc' in tok) {
        io.err(`sh: ${tok.line}: ${syntaxError({ kind: 'heredoc', message: '' })}\n`);
        return 2;
      }
      await flush();
      if (tok.op === ';' || tok.op === '\n') skip = false;
      else if (tok.op === '&&') skip = st.status !== 0;
      else skip = st.status === 0;
    }
    await flush();
  } catch (e) {
    if (e instanceof ShellExit) return e.code;
    throw e;
  }
  return st.status;
}
