// Runs one scenario on a fresh simulated cluster in virtual time and writes
// its transcript in the golden format (run-scenario.py's Runner): commands
// get --endpoints=<etcd0> unless they name endpoints, placeholders are
// substituted, foreground commands run until they exit or their @timeout
// (then killed), @bg commands run alongside and get SIGTERM at their
// deadline, and cluster directives act on the engine (ctl.ts).
import type { CommandSpec } from '../core/command.ts';
import { BufferOutput, TextInput } from '../core/io.ts';
import type { Process } from '../core/process.ts';
import { Session } from '../core/session.ts';
import { BASE_PORT, CorpusCluster, CtlError } from './ctl.ts';
import { Normalizer } from './normalizer.ts';
import { PipeInput } from './pipe.ts';
import { decodeReplace, pyG } from './pystr.ts';
import { type CommandStep, type DirectiveStep, type Scenario, ScenarioError } from './scenario.ts';
import { shlexSplit } from './shlex.ts';
import { isProtobuf, learnAddedMember, resultLines } from './transcript.ts';

export const DEFAULT_TIMEOUT_S = 30;
/**
 * Extra virtual time the runner waits before each foreground command. None by
 * default: the Session already spends ETCDCTL_STARTUP_MS starting etcdctl
 * (fork, exec, Go runtime) before it sends anything.
 */
export const PROCESS_START_MS = 0;
/** The per-run scratch dir: every command's cwd, <TMP> in transcripts. */
export const TMP_DIR = '/tmp/etcd-oracle-run.corpus';

export interface RunOptions {
  /** The etcdctl command tree to run (etcdctlRoot()). */
  root: CommandSpec;
  seed?: number;
  /** Skip normalization (debugging). */
  keepIds?: boolean;
  /** Virtual ms before each foreground command starts (default PROCESS_START_MS). */
  startMs?: number;
}

interface Bg {
  proc: Process;
  out: BufferOutput;
  err: BufferOutput;
  stdin: PipeInput;
  deadline: number;
  step: CommandStep;
  argv: string[];
}

const CTL_ACTIONS = ['kill', 'stop', 'restart', 'start-new', 'make-leader', 'wait-healthy'];

/** Hard-kills a process (SIGKILL): its output so far stays, handlers do not run. */
function kill(p: Process): void {
  const k = (p as unknown as { kill?: () => void }).kill;
  if (typeof k === 'function') k.call(p);
  else p.signal('SIGTERM');
}

function rcOf(p: Process): string {
  const e = p.end!;
  return 'code' in e ? String(e.code) : String(e.signal === 'SIGINT' ? -2 : -15);
}

export class Runner {
  private readonly norm: Normalizer;
  private readonly endpoints: string[];
  private readonly bg = new Map<string, Bg>();
  private readonly out: string[] = [];
  private session!: Session;
  private cluster!: CorpusCluster;

  constructor(
    private readonly sc: Scenario,
    private readonly opts: RunOptions,
  ) {
    this.endpoints = Array.from({ length: sc.cluster }, (_, i) => `127.0.0.1:${BASE_PORT + i}`);
    this.norm = new Normalizer(BASE_PORT, TMP_DIR, !opts.keepIds);
  }

  private get world() {
    return this.cluster.world;
  }

