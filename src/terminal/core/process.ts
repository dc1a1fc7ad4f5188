// One running etcdctl process: its async body, its exit code, and signals.
// A signal ends the process at once (its later output is dropped, its exit
// hooks close the client), unless the command took the signal over, as
// `lock` and `elect` do to release what they hold first.
import type { CommandContext, Signal } from './context.ts';
import { CommandExit, ExitError, type OutputStream } from './io.ts';

export type ProcessEnd = { code: number } | { signal: Signal };

/** An output stream that goes quiet once its process has ended. */
export class ProcessOutput implements OutputStream {
  open = true;
  constructor(private readonly sink: OutputStream) {}
  write(data: string | Uint8Array): void {
    if (this.open) this.sink.write(data);
  }
}

export class Process {
  private ended: ProcessEnd | undefined;
  private ctx: CommandContext | undefined;
  private readonly waiters: ((e: ProcessEnd) => void)[] = [];

  constructor(
    private readonly outputs: ProcessOutput[],
    private readonly onEnd: () => void,
  ) {}

  /** Runs body as the process; it ends when body returns or throws, or on a signal. */
  start(body: () => Promise<void>): void {
    void (async () => {
      let code = 0;
      try {
        await body();
      } catch (e) {
        if (e instanceof CommandExit) code = e.code;
        else {
          // A bug, not an etcdctl error: say so like a Go panic would, never crash the page.
          const msg = e instanceof Error ? e.message : String(e);
          this.outputs[1]?.write(`panic: ${msg}\n`);
          code = ExitError + 1;
        }
      }
      this.finish({ code });
    })();
  }

  /** Attaches the command context once the command line is parsed. */
  attach(ctx: CommandContext): void {
    this.ctx = ctx;
  }

  get end(): ProcessEnd | undefined {
    return this.ended;
  }

  get running(): boolean {
    return this.ended === undefined;
  }

  /** Delivers a signal: the command's handler if it installed one, else termination. */
  signal(sig: Signal): void {
    if (this.ended) return;
    const h = this.ctx?.signalHandler;
    if (h) h(sig);
    else this.finish({ signal: sig });
  }

  /** Resolves when the process has ended. */
  wait(): Promise<ProcessEnd> {
    if (this.ended) return Promise.resolve(this.ended);
    return new Promise((r) => this.waiters.push(r));
  }

  private finish(e: ProcessEnd): void {
    if (this.ended) return;
    this.ended = e;
    for (const o of this.outputs) o.open = false;
    this.ctx?.runExitHooks();
    this.onEnd();
    for (const w of this.waiters.splice(0)) w(e);
  }
}
