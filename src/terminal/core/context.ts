// What a running etcdctl command gets: its parsed flags and arguments, the
// global options, stdio, the world, a client built from the global flags,
// and the process's life (exit, cleanup, signals).
import type { Callback } from '../../engine/api/service.ts';
import { Client } from '../../engine/client/client.ts';
import type { ResolvedCommand } from './command.ts';
import type { FlagValue, ParsedFlags } from './flags.ts';
import type { GlobalOptions } from './globals.ts';
import { CommandExit, type InputStream, type OutputStream } from './io.ts';
import type { World } from './world.ts';

export type Signal = 'SIGINT' | 'SIGTERM';

export class CommandContext {
  private clientInstance: Client | undefined;
  private readonly exitHooks: (() => void)[] = [];
  /** A handler that takes over a signal (lock, elect); otherwise a signal kills the process. */
  signalHandler: ((sig: Signal) => void) | undefined;

  constructor(
    readonly world: World,
    readonly command: ResolvedCommand,
    readonly parsed: ParsedFlags,
    readonly globals: GlobalOptions,
    readonly env: ReadonlyMap<string, string>,
    readonly cwd: string,
    readonly stdin: InputStream,
    readonly stdout: OutputStream,
    readonly stderr: OutputStream,
  ) {}

  /** Positional arguments. */
  get args(): string[] {
    return this.parsed.args;
  }

  flag(name: string): FlagValue {
    const v = this.parsed.values.get(name);
    if (v === undefined) throw new Error(`command ${this.command.spec.name} has no flag --${name}`);
    return v;
  }

  bool(name: string): boolean {
    return this.flag(name) as boolean;
  }

  str(name: string): string {
    return this.flag(name) as string;
  }

  int(name: string): number {
    return this.flag(name) as number;
  }

  strings(name: string): string[] {
    return this.flag(name) as string[];
  }

  changed(name: string): boolean {
    return this.parsed.changed.has(name);
  }

  /** The client etcdctl builds from the global flags (one per process). */
  client(): Client {
    if (!this.clientInstance) {
      const g = this.globals;
      this.clientInstance = new Client(this.world.etcd, { endpoints: g.endpoints, commandTimeoutMs: g.commandTimeoutMs });
      this.onExit(() => this.clientInstance?.close());
    }
    return this.clientInstance;
  }

  /** An engine call as a promise (rejects with the engine's RequestError). */
  call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
    return this.world.call(fn);
  }

  sleep(ms: number): Promise<void> {
    return this.world.sleep(ms);
  }

  out(data: string | Uint8Array): void {
    this.stdout.write(data);
  }

  err(data: string | Uint8Array): void {
    this.stderr.write(data);
  }

  /** Ends the process with code (throws; the session catches it). */
  exit(code: number): never {
    throw new CommandExit(code);
  }

  /** etcdctl's ExitWithError: "Error: <msg>" on stderr and the exit code. */
  fail(code: number, message: string): never {
    this.err(`Error: ${message}\n`);
    throw new CommandExit(code);
  }

  /** Runs fn when the process ends, however it ends (closes watches, stops keep-alives). */
  onExit(fn: () => void): void {
    this.exitHooks.push(fn);
  }

  /** A promise that never settles: a command that runs until a signal ends it. */
  forever(): Promise<never> {
    return new Promise<never>(() => {});
  }

  /** Called by the session once the process has ended. */
  runExitHooks(): void {
    for (const fn of this.exitHooks.splice(0)) fn();
  }
}
