// fdatasync of several members' WALs at once, still synchronous for the
// caller. The barrier must finish before control goes back to Node's loop
// (no reply may leave before what it acknowledges is durable), and one
// thread syncs one file at a time, so a three-member cluster would wait
// for three fsyncs in a row where three etcd processes wait for one each,
// side by side. Each extra file goes to a worker thread that blocks in
// fdatasync while this thread syncs its own file, then waits on a shared
// flag (Atomics.wait) until every worker is done.
import { fdatasyncSync } from 'node:fs';
import { constants } from 'node:os';
import { Worker } from 'node:worker_threads';

/** ctl[0]: IDLE, JOB (ctl[1] holds the fd) or DONE (ctl[2]: 0, or the failure's errno). */
const IDLE = 0;
const JOB = 1;
const DONE = 2;

// Plain JavaScript run as the worker's whole program: wait for a job, sync, report.
const WORKER_SOURCE = `
const { fdatasyncSync } = require('node:fs');
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData);
for (;;) {
  // Sleep until a job is posted (the main thread notifies); never spin.
  let state = Atomics.load(ctl, 0);
  while (state !== ${JOB}) {
    Atomics.wait(ctl, 0, state);
    state = Atomics.load(ctl, 0);
  }
  try {
    fdatasyncSync(ctl[1]);
    ctl[2] = 0;
  } catch (e) {
    ctl[2] = Math.abs((e && e.errno) || 5);
  }
  Atomics.store(ctl, 0, ${DONE});
  Atomics.notify(ctl, 0);
}
`;

interface SyncWorker {
  worker: Worker;
  ctl: Int32Array;
}

/** "EIO" for 5, as Node names an errno. */
function errnoName(n: number): string {
  return Object.entries(constants.errno).find(([, v]) => v === n)?.[0] ?? `errno ${n}`;
}

export class ParallelSync {
  private readonly workers: SyncWorker[] = [];

  /** fdatasync of every fd, all at once; throws the first failure once all are done. */
  syncAll(fds: number[]): void {
    if (fds.length === 0) return;
    const [own, ...rest] = fds;
    while (this.workers.length < rest.length) this.workers.push(this.spawn());
    rest.forEach((fd, i) => {
      const w = this.workers[i]!;
      w.ctl[1] = fd;
      Atomics.store(w.ctl, 0, JOB);
      Atomics.notify(w.ctl, 0);
    });
    let failure: Error | undefined;
    try {
      fdatasyncSync(own!);
    } catch (e) {
      failure = e instanceof Error ? e : new Error(String(e));
    }
    for (let i = 0; i < rest.length; i++) {
      const w = this.workers[i]!;
      while (Atomics.load(w.ctl, 0) === JOB) Atomics.wait(w.ctl, 0, JOB);
      const errno = w.ctl[2]!;
      Atomics.store(w.ctl, 0, IDLE);
      if (errno !== 0) failure ??= new Error(`${errnoName(errno)}: fdatasync of fd ${rest[i]} failed`);
    }
    if (failure) throw failure;
  }

  close(): void {
    for (const w of this.workers.splice(0)) void w.worker.terminate();
  }

  private spawn(): SyncWorker {
    const ctl = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: ctl.buffer });
    // A worker blocked in Atomics.wait must not keep the process alive.
    worker.unref();
    return { worker, ctl };
  }
}