  /** Placeholders usable in commands. */
  subst(s: string): string {
    return s.replace(/\{\{(\w+)\}\}/g, (all, key: string) => {
      if (key === 'ENDPOINTS') return this.endpoints.join(',');
      if (key === 'TMP') return TMP_DIR;
      let m = /^EP(\d+)$/.exec(key);
      if (m) return this.endpoints[Number(m[1])] ?? `127.0.0.1:${BASE_PORT + Number(m[1])}`;
      m = /^PEER(\d+)$/.exec(key);
      if (m) return `http://127.0.0.1:${BASE_PORT + 10 + Number(m[1])}`;
      m = /^(EP|PEER)(\d+)_PORT$/.exec(key);
      if (m) return String(BASE_PORT + (m[1] === 'PEER' ? 10 : 0) + Number(m[2]));
      m = /^MEMBER_ID_(\w+)$/.exec(key);
      if (m) return this.norm.memberHex(m[1]!) ?? 'UNKNOWN_MEMBER_' + m[1]!;
      m = /^LEASE_ID_(\d+)$/.exec(key);
      if (m) return this.norm.leaseHex(Number(m[1])) ?? 'UNKNOWN_LEASE_' + m[1]!;
      if (key === 'CLUSTER_ID') return (this.norm.clusterId ?? 0n).toString(16);
      return all;
    });
  }

  argv(cmd: string, raw: boolean): string[] {
    const args = shlexSplit(this.subst(cmd));
    const hasEp = args.some((a) => a === '--endpoints' || a.startsWith('--endpoints='));
    return raw || hasEp ? args : ['--endpoints=' + this.endpoints[0]!, ...args];
  }

  /** What the runner learns before the scenario (member list -w json): names, IDs, cluster ID. */
  private discover(): void {
    const c = this.cluster.etcd.cluster;
    this.norm.clusterId = BigInt('0x' + c.clusterId());
    for (const m of c.members.values()) if (m.name) this.norm.addMember(BigInt('0x' + m.id), m.name);
  }

  private emit(...lines: string[]): void {
    this.out.push(...lines);
  }

  private emitStdin(step: CommandStep): void {
    if (step.stdinLines === undefined) return;
    for (const l of step.stdinLines) this.emit(l ? '0| ' + l : '0|');
    if (step.opts['no-newline-stdin']) this.emit('0\\ (no newline at end)');
  }

  private emitResult(out: BufferOutput, err: BufferOutput, rc: string, step: CommandStep, args: string[]): void {
    learnAddedMember(this.norm, args, decodeReplace(out.bytes()));
    this.emit(...resultLines(this.norm, out.bytes(), err.bytes(), rc, step.opts, isProtobuf(args)));
    this.emit('');
  }

  private async runCmd(step: CommandStep): Promise<void> {
    const args = this.argv(step.cmd, !!step.opts.raw);
    this.emit('$ etcdctl ' + step.cmd);
    this.emitStdin(step);
    const t = step.opts.timeout;
    const tmo = t && t !== true ? Number(t) : DEFAULT_TIMEOUT_S;
    let stdin = step.stdin ?? '';
    if (step.opts['no-newline-stdin']) stdin = stdin.replace(/\n+$/, '');
    const out = new BufferOutput();
    const err = new BufferOutput();
    await this.world.advance(this.opts.startMs ?? PROCESS_START_MS);
    const proc = this.session.etcdctl(args, { stdin: new TextInput(stdin), stdout: out, stderr: err });
    const done = await this.world.runUntil(() => !proc.running, this.world.now() + tmo * 1000);
    if (done) return this.emitResult(out, err, rcOf(proc), step, args);
    // subprocess.run's timeout: SIGKILL; what was printed so far is the output.
    const o = new BufferOutput();
    const e = new BufferOutput();
    o.write(out.bytes());
    e.write(err.bytes());
    kill(proc);
    this.emitResult(o, e, 'killed by runner after timeout', step, args);
  }

  private startBg(step: CommandStep): void {
    const args = this.argv(step.cmd, !!step.opts.raw);
    const out = new BufferOutput();
    const err = new BufferOutput();
    const stdin = new PipeInput(this.world, step.stdin ?? '');
    const proc = this.session.etcdctl(args, { stdin, stdout: out, stderr: err });
    this.bg.set(step.name!, { proc, out, err, stdin, deadline: this.world.now() + step.timeout! * 1000, step, argv: args });
    this.emit(`$ etcdctl ${step.cmd} &   [background ${step.name!}, stopped after ${pyG(step.timeout!)}s]`);
    this.emitStdin(step);
    this.emit('');
  }

