// What a running etcdctl command gets: its parsed flags and arguments, the
// global options, stdio, the world, a client built from the global flags,
// and the process's life (exit, cleanup, signals).
import type { Callback, RequestError } from '../../engine/api/service.ts';
import { Client } from '../../engine/client/client.ts';
import type { ClientOptions } from '../../engine/client/core.ts';
import { errorText } from './errors.ts';
import type { ResolvedCommand } from './command.ts';
import type { FlagValue, ParsedFlags } from './flags.ts';
import { type EnvReport, type GlobalOptions, OUTPUT_FORMATS, capnslogLine } from './globals.ts';
import { CommandExit, ExitBadConnection, ExitBadFeature, ExitError, type InputStream, type OutputStream } from './io.ts';
import type { Machine } from './machine.ts';

/** What building the client must do first: the environment's verdict, and --debug's dump. */
export interface ClientSetup {
  envReport?: EnvReport;
  debugDump?: string;
}

/** etcdctl's authCfgFromCmd: user and password from --user[=name:password] and --password. */
function authConfig(g: GlobalOptions): { username: string; password?: string } | undefined {
  if (g.user === '') return undefined;
  if (g.password !== '') return { username: g.user, password: g.password };
  const colon = g.user.indexOf(':');
  if (colon < 0) return { username: g.user };
  return { username: g.user.slice(0, colon), password: g.user.slice(colon + 1) };
}

export type Signal = 'SIGINT' | 'SIGTERM';

export class CommandContext {
  private clientInstance: Client | undefined;
  /** The client's dial (authentication), which calls wait for. */
  private dialing: Promise<void> | undefined;
  private readonly exitHooks: (() => void)[] = [];
  /** A handler that takes over a signal (lock, elect); otherwise a signal kills the process. */
  signalHandler: ((sig: Signal) => void) | undefined;

  constructor(
    readonly world: Machine,
    readonly command: ResolvedCommand,
    readonly parsed: ParsedFlags,
    readonly globals: GlobalOptions,
    readonly env: ReadonlyMap<string, string>,
    readonly cwd: string,
    readonly stdin: InputStream,
    readonly stdout: OutputStream,
    readonly stderr: OutputStream,
    private readonly setup: ClientSetup = {},
  ) {
    this.aborted = new Promise<never>((_, reject) => {
      this.abortWith = (code) => reject(new CommandExit(code));
    });
    this.aborted.catch(() => {});
  }

  /** Rejects when something outside the command's own code ends it (a failed dial); dispatch races it. */
  readonly aborted: Promise<never>;
  private abortWith: (code: number) => void = () => {};

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

  /**
   * The client etcdctl builds from the global flags (one per process), as
   * clientConfigFromCmd + mustClient do: the environment is checked now (a
   * conflict is fatal), the output format must be known (exit 4), and with
   * --user the client authenticates before its first call; a refusal ends
   * the command with exit 2. Calls made through `call` wait for that.
   */
  client(): Client {
    if (this.clientInstance) return this.clientInstance;
    const report = this.setup.envReport;
    for (const w of report?.warnings ?? []) this.err(capnslogLine(this.world.now(), 'W', 'pkg/flags', w));
    if (report?.conflict) {
      this.err(capnslogLine(this.world.now(), 'C', 'pkg/flags', report.conflict));
      throw new CommandExit(ExitError);
    }
    if (this.setup.debugDump) this.err(this.setup.debugDump);
    const g = this.globals;
    if (!OUTPUT_FORMATS.includes(g.writeOut)) this.fail(ExitBadFeature, 'unsupported output format');
    const auth = authConfig(g);
    const client = new Client(this.world.net, this.clientOptions(g.endpoints));
    this.clientInstance = client;
    this.onExit(() => client.close());
    if (auth) {
      this.dialing = this.dial(client, auth);
      this.dialing.catch(() => {});
    }
    return client;
  }

  /**
   * Options for a client of the command's settings (timeouts, --user and
   * --password) at other endpoints, as etcdctl builds for endpoint health or
   * move-leader. A password asked for at the prompt is not included.
   */
  clientOptions(endpoints: readonly string[]): ClientOptions {
    const g = this.globals;
    const auth = authConfig(g);
    return {
      endpoints: this.dialable(endpoints),
      commandTimeoutMs: g.commandTimeoutMs,
      dialTimeoutMs: g.dialTimeoutMs,
      username: auth?.username,
      password: auth?.password,
    };
  }

  /**
   * Endpoints as the simulated cluster knows them: clientv3 takes a bare
   * host:port as an insecure endpoint, while members list their client URLs
   * with the scheme.
   */
  dialable(endpoints: readonly string[]): string[] {
    const etcd = this.world.net;
    return endpoints.map((ep) => (!ep.includes('://') && etcd.resolve(ep) === undefined && etcd.resolve(`http://${ep}`) !== undefined ? `http://${ep}` : ep));
  }

  /** Authenticates (after asking for the password when --user had none). */
  private async dial(client: Client, auth: { username: string; password?: string }): Promise<void> {
    if (auth.password === undefined) {
      // speakeasy.Ask: the prompt on stdout, the answer (unechoed) from the terminal, then a newline.
      this.out('Password: ');
      const pw = (await (this.stdin.readSecret?.() ?? this.stdin.readLine())) ?? '';
      this.out('\n');
      if (pw === '') return;
      // The client was built before the answer came: give it its credentials now.
      client.setCredentials(auth.username, pw);
    }
    try {
      await this.world.call<{ warning?: RequestError }>((cb) => client.dial(cb));
    } catch (e) {
      // mustClient's ExitWithError(ExitBadConnection): ends the process whatever the command
      // does with its calls (which never complete).
      this.err(`Error: ${errorText(e as RequestError)}\n`);
      this.abortWith(ExitBadConnection);
      await new Promise<never>(() => {});
    }
  }

  /**
   * An engine call as a promise (rejects with the engine's RequestError);
   * waits for the client's dial. fn is a callback-style method with its
   * leading arguments bound, so T (and the options' type) are inferred:
   * `ctx.call(c.get.bind(c, req))`, `ctx.call(c.put.bind(c, req), { timeoutMs })`.
   * o is passed after the callback.
   */
  call<T, O = never>(fn: (cb: Callback<T>, o?: O) => void, o?: O): Promise<T> {
    const run = (): Promise<T> => this.world.call<T>((cb) => fn(cb, o));
    return this.dialing ? this.dialing.then(run) : run();
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
