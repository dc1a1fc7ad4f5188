// The playground's shell: reads command lines (continuing open quotes and
// here-documents over several lines), expands variables, and runs builtins,
// playground commands and etcdctl in a Session. Pure: no DOM, no wall clock;
// whatever drives the world's time makes the commands progress. Errors are
// messages and exit codes, never exceptions.
import type { CommandSpec } from '../core/command.ts';
import { type InputStream, type OutputStream, TextInput } from '../core/io.ts';
import type { Process } from '../core/process.ts';
import { Session } from '../core/session.ts';
import type { World } from '../core/world.ts';
import { etcdctlRoot } from '../commands/root.ts';
import { COMMANDS } from './commands.ts';
import { type Lexed, expandHereDoc, lex } from './lexer.ts';
import { LineInput } from './stdin.ts';
import { rememberInitialMembers } from './etcd-launch.ts';
import type { PlaygroundControl } from './playgrounds.ts';

/** What the page offers the shell beyond the world (absent in tests). */
export interface ShellHost {
  getSpeed(): number;
  setSpeed(x: number): void;
  /** Named playgrounds (the page's, when it saves). */
  playgrounds?: PlaygroundControl;
}

export interface ShellOptions {
  /** The terminal: stdout and stderr both go here. */
  out: OutputStream;
  host?: ShellHost;
  root?: CommandSpec;
  history?: string[];
}

/** What a shell command gets. */
export interface ShellContext {
  shell: Shell;
  world: World;
  args: string[];
  /** Variables assigned for this command only (`K=V cmd`). */
  assignments: [string, string][];
  stdin: InputStream;
  out(s: string | Uint8Array): void;
  err(s: string): void;
  /** Resolves when Ctrl-C interrupts a command that is not an etcdctl process. */
  interrupted: Promise<void>;
  /** Runs an etcdctl process in the foreground; its exit status. */
  etcdctl(argv: string[]): Promise<number>;
}

export type ShellCommand = (ctx: ShellContext) => number | Promise<number>;

interface Foreground {
  stdin: LineInput | undefined;
  proc: Process | undefined;
  interrupt: () => void;
}

const HISTORY_MAX = 1000;

/**
 * What a shell was given, seen with its state at that moment: a line typed at
 * the prompt (`run`, with `done` once that line has been handled, same id),
 * a line for the running process's stdin, or Ctrl-C. Views that follow the
 * terminals (request paths, share links) listen here.
 */
export interface ShellEvent {
  kind: 'line' | 'done' | 'stdin' | 'interrupt';
  /** Pairs a 'line' with its 'done'. */
  id: number;
  line?: string;
  busy: boolean;
  prompt: string;
  readingStdin: boolean;
}

export type ShellObserver = (e: ShellEvent) => void;

export class Shell {
  readonly session: Session;
  /** Shell variables that are not exported (`NAME=value`). */
  readonly vars = new Map<string, string>();
  readonly history: string[];
  status = 0;
  private pending: string[] = [];
  private doc: { lexed: Extract<Lexed, { kind: 'ok' }>; lines: string[] } | undefined;
  private fg: Foreground | undefined;
  private readonly observers = new Set<ShellObserver>();
  private lineSeq = 0;

  constructor(
    readonly world: World,
    private readonly opts: ShellOptions,
  ) {
    this.session = new Session(world, opts.root ?? etcdctlRoot());
    this.history = opts.history ?? [];
    rememberInitialMembers(world);
  }

  get host(): ShellHost | undefined {
    return this.opts.host;
  }

  /** '$ ' at a fresh command, '> ' while a command continues over lines. */
  get prompt(): string {
    return this.pending.length > 0 || this.doc ? '> ' : '$ ';
  }

  /** Whether a command runs in the foreground. */
  get busy(): boolean {
    return this.fg !== undefined;
  }

  /** Whether the foreground process waits for a line of stdin now. */
  get readingStdin(): boolean {
    return this.fg?.stdin?.waiting === true;
  }

  /** A variable's value: $? , shell variables, then the environment. */
  lookup(name: string): string | undefined {
    if (name === '?') return String(this.status);
    return this.vars.get(name) ?? this.session.env.get(name);
  }

  write(s: string | Uint8Array): void {
    this.opts.out.write(s);
  }

  /** Follows what the shell is given; returns the undo. */
  observe(o: ShellObserver): () => void {
    this.observers.add(o);
    return () => this.observers.delete(o);
  }

  private notify(kind: ShellEvent['kind'], id: number, line?: string): void {
    if (this.observers.size === 0) return;
    const e: ShellEvent = { kind, id, line, busy: this.busy, prompt: this.prompt, readingStdin: this.readingStdin };
    for (const o of this.observers) o(e);
  }

