// Drives etcdctl processes on a simulated one-member cluster for the stream
// command tests: foreground runs, background processes with signals, and
// direct engine writes (so the tests do not depend on the kv commands).
import { etcdctlRoot } from '../../src/terminal/commands/root.ts';
import { Client } from '../../src/engine/client/client.ts';
import { CorpusCluster, clientURL } from '../../src/terminal/corpus/ctl.ts';
import { BufferOutput, type InputStream, TextInput } from '../../src/terminal/core/io.ts';
import type { Process, ProcessEnd } from '../../src/terminal/core/process.ts';
import { Session } from '../../src/terminal/core/session.ts';
import type { World } from '../../src/terminal/core/world.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A stdin that stays open after its text (a pipe nobody closed yet). */
export class OpenInput implements InputStream {
  private readonly lines: string[];
  constructor(text: string) {
    this.lines = text.split('\n');
    if (this.lines.at(-1) === '') this.lines.pop();
  }
  readLine(): Promise<string | null> {
    return this.lines.length > 0 ? Promise.resolve(this.lines.shift()!) : new Promise(() => {});
  }
  readAll(): Promise<string> {
    return Promise.resolve(this.lines.join('\n'));
  }
}

export interface Bg {
  proc: Process;
  out: BufferOutput;
  err: BufferOutput;
}

export interface Result {
  out: string;
  err: string;
  end: ProcessEnd | undefined;
}

export class Harness {
  readonly session: Session;
  readonly client: Client;
  private constructor(readonly world: World) {
    this.session = new Session(world, etcdctlRoot());
    this.client = new Client(world.etcd, { endpoints: [clientURL(0)] });
  }

  static async start(): Promise<Harness> {
    const c = await CorpusCluster.start(1, 7);
    return new Harness(c.world);
  }

  /** Starts etcdctl with the member's endpoint. */
  start(argv: string[], stdin?: InputStream): Bg {
    const out = new BufferOutput();
    const err = new BufferOutput();
    const proc = this.session.etcdctl([`--endpoints=${clientURL(0)}`, ...argv], { stdout: out, stderr: err, stdin });
    return { proc, out, err };
  }

  /** Runs a command to its end (at most timeoutMs of virtual time). */
  async run(argv: string[], stdin?: string, timeoutMs = 30_000): Promise<Result> {
    const b = this.start(argv, stdin === undefined ? undefined : new TextInput(stdin));
    await this.world.runUntil(() => !b.proc.running, this.world.now() + timeoutMs);
    return result(b);
  }

  /** Sends sig to a background process after letting it run for ms; its output. */
  async stop(b: Bg, sig: 'SIGINT' | 'SIGTERM' = 'SIGTERM', ms = 0): Promise<Result> {
    await this.advance(ms);
    b.proc.signal(sig);
    await this.world.runUntil(() => !b.proc.running, this.world.now() + 5000);
    return result(b);
  }

  async advance(ms: number): Promise<void> {
    await this.world.advance(ms);
  }

  private async engine<T>(fn: (cb: (err: unknown, r?: T) => void) => void): Promise<T> {
    let done = false;
    let value: T | undefined;
    fn((err, r) => {
      if (err) throw new Error(String((err as { message: string }).message));
      done = true;
      value = r;
    });
    await this.world.runUntil(() => done, this.world.now() + 5000);
    return value as T;
  }

  put(key: string, value: string, lease?: string): Promise<unknown> {
    return this.engine((cb) => this.client.put({ key: enc(key), value: enc(value), lease }, cb));
  }

  del(key: string): Promise<unknown> {
    return this.engine((cb) => this.client.del({ key: enc(key) }, cb));
  }

  compact(revision: number): Promise<unknown> {
    return this.engine((cb) => this.client.compact({ revision }, cb));
  }

  /** Every key=value in the store. */
  async dump(): Promise<string[]> {
    const r = await this.engine<{ kvs: { key: Uint8Array; value: Uint8Array }[] }>((cb) =>
      this.client.get({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) }, cb),
    );
    return r.kvs.map((kv) => `${dec(kv.key)}=${dec(kv.value)}`);
  }
}

export function result(b: Bg): Result {
  return { out: dec(b.out.bytes()), err: dec(b.err.bytes()), end: b.proc.end };
}
