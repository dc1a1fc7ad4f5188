import { describe, expect, it } from 'vitest';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { World } from '../../src/terminal/core/world.ts';
import { Shell } from '../../src/terminal/shell/shell.ts';
import { ActivityLog } from '../../src/ui/model/activity-log.ts';

async function setup() {
  const world = new World(new EtcdCluster({ seed: 5, traceCapacity: 100 }));
  await world.advance(3000);
  let out = '';
  const shell = new Shell(world, { out: { write: (d) => (out += typeof d === 'string' ? d : new TextDecoder().decode(d)) } });
  const log = new ActivityLog(() => world);
  log.track(1, shell);
  log.watchConnects(world);
  const run = async (line: string) => {
    let done = false;
    void shell.run(line).then(() => (done = true));
    await world.runUntil(() => done, world.now() + 20_000);
    const o = out;
    out = '';
    return o;
  };
  return { world, shell, log, run };
}

describe('ActivityLog', () => {
  it('records each command with the path its request took', async () => {
    const { world, log, run } = await setup();
    const c = world.etcd.cluster;
    const leader = c.leader()!;
    const follower = [...c.nodes.values()].find((n) => n !== leader)!;
    const url = c.members.get(follower.id)!.clientURLs[0]!;
    expect(await run(`etcdctl --endpoints=${url} put greeting hello`)).toBe('OK\n');
    const [put] = log.runs();
    expect(put).toMatchObject({ tab: 1, line: `etcdctl --endpoints=${url} put greeting hello`, status: 0 });
    expect(put!.path!.kind).toBe('write');
    expect(put!.path!.entry).toBe(follower.id);
    expect(put!.path!.steps.map((s) => s.kind)).toEqual(['client', 'forward', 'propose', 'append', 'ack', 'commit', 'apply', 'reply']);
    expect(put!.path!.steps.at(-1)!.text).toMatch(/revision 2$/);

    await run(`etcdctl --endpoints=${url} get greeting`);
    expect(log.runs()[0]!.path!.kind).toBe('linearizable-read');
    await run(`etcdctl --endpoints=${url} get greeting --consistency=s`);
    expect(log.runs()[0]!.path!.kind).toBe('local');
    const lurl = c.members.get(leader.id)!.clientURLs[0]!;
    await run(`etcdctl --endpoints=${lurl} get greeting`);
    const lr = log.runs()[0]!.path!;
    expect(lr.kind).toBe('linearizable-read');
    expect(lr.steps.map((s) => s.kind)).toEqual(['client', 'heartbeat', 'ack', 'read', 'reply']);
    expect(lr.steps[0]!.at).toBeGreaterThan(0); // etcdctl dials a little after the line starts
    await run('members');
    expect(log.runs()[0]!.path!.kind).toBe('none');
    expect(log.runs().map((r) => r.seq)).toEqual([5, 4, 3, 2, 1]);
  });

  it('ignores blank lines and half-typed quotes', async () => {
    const { log, run } = await setup();
    await run('');
    await run('echo "open');
    expect(log.runs()).toHaveLength(0);
    await run('close"');
    expect(log.runs()).toHaveLength(0); // the continuation line is not tracked as its own command
  });
});