  /** One line typed at the prompt; resolves once the command it completes has ended. */
  async run(line: string): Promise<void> {
    const id = ++this.lineSeq;
    this.notify('line', id, line);
    try {
      await this.handleLine(line);
    } finally {
      this.notify('done', id, line);
    }
  }

  private async handleLine(line: string): Promise<void> {
    if (this.fg) {
      this.sendStdin(line);
      return;
    }
    if (this.doc) return this.heredocLine(line);
    if (line.trim() !== '' && this.history[this.history.length - 1] !== line) {
      this.history.push(line);
      if (this.history.length > HISTORY_MAX) this.history.splice(0, this.history.length - HISTORY_MAX);
    }
    this.pending.push(line);
    const lexed = lex(this.pending.join('\n'), (n) => this.lookup(n));
    if (lexed.kind === 'incomplete') return;
    this.pending = [];
    if (lexed.kind === 'error') {
      this.write(`sh: ${lexed.message}\n`);
      this.status = 2;
      return;
    }
    if (lexed.heredoc) {
      this.doc = { lexed, lines: [] };
      return;
    }
    await this.execute(lexed, undefined);
  }

  private async heredocLine(line: string): Promise<void> {
    const doc = this.doc!;
    const { marker, stripTabs, quoted } = doc.lexed.heredoc!;
    const l = stripTabs ? line.replace(/^\t+/, '') : line;
    if (l !== marker) {
      doc.lines.push(l);
      return;
    }
    this.doc = undefined;
    const body = doc.lines.map((x) => x + '\n').join('');
    await this.execute(doc.lexed, quoted ? body : expandHereDoc(body, (n) => this.lookup(n)));
  }

  /** Ctrl-C: SIGINT to the foreground process, or drops a half-typed command. */
  interrupt(): boolean {
    this.notify('interrupt', 0);
    if (this.fg) {
      this.fg.interrupt();
      return true;
    }
    const had = this.pending.length > 0 || this.doc !== undefined;
    this.pending = [];
    this.doc = undefined;
    if (had) this.status = 130;
    return had;
  }

  /** A line for the foreground process's stdin. */
  sendStdin(line: string): void {
    this.notify('stdin', 0, line);
    this.fg?.stdin?.push(line);
  }

  /** Ctrl-D while a process reads stdin. */
  endStdin(): void {
    this.fg?.stdin?.close();
  }

  private async execute(lexed: Extract<Lexed, { kind: 'ok' }>, heredoc: string | undefined): Promise<void> {
    const { words, assignments } = lexed;
    if (words.length === 0) {
      for (const [k, v] of assignments) {
        if (this.session.env.has(k)) this.session.env.set(k, v);
        else this.vars.set(k, v);
      }
      this.status = 0;
      return;
    }
    const [name, ...args] = words as [string, ...string[]];
    const cmd = COMMANDS.get(name);
    if (!cmd) {
      this.write(`${name}: command not found\n`);
      this.status = 127;
      return;
    }
    const lineInput = heredoc === undefined ? new LineInput(() => this.world.wake()) : undefined;
    let onInterrupt = (): void => {};
    const fg: Foreground = { stdin: lineInput, proc: undefined, interrupt: () => onInterrupt() };
    const interrupted = new Promise<void>((resolve) => {
      onInterrupt = () => {
        if (fg.proc) fg.proc.signal('SIGINT');
        else {
          this.world.wake();
          resolve();
        }
      };
    });
    const ctx: ShellContext = {
      shell: this,
      world: this.world,
      args,
      assignments,
      stdin: lineInput ?? new TextInput(heredoc!),
      out: (s) => this.write(s),
      err: (s) => this.write(s),
      interrupted,
      etcdctl: async (argv) => {
        const proc = this.startEtcdctl(argv, assignments, ctx.stdin);
        fg.proc = proc;
        const end = await proc.wait();
        fg.proc = undefined;
        return 'code' in end ? end.code : end.signal === 'SIGINT' ? 130 : 143;
      },
    };
    this.fg = fg;
    try {
      this.status = await cmd(ctx);
    } catch (e) {
      this.write(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
      this.status = 1;
    } finally {
      this.fg = undefined;
    }
  }

  /** Starts etcdctl with `K=V` prefixes in its environment only. */
  private startEtcdctl(argv: string[], assignments: [string, string][], stdin: InputStream): Process {
    const env = this.session.env;
    const saved = new Map(env);
    for (const [k, v] of assignments) env.set(k, v);
    try {
      return this.session.etcdctl(argv, { stdin, stdout: this.opts.out, stderr: this.opts.out });
    } finally {
      env.clear();
      for (const [k, v] of saved) env.set(k, v);
    }
  }
}