  private async finishBg(name: string): Promise<void> {
    const b = this.bg.get(name);
    if (!b) throw new ScenarioError(`@wait ${name}: no such background command`);
    this.bg.delete(name);
    const { proc } = b;
    let killed = false;
    if (!(await this.world.runUntil(() => !proc.running, Math.max(b.deadline, this.world.now())))) {
      killed = true;
      proc.signal('SIGTERM');
      if (!(await this.world.runUntil(() => !proc.running, this.world.now() + 5000))) kill(proc);
    }
    b.stdin.close();
    const rc = killed ? 'terminated by runner (SIGTERM at timeout)' : rcOf(proc);
    this.emit(`@wait ${name}   # output of: etcdctl ${b.step.cmd}`);
    this.emitResult(b.out, b.err, rc, b.step, b.argv);
  }

  private async ctl(action: string, arg: string): Promise<boolean> {
    const c = this.cluster;
    const name = arg.trim();
    try {
      if (action === 'kill') await c.kill(name);
      else if (action === 'stop') await c.stop(name);
      else if (action === 'restart') await c.restart(name);
      else if (action === 'start-new') await c.startNew(name);
      else if (action === 'make-leader') await c.makeLeader(name);
      else await c.waitHealthy();
      return true;
    } catch (e) {
      if (e instanceof CtlError) return false;
      throw e;
    }
  }

  private async directive(step: DirectiveStep): Promise<void> {
    const { name: d, arg } = step;
    if (d === 'sleep') {
      await this.world.advance(Number(arg) * 1000);
      this.emit('@sleep ' + arg, '');
    } else if (d === 'wait') {
      await this.finishBg(arg.trim());
    } else if (d === 'close-stdin') {
      this.bg.get(arg.trim())?.stdin.close();
      this.emit('@close-stdin ' + arg, '');
    } else if (d === 'env') {
      const eq = arg.indexOf('=');
      if (eq < 0) throw new ScenarioError(`line ${step.lineno}: @env K=V`);
      this.session.env.set(arg.slice(0, eq), this.subst(arg.slice(eq + 1)));
      this.emit('@env ' + arg, '');
    } else if (d === 'unenv') {
      this.session.env.delete(arg.trim());
      this.emit('@unenv ' + arg, '');
    } else if (CTL_ACTIONS.includes(d)) {
      const ok = await this.ctl(d, arg);
      this.emit(`@${d} ${arg} -> ${ok ? 'ok' : 'FAILED'}`, '');
    } else {
      throw new ScenarioError(`line ${step.lineno}: unknown directive @${d}`);
    }
  }

  /** The scenario's transcript (golden format). */
  async run(name: string): Promise<string> {
    this.cluster = await CorpusCluster.start(this.sc.cluster, this.opts.seed ?? 1);
    this.session = new Session(this.world, this.opts.root);
    this.world.fs.mkdir(TMP_DIR);
    this.session.cwd = TMP_DIR;
    this.session.env.set('ETCDCTL_API', '3');
    this.emit(`# scenario: ${name}`, '');
    this.discover();
    try {
      for (const st of this.sc.steps) {
        if (st.kind === 'comment') this.emit(st.line);
        else if (st.kind === 'cmd') await this.runCmd(st);
        else if (st.kind === 'directive') await this.directive(st);
        else this.startBg(st);
      }
      for (const n of [...this.bg.keys()]) await this.finishBg(n);
    } finally {
      for (const b of this.bg.values()) kill(b.proc);
    }
    while (this.out.length > 0 && this.out[this.out.length - 1] === '') this.out.pop();
    return this.out.join('\n') + '\n';
  }
}

export function runScenario(sc: Scenario, name: string, opts: RunOptions): Promise<string> {
  return new Runner(sc, opts).run(name);
}
