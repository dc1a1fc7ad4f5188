// A shell on a fresh 3-member world, with its output captured, for the shell tests.
import { expect } from 'vitest';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import type { CommandSpec } from '../../src/terminal/core/command.ts';
import { World } from '../../src/terminal/core/world.ts';
import { Shell, type ShellHost } from '../../src/terminal/shell/shell.ts';

export interface Harness {
  world: World;
  shell: Shell;
  /** Output since the last take(). */
  take(): string;
  /** Runs one line to its end (virtual time at most maxMs); its output and status. */
  run(line: string, maxMs?: number): Promise<{ out: string; status: number; done: boolean }>;
}

const dec = new TextDecoder();

export async function harness(opts: { seed?: number; root?: CommandSpec; host?: ShellHost } = {}): Promise<Harness> {
  const world = new World(new EtcdCluster({ seed: opts.seed ?? 1, traceCapacity: 0 }));
  await world.advance(3000);
  return shellHarness(world, opts);
}

/** A shell on a given world, with its output captured. */
export function shellHarness(world: World, opts: { root?: CommandSpec; host?: ShellHost } = {}): Harness {
  let buf = '';
  const shell = new Shell(world, {
    out: { write: (d) => (buf += typeof d === 'string' ? d : dec.decode(d)) },
    root: opts.root,
    host: opts.host,
  });
  const take = () => {
    const s = buf;
    buf = '';
    return s;
  };
  return {
    world,
    shell,
    take,
    async run(line, maxMs = 20_000) {
      take();
      let done = false;
      void shell.run(line).then(() => (done = true));
      await world.runUntil(() => done, world.now() + maxMs);
      return { out: take(), status: shell.status, done };
    },
  };
}

/** A function that runs a line in a new shell on world to its end and returns its output. */
export function shellOn(world: World): (line: string) => Promise<string> {
  const h = shellHarness(world);
  return async (line) => {
    const r = await h.run(line);
    expect(r.done, `'${line}' did not finish`).toBe(true);
    return r.out;
  };
}
