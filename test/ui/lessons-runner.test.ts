// The runner's flow on a real world and shell: a checkpoint pauses time and
// holds its step until answered, then reveals the answer and resumes; the
// progress survives being saved and restored; placeholders and command
// patterns read what the learner typed.
import { describe, expect, it } from 'vitest';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { World } from '../../src/terminal/core/world.ts';
import { Shell } from '../../src/terminal/shell/shell.ts';
import { matches } from '../../src/ui/lessons/conditions/commands.ts';
import { lessons } from '../../src/ui/lessons/index.ts';
import { LessonRunner, type Progress } from '../../src/ui/lessons/runner.ts';
import { ActivityLog } from '../../src/ui/model/activity-log.ts';

async function setup(seed = 3) {
  const world = new World(new EtcdCluster({ seed, traceCapacity: 0 }));
  await world.advance(3000);
  const shell = new Shell(world, { out: { write: () => {} } });
  const log = new ActivityLog(() => world);
  log.track(1, shell);
  const clock = { paused: false, pauses: 0, pause: () => ((clock.paused = true), clock.pauses++), resume: () => (clock.paused = false) };
  const run = async (line: string) => {
    let done = false;
    void shell.run(line).then(() => (done = true));
    await world.runUntil(() => done, world.now() + 20_000);
  };
  const settle = async (r: LessonRunner) => {
    for (let i = 0; i < 50 && !r.poll(); i++) await world.advance(100);
  };
  return { world, log, clock, run, settle };
}

const lesson = (id: string, lang: 'en' | 'zh' = 'en') => lessons(lang).find((l) => l.id === id)!;

describe('lesson runner', () => {
  it('pauses at a checkpoint, holds the step until answered, then reveals and resumes', async () => {
    const { world, log, clock, run, settle } = await setup();
    const r = new LessonRunner(lesson('failover'), () => world, () => log.runs(), clock);
    await run('etcdctl endpoint status --cluster -w table');
    await settle(r);
    expect(r.current).toBe(1);
    const old = world.etcd.cluster.leader()!;
    const term0 = old.rn!.raft.term;
    expect(r.view().steps[1]!.command).toBe(`kill ${old.name}`);
    await run(`kill ${old.name}`);
    r.poll();
    // Step 3 asks which term the new leader will have: time stops.
    expect(r.current).toBe(2);
    expect(r.asking).toBe(true);
    expect(clock.paused).toBe(true);
    const cp = r.view().steps[2]!.checkpoint!;
    expect(cp.question).toContain(`term ${term0}`);
    expect(cp.choices[1]).toContain(String(term0 + 1));
    expect(cp.answer).toBeUndefined();
    expect(cp.explain).toBeUndefined();
    // Even with a new leader elected (time forced on), the step waits for the answer.
    await world.advance(5000);
    expect(world.etcd.cluster.leader()?.name).not.toBe(old.name);
    expect(r.poll()).toBe(false);
    expect(r.current).toBe(2);
    r.answer(0);
    expect(clock.paused).toBe(false);
    const shown = r.view().steps[2]!.checkpoint!;
    expect(shown.picked).toBe(0);
    expect(shown.answer).toBe(1);
    expect(shown.explain).toMatch(/increments its term/);
    expect(r.poll()).toBe(true);
    expect(r.current).toBe(3);
    // The revealed answer stays with the done step.
    expect(r.view().steps[2]!.checkpoint!.picked).toBe(0);
  });

  it('skipping an open question resumes time', async () => {
    const { world, log, clock } = await setup();
    const r = new LessonRunner(lesson('failover'), () => world, () => log.runs(), clock);
    r.skip();
    r.skip();
    expect(clock.paused).toBe(true);
    r.skip();
    expect(clock.paused).toBe(false);
    expect(r.current).toBe(3);
  });

  it('restores saved progress at its step with its memo, and does not remember again', async () => {
    const { world, log, clock, run, settle } = await setup();
    const a = new LessonRunner(lesson('leases'), () => world, () => log.runs(), clock);
    await run('etcdctl lease grant 100');
    await settle(a);
    const lease = a.progress().memo.lease;
    expect(lease).toMatch(/^[0-9a-f]+$/);
    const saved: Progress = JSON.parse(JSON.stringify(a.progress()));
    // As after a reload: a new runner, the same world, the language switched.
    const b = new LessonRunner(lesson('leases', 'zh'), () => world, () => [], clock, saved);
    expect(b.current).toBe(1);
    expect(b.view().steps[1]!.command).toBe(`etcdctl put --lease=${lease} /session/alice online`);
    expect(b.view().steps[1]!.title).toBe('挂上一个键');
    b.relabel(lesson('leases'));
    expect(b.view().steps[1]!.title).toBe('Attach a key');
    // Progress for another lesson, or beyond its end, starts over.
    expect(new LessonRunner(lesson('txn'), () => world, () => [], clock, saved).current).toBe(0);
    expect(new LessonRunner(lesson('leases'), () => world, () => [], clock, { ...saved, index: 99 }).current).toBe(0);
  });

  it('a restored step with an open question pauses again', async () => {
    const { world, clock } = await setup();
    const saved: Progress = { id: 'reads', index: 3, memo: { lone: 'etcd2', loneEp: '127.0.0.1:22379', leaderEp: '127.0.0.1:2379' }, picks: {} };
    const r = new LessonRunner(lesson('reads'), () => world, () => [], clock, saved);
    expect(r.asking).toBe(true);
    expect(clock.paused).toBe(true);
    expect(r.view().steps[3]!.command).toBe('etcdctl --endpoints=127.0.0.1:22379 get /color --consistency=s');
    const answered = new LessonRunner(lesson('reads'), () => world, () => [], { pause: () => expect.fail('paused'), resume: () => {} }, { ...saved, picks: { 3: 1 } });
    expect(answered.asking).toBe(false);
    expect(answered.view().steps[3]!.checkpoint!.answer).toBe(1);
  });

  it('a check does not pass before its step happened', async () => {
    const { world, log, run, settle } = await setup();
    const r = new LessonRunner(lesson('first-keys'), () => world, () => log.runs());
    await settle(r);
    expect(r.current).toBe(0);
    await run('etcdctl put greeting bye');
    await settle(r);
    expect(r.current).toBe(0);
    await run('etcdctl put greeting hello');
    await settle(r);
    // Step 2 wants a get run after step 2 began: the earlier put does not count.
    expect(r.current).toBe(1);
    await run('etcdctl get nothing');
    await settle(r);
    expect(r.current).toBe(1);
    await run('etcdctl get greeting');
    await settle(r);
    expect(r.current).toBe(2);
  });

  it('matches commands by their words, flags in any order', () => {
    expect(matches('etcdctl get /app/ --prefix', 'etcdctl get /app/ --prefix')).toBe(true);
    expect(matches('etcdctl --prefix get /app/', 'etcdctl get /app/ --prefix')).toBe(true);
    expect(matches('etcdctl get /app/db --write-out=json', 'etcdctl get /app/db -w json')).toBe(true);
    expect(matches('etcdctl get /app/db --rev=3', 'etcdctl get /app/db --rev')).toBe(true);
    expect(matches('etcdctl get /app/db', 'etcdctl get /app/db -w json')).toBe(false);
    expect(matches('echo etcdctl get greeting', 'etcdctl get greeting')).toBe(false);
  });
});
