import { describe, expect, it } from 'vitest';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import type { CommandSpec } from '../../src/terminal/core/command.ts';
import { World } from '../../src/terminal/core/world.ts';
import { etcdctlRoot } from '../../src/terminal/commands/root.ts';
import { complete, splitForCompletion } from '../../src/terminal/shell/complete.ts';
import { Console } from '../../src/terminal/shell/console.ts';
import { harness } from './shell-helpers.ts';

/** etcdctl with one extra command that runs until a signal, or echoes stdin lines. */
function testRoot(): CommandSpec {
  const root = etcdctlRoot();
  const forever: CommandSpec = {
    name: 'forever',
    use: 'forever',
    short: 'runs until interrupted',
    run: async (ctx) => {
      ctx.out('started\n');
      for (let l = await ctx.stdin.readLine(); l !== null; l = await ctx.stdin.readLine()) ctx.out(`got ${l}\n`);
      await ctx.forever();
    },
  };
  return { ...root, subcommands: [...(root.subcommands ?? []), forever] };
}

describe('completion', () => {
  it('splits the line before the cursor', () => {
    expect(splitForCompletion('etcdctl get "a b')).toEqual({ words: ['etcdctl', 'get'], start: 12, current: 'a b' });
    expect(splitForCompletion('etcdctl ')).toEqual({ words: ['etcdctl'], start: 8, current: '' });
  });

  it('completes commands, etcdctl subcommands and flags, values, members and keys', async () => {
    const h = await harness();
    const c = (line: string) => complete(h.shell, line).candidates;
    expect(c('et')).toEqual(['etcd', 'etcdctl']);
    expect(c('par')).toEqual(['partition']);
    expect(c('etcdctl mem')).toEqual(['member']);
    expect(c('etcdctl member ')).toEqual(expect.arrayContaining(['add', 'list', 'remove']));
    expect(c('etcdctl --endp')).toEqual(['--endpoints']);
    expect(c('etcdctl --endpoints=127.0.0.1:1')).toEqual(['--endpoints=127.0.0.1:12379']);
    expect(c('etcdctl -w ')).toEqual(['fields', 'json', 'protobuf', 'simple', 'table']);
    expect(c('kill etcd')).toEqual(['etcd0', 'etcd1', 'etcd2']);
    expect(c('partition etcd0,')).toEqual(['etcd0,etcd1', 'etcd0,etcd2']);
    expect(c('etcd --initial-cluster-s')).toEqual(['--initial-cluster-state']);
    expect(c('etcdctl member remove ')).toHaveLength(3);
    await h.run('export FOO=1');
    expect(c('echo $F')).toEqual(['$FOO']);
    const enc = new TextEncoder();
    const kv = h.world.etcd.leaderServer()!.sm.kv;
    for (const k of ['/app/one', '/app/two', 'other', 'with space']) kv.put({ key: enc.encode(k), value: enc.encode('v') });
    expect(c('etcdctl get /app/')).toEqual(['/app/one', '/app/two']);
    expect(c('ls /app/t')).toEqual(['/app/two']);
    expect(c('etcdctl get wi')).toEqual(["'with space'"]);
    expect(complete(h.shell, 'etcdctl get /ap').start).toBe(12);
  });
});

async function consoleHarness(root?: CommandSpec) {
  const world = new World(new EtcdCluster({ seed: 3, traceCapacity: 0 }));
  await world.advance(3000);
  let screen = '';
  const saved: string[][] = [];
  const con = new Console({
    world,
    write: (d) => (screen += typeof d === 'string' ? d : new TextDecoder().decode(d)),
    cols: () => 80,
    history: ['echo old'],
    onHistory: (h) => saved.push([...h]),
    root,
  });
  con.start();
  const settle = async (ms = 100) => world.runUntil(() => false, world.now() + ms);
  const take = () => {
    const s = screen;
    screen = '';
    return s;
  };
  return { world, con, settle, take, saved };
}

describe('console', () => {
  it('edits the line: cursor moves, Ctrl-A/E/U/K/W, backspace and delete', async () => {
    const { con } = await consoleHarness();
    con.key('etcdctl get foo');
    con.key('\x17');
    expect(con.line.text).toBe('etcdctl get ');
    con.key('bar\x01X\x05Y');
    expect(con.line).toEqual({ text: 'Xetcdctl get barY', cursor: 17 });
    con.key('\x1b[D\x1b[D\x7f');
    expect(con.line).toEqual({ text: 'Xetcdctl get brY', cursor: 14 });
    con.key('\x1b[H\x1b[3~');
    expect(con.line).toEqual({ text: 'etcdctl get brY', cursor: 0 });
    con.key('\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x0b');
    expect(con.line.text).toBe('etcdctl');
    con.key('\x15');
    expect(con.line).toEqual({ text: '', cursor: 0 });
  });

  it('runs lines, browses and saves history', async () => {
    const { con, settle, take, saved } = await consoleHarness();
    take();
    con.key('echo hi\r');
    await settle();
    expect(take()).toContain('hi\n');
    con.key('\x1b[A');
    expect(con.line.text).toBe('echo hi');
    con.key('\x1b[A');
    expect(con.line.text).toBe('echo old');
    con.key('\x1b[B\x1b[B');
    expect(con.line.text).toBe('');
    expect(saved[saved.length - 1]).toEqual(['echo old', 'echo hi']);
  });

  it('completes with Tab: a single candidate, a common prefix, or a list', async () => {
    const { con, take } = await consoleHarness();
    con.key('etcdctl mem\t');
    expect(con.line.text).toBe('etcdctl member ');
    con.key('\x15kill etc\t');
    expect(con.line.text).toBe('kill etcd');
    take();
    con.key('\t');
    expect(take()).toContain('etcd0  etcd1  etcd2');
    expect(con.line.text).toBe('kill etcd');
  });

  it('Ctrl-C sends SIGINT to the running etcdctl process and returns to the prompt', async () => {
    const { con, settle, take } = await consoleHarness(testRoot());
    con.key('etcdctl forever\r');
    await settle();
    expect(con.busy).toBe(true);
    expect(take()).toContain('started');
    // While it runs, a typed line reaches its stdin.
    con.key('ping\r');
    await settle();
    expect(take()).toContain('got ping');
    con.key('\x03');
    await settle();
    expect(con.busy).toBe(false);
    expect(con.shell.status).toBe(130);
    expect(take()).toContain('^C');
  });

  it('runs pasted lines one after the other', async () => {
    const { con, settle, take } = await consoleHarness();
    take();
    con.key('echo one\recho two\r');
    await settle();
    const out = take();
    expect(out.indexOf('one\n')).toBeGreaterThan(-1);
    expect(out.indexOf('two\n')).toBeGreaterThan(out.indexOf('one\n'));
    expect(con.shell.history.slice(-2)).toEqual(['echo one', 'echo two']);
  });

  it('Ctrl-C at the prompt abandons the line', async () => {
    const { con, take } = await consoleHarness();
    con.key('echo "unfinished');
    con.key('\r');
    expect(con.shell.prompt).toBe('> ');
    take();
    con.key('\x03');
    expect(take()).toContain('^C');
    expect(con.shell.prompt).toBe('$ ');
    expect(con.line.text).toBe('');
  });
});
