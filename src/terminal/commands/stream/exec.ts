// The programs `watch KEY -- CMD` and `lock NAME CMD` can run, as Go's
// exec.Command would find them on a small Unix: echo, true, false, env,
// printenv, sleep (virtual time), sh -c (a small POSIX shell, shell.ts) and
// etcdctl itself (a child process in the same world, writing to the
// parent's stdout and stderr). Anything else is not on $PATH.
import type { CommandContext } from '../../core/context.ts';
import { dispatch } from '../../core/dispatch.ts';
import { EMPTY_INPUT } from '../../core/io.ts';
import { Process, ProcessOutput } from '../../core/process.ts';
import { runShell } from './shell.ts';

/** How a program ended: an exit code, or Go's error for a program not found. */
export type ExecResult = { code: number } | { error: string };

/** What a running program sees. */
export interface ProgramIO {
  ctx: CommandContext;
  env: Map<string, string>;
  out(s: string | Uint8Array): void;
  err(s: string | Uint8Array): void;
}

type Program = (io: ProgramIO, args: string[]) => Promise<number>;

/** Go's error text for a failed exec.Cmd.Run, as etcdctl prints it. */
export function execErrorText(r: ExecResult): string | undefined {
  if ('error' in r) return r.error;
  return r.code === 0 ? undefined : `exit status ${r.code}`;
}

/** coreutils echo: -n, -e, -E options; escapes only with -e. */
const echo: Program = async (io, args) => {
  let newline = true;
  let escapes = false;
  while (args.length > 0 && /^-[neE]+$/.test(args[0]!)) {
    for (const c of args.shift()!.slice(1)) {
      if (c === 'n') newline = false;
      else escapes = c === 'e';
    }
  }
  let text = args.join(' ');
  if (escapes) {
    const r = interpretEscapes(text);
    text = r.text;
    if (r.stop) newline = false;
  }
  io.out(text + (newline ? '\n' : ''));
  return 0;
};

/** echo's backslash escapes (dash's echo always, coreutils' with -e); \c stops the output. */
export function interpretEscapes(s: string): { text: string; stop: boolean } {
  const map: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[i + 1]!;
    if (n === 'c') return { text: out, stop: true };
    if (map[n] !== undefined) {
      out += map[n];
      i++;
    } else if (n === '0') {
      const m = /^[0-7]{0,3}/.exec(s.slice(i + 2))![0];
      out += String.fromCharCode(parseInt(m || '0', 8) & 0xff);
      i += 1 + m.length;
    } else out += c;
  }
  return { text: out, stop: false };
}

const printenv: Program = async (io, args) => {
  if (args.length === 0) {
    for (const [k, v] of io.env) io.out(`${k}=${v}\n`);
    return 0;
  }
  let code = 0;
  for (const name of args) {
    const v = io.env.get(name);
    if (v === undefined) code = 1;
    else io.out(v + '\n');
  }
  return code;
};

const sleep: Program = async (io, args) => {
  const secs = Number(args[0]);
  if (args.length !== 1 || !Number.isFinite(secs) || secs < 0) {
    io.err(`sleep: invalid time interval '${args[0] ?? ''}'\n`);
    return 1;
  }
  await io.ctx.sleep(secs * 1000);
  return 0;
};

/** etcdctl as a child process: same world and root command, its own client. */
const etcdctl: Program = async (io, args) => {
  const ctx = io.ctx;
  const outputs = [new ProcessOutput({ write: (d) => io.out(d) }), new ProcessOutput({ write: (d) => io.err(d) })];
  const proc = new Process(outputs, () => {});
  proc.start(() =>
    dispatch({
      world: ctx.world,
      root: ctx.command.path[0]!,
      argv: args,
      env: new Map(io.env),
      cwd: ctx.cwd,
      stdin: EMPTY_INPUT,
      stdout: outputs[0]!,
      stderr: outputs[1]!,
      attach: (c) => proc.attach(c),
    }),
  );
  // The process group goes down together.
  ctx.onExit(() => proc.signal('SIGTERM'));
  const end = await proc.wait();
  return 'code' in end ? end.code : end.signal === 'SIGINT' ? 130 : 143;
};

const PROGRAMS: Record<string, Program> = {
  echo,
  true: async () => 0,
  false: async () => 1,
  env: printenv,
  printenv,
  sleep,
  sh: (io, args) => runShell(io, args, runProgram),
  bash: (io, args) => runShell(io, args, runProgram),
  dash: (io, args) => runShell(io, args, runProgram),
  etcdctl,
};

/** The program a name finds: a bare name on $PATH, or a path into /bin or /usr/bin. */
function lookPath(name: string): Program | undefined {
  const m = /^(?:\/usr)?\/bin\/([^/]+)$/.exec(name);
  const base = m ? m[1]! : name.includes('/') ? undefined : name;
  return base !== undefined && Object.hasOwn(PROGRAMS, base) ? PROGRAMS[base] : undefined;
}

/** Runs a program by name (as the shell and exec do); undefined when there is none. */
export async function runProgram(io: ProgramIO, argv: string[]): Promise<number | undefined> {
  const p = lookPath(argv[0]!);
  if (!p) return undefined;
  return p(io, argv.slice(1));
}

/** exec.Command(argv...).Run() with the given environment, output to the command's stdout/stderr. */
export async function execCommand(ctx: CommandContext, argv: string[], env: Map<string, string>): Promise<ExecResult> {
  const io: ProgramIO = { ctx, env, out: (s) => ctx.out(s), err: (s) => ctx.err(s) };
  const name = argv[0]!;
  const code = await runProgram(io, argv);
  if (code !== undefined) return { code };
  if (name.includes('/')) return { error: `fork/exec ${name}: no such file or directory` };
  return { error: `exec: ${JSON.stringify(name)}: executable file not found in $PATH` };
}
