// A terminal session: its environment variables and working directory, and
// the etcdctl processes it starts in the world. Several sessions (terminal
// tabs) share one world, as several shells share one machine.
import type { CommandSpec } from './command.ts';
import type { CommandContext } from './context.ts';
import { dispatch } from './dispatch.ts';
import { EMPTY_INPUT, type InputStream, type OutputStream } from './io.ts';
import { Process, ProcessOutput } from './process.ts';
import type { World } from './world.ts';

/**
 * Virtual ms an etcdctl process takes to start and dial before its first
 * request, about what the real binary takes on loopback. It also gives
 * followers the moment real clusters have to learn the latest commit
 * between two commands.
 */
export const ETCDCTL_STARTUP_MS = 15;

export interface ProcessIO {
  stdin?: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
}

export class Session {
  readonly env = new Map<string, string>();
  cwd = '/';
  /** Processes still running (background watches, locks, ...). */
  readonly running = new Set<Process>();

  constructor(
    readonly world: World,
    readonly etcdctlRoot: CommandSpec,
  ) {}

  /** Starts `etcdctl argv…`; the process runs as the world's time is driven. */
  etcdctl(argv: readonly string[], io: ProcessIO): Process {
    const outputs = [new ProcessOutput(io.stdout), new ProcessOutput(io.stderr)];
    const proc = new Process(outputs, () => this.running.delete(proc));
    this.running.add(proc);
    const env = new Map(this.env);
    proc.start(async () => {
      await this.world.sleep(ETCDCTL_STARTUP_MS);
      await dispatch({
        world: this.world,
        root: this.etcdctlRoot,
        argv,
        env,
        cwd: this.cwd,
        stdin: io.stdin ?? EMPTY_INPUT,
        stdout: outputs[0]!,
        stderr: outputs[1]!,
        attach: (ctx: CommandContext) => proc.attach(ctx),
      });
    });
    return proc;
  }
}
