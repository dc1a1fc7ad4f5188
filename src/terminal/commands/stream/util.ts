// Plumbing the long-running commands share: a promise resolvable from
// outside, a queue fed by engine callbacks, and etcdctl's client creation
// (the -w check comes with it, as initDisplayFromCmd does).
import type { CommandContext } from '../../core/context.ts';
import type { Machine } from '../../core/machine.ts';
import { outputFormat } from '../../print/index.ts';

/** The engine client of a command context. */
export type EngineClient = ReturnType<CommandContext['client']>;

/**
 * A deadline for calls etcdctl makes with context.TODO() (no deadline): far
 * enough never to matter in a session.
 */
export const NO_TIMEOUT_MS = 100 * 365 * 24 * 3600 * 1000;

/** mustClientFromCmd: checks the output format, then gives the process's client. */
export function mustClient(ctx: CommandContext): EngineClient {
  outputFormat(ctx);
  return ctx.client();
}

/**
 * Waits until the client has dialed (authenticated with --user), for the
 * engine calls a command makes directly on the client (watches, sessions,
 * keep-alives) rather than through ctx.call.
 */
export async function dialed(ctx: CommandContext): Promise<void> {
  await ctx.call<void>((cb) => cb(undefined));
}

/** A promise with its resolve/reject at hand; settling it wakes the world's driver. */
export class Deferred<T> {
  readonly promise: Promise<T>;
  settled = false;
  private res!: (v: T) => void;
  private rej!: (e: unknown) => void;

  constructor(private readonly world: Machine) {
    this.promise = new Promise<T>((res, rej) => {
      this.res = res;
      this.rej = rej;
    });
    // A rejection nobody awaits yet must not count as unhandled.
    this.promise.catch(() => {});
  }

  resolve(v: T): void {
    if (this.settled) return;
    this.settled = true;
    this.world.wake();
    this.res(v);
  }

  reject(e: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.world.wake();
    this.rej(e);
  }
}

/** Items pushed by callbacks (watch responses), taken in order by one async reader. */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private waiter: ((v: T) => void) | undefined;

  constructor(private readonly world: Machine) {}

  push(v: T): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      this.world.wake();
      w(v);
    } else this.items.push(v);
  }

  next(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    return new Promise<T>((r) => (this.waiter = r));
  }
}
