// What an etcdctl process needs of the machine it runs on: the endpoints its
// clients dial and the clock their deadlines run on, the wall clock its logs
// print, a file system, and the bridge from client callbacks to the
// commands' promises. The simulated World (world.ts) is one such machine;
// a Node process talking gRPC to real endpoints is another.
import type { Callback, EtcdEndpoints, RequestError } from '../../engine/api/service.ts';
import type { FileSystem } from './vfs.ts';

export abstract class Machine {
  /** Callbacks that resolved promises since the driver last let continuations run. */
  protected unsettled = 0;
  abstract readonly fs: FileSystem;
  /** The endpoints clients dial; its now/after are the clock of calls and sleeps. */
  abstract readonly net: EtcdEndpoints;

  /** Milliseconds on the clients' clock. */
  now(): number {
    return this.net.now();
  }

  /** The wall clock etcdctl's log lines print, in Unix milliseconds. */
  abstract unixMillis(): number;

  /** A client call as a promise; rejects with the RequestError it failed with. */
  call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      fn((err: RequestError | undefined, resp?: T) => {
        this.unsettled++;
        if (err) reject(err);
        else resolve(resp as T);
      });
    });
  }

  /** Resolves after ms on the clients' clock. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) =>
      this.net.after(Math.max(0, ms), () => {
        this.unsettled++;
        resolve();
      }),
    );
  }

  /** Marks that something outside a client callback resolved a promise (e.g. a watch event queue). */
  wake(): void {
    this.unsettled++;
  }
}
