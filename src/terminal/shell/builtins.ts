// Shell builtins: echo, export, unset, env, clear, history, sleep, help.
import type { ShellCommand, ShellContext } from './shell.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const echo: ShellCommand = (ctx) => {
  let args = ctx.args;
  let newline = true;
  if (args[0] === '-n') {
    newline = false;
    args = args.slice(1);
  }
  ctx.out(args.join(' ') + (newline ? '\n' : ''));
  return 0;
};

export const exportCmd: ShellCommand = (ctx) => {
  const { shell } = ctx;
  if (ctx.args.length === 0 || ctx.args[0] === '-p') {
    for (const [k, v] of [...shell.session.env].sort(([a], [b]) => (a < b ? -1 : 1))) ctx.out(`declare -x ${k}="${v}"\n`);
    return 0;
  }
  let code = 0;
  for (const a of ctx.args) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!NAME.test(name)) {
      ctx.err(`export: \`${a}': not a valid identifier\n`);
      code = 1;
      continue;
    }
    const value = eq < 0 ? shell.vars.get(name) : a.slice(eq + 1);
    shell.vars.delete(name);
    if (value !== undefined) shell.session.env.set(name, value);
    else if (!shell.session.env.has(name)) shell.session.env.set(name, '');
  }
  return code;
};

export const unset: ShellCommand = (ctx) => {
  for (const a of ctx.args) {
    ctx.shell.vars.delete(a);
    ctx.shell.session.env.delete(a);
  }
  return 0;
};

export const env: ShellCommand = (ctx) => {
  for (const [k, v] of ctx.shell.session.env) ctx.out(`${k}=${v}\n`);
  return 0;
};

export const clear: ShellCommand = (ctx) => {
  // Home, erase the screen and the scrollback (xterm honours CSI 3 J).
  ctx.out('\x1b[H\x1b[2J\x1b[3J');
  return 0;
};

export const history: ShellCommand = (ctx) => {
  if (ctx.args[0] === '-c') {
    ctx.shell.history.length = 0;
    return 0;
  }
  const h = ctx.shell.history;
  const n = ctx.args[0] !== undefined ? Number(ctx.args[0]) : h.length;
  if (!Number.isInteger(n) || n < 0) {
    ctx.err(`history: ${ctx.args[0]}: numeric argument required\n`);
    return 1;
  }
  const from = Math.max(0, h.length - n);
  h.slice(from).forEach((l, i) => ctx.out(`${String(from + i + 1).padStart(5)}  ${l}\n`));
  return 0;
};

/** `sleep N`: N seconds of virtual time (Ctrl-C ends it). */
export const sleep: ShellCommand = async (ctx: ShellContext) => {
  const s = ctx.args[0];
  const secs = s === undefined ? NaN : Number(s.replace(/s$/, ''));
  if (!(secs >= 0)) {
    ctx.err(s === undefined ? 'sleep: missing operand\n' : `sleep: invalid time interval '${s}'\n`);
    return 1;
  }
  let interrupted = false;
  await Promise.race([ctx.world.sleep(secs * 1000), ctx.interrupted.then(() => (interrupted = true))]);
  return interrupted ? 130 : 0;
};

export const HELP = `etcd playground: a simulated etcd v3.4.23 cluster, deterministic, in your browser.

etcd client:
  etcdctl ...                 the etcd v3 command line client; see \`etcdctl --help\`
                              (the default endpoint 127.0.0.1:2379 is etcd0)

cluster members:
  members, status             overview of the members (status adds network and time)
  ls [PREFIX]                 the key space as a tree (a serializable read on the leader)
  etcd --name NAME ...        start a member with etcd's flags, e.g. one just added by
                              \`etcdctl member add\` (--initial-cluster-state existing)
  stop NAME                   graceful stop (a leader hands leadership over first)
  kill NAME                   kill -9: the process dies, its data dir stays
  restart NAME                start a stopped or killed member again from its data dir
  pause NAME / resume NAME    freeze a member like SIGSTOP / SIGCONT

network:
  partition A,B C             split the members into groups (\`partition A\` isolates A)
  cut A B / heal A B          cut / restore the link between two members
  heal                        remove every partition and cut
  latency MS [JITTER]         one-way delay of every link, in ms
  drop RATE                   share of messages lost (0..1 or 5%)

playgrounds (kept in this browser):
  playground                  list them (* marks this one)
  playground new|switch|delete NAME, playground rename NAME NEW, playground reset|export

time:
  speed X                     simulation speed (1 = real time; 0 pauses)
  sleep SECONDS               wait, in simulated time

shell:
  export K=V, unset K, env, echo, history, clear, help
  quoting ('…', "…", \\), $VAR, K=V cmd, and here-documents (cmd <<EOF) work as in sh.
  Ctrl-C interrupts (watch, lock, lease keep-alive, ...), Tab completes, ↑/↓ browse history.
`;

export const help: ShellCommand = (ctx) => {
  ctx.out(HELP);
  return 0;
};
