// Shared set-up for the command-line tests: a simulated 3-member cluster with
// the corpus's endpoints, a session, and etcdctl runs collected as text.
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import type { CommandSpec } from '../../src/terminal/core/command.ts';
import { BufferOutput, TextInput } from '../../src/terminal/core/io.ts';
import { Session } from '../../src/terminal/core/session.ts';
import { World } from '../../src/terminal/core/world.ts';
import { etcdctlRoot } from '../../src/terminal/commands/root.ts';

export const EP0 = '127.0.0.1:23790';

export interface Run {
  out: string;
  err: string;
  code: number | string;
}

/** A stand-in `get` (the kv helpers own the real one): it only builds the client and reads a key. */
export const testGet: CommandSpec = {
  name: 'get',
  use: 'get [options] <key> [range_end]',
  short: 'Gets the key or a range of keys',
  flags: [{ name: 'prefix', kind: 'bool', def: 'false', usage: 'Get keys with matching prefix' }],
  run: async (ctx) => {
    const cli = ctx.client();
    try {
      const r = await ctx.call<{ kvs: { key: Uint8Array; value: Uint8Array }[] }>((cb) => cli.get({ key: new TextEncoder().encode(ctx.args[0] ?? '') } as never, cb as never));
      const dec = new TextDecoder();
      for (const kv of r.kvs) ctx.out(`${dec.decode(kv.key)}\n${dec.decode(kv.value)}\n`);
    } catch (e) {
      ctx.fail(1, (e as { message: string }).message);
    }
  },
};

/** The etcdctl tree, with the stand-in get when the kv commands are not there. */
export function testRoot(): CommandSpec {
  const root = etcdctlRoot();
  if (!root.subcommands!.some((c) => c.name === 'get')) root.subcommands!.unshift(testGet);
  return root;
}

export class Shell {
  readonly world: World;
  readonly session: Session;

  constructor(members = 1, root: CommandSpec = testRoot()) {
    const layout = Array.from({ length: members }, (_, i) => ({
      name: `etcd${i}`,
      peerURLs: [`http://127.0.0.1:${23800 + i}`],
      clientURLs: [`http://127.0.0.1:${23790 + i}`],
    }));
    this.world = new World(new EtcdCluster({ seed: 7, members: layout, clusterToken: 'etcd-cluster' }));
    this.session = new Session(this.world, root);
  }

  async ready(): Promise<this> {
    await this.world.advance(3000);
    return this;
  }

  /** Runs etcdctl argv (with --endpoints=EP0 first unless raw) to its end. */
  async run(argv: string[], stdin = '', raw = false): Promise<Run> {
    const o = new BufferOutput();
    const e = new BufferOutput();
    const args = raw || argv.some((a) => a.startsWith('--endpoints')) ? argv : [`--endpoints=${EP0}`, ...argv];
    const p = this.session.etcdctl(args, { stdout: o, stderr: e, stdin: new TextInput(stdin) });
    await this.world.runUntil(() => !p.running, this.world.now() + 60_000);
    const end = p.end;
    const dec = new TextDecoder();
    return { out: dec.decode(o.bytes()), err: dec.decode(e.bytes()), code: end === undefined ? 'running' : 'code' in end ? end.code : end.signal };
  }
}
