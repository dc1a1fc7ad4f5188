// Every lesson, played through the shell on a fresh world: each step's command
// runs (a watch in a second shell), and each check must pass, in order.
import { describe, expect, it } from 'vitest';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { World } from '../../src/terminal/core/world.ts';
import { Shell } from '../../src/terminal/shell/shell.ts';
import { LESSONS } from '../../src/ui/lessons/index.ts';
import { LessonRunner } from '../../src/ui/lessons/runner.ts';
import { ActivityLog } from '../../src/ui/model/activity-log.ts';

const dec = new TextDecoder();

async function play(id: string, seed: number): Promise<string[]> {
  const world = new World(new EtcdCluster({ seed, traceCapacity: 0 }));
  await world.advance(3000);
  const outs = ['', ''];
  const shells = [0, 1].map((i) => new Shell(world, { out: { write: (d) => (outs[i] += typeof d === 'string' ? d : dec.decode(d)) } }));
  const log = new ActivityLog(() => world);
  shells.forEach((s, i) => log.track(i + 1, s));
  const lesson = LESSONS.find((l) => l.id === id)!;
  const runner = new LessonRunner(lesson, () => world, () => log.runs());
  const transcript: string[] = [];
  for (let i = 0; i < lesson.steps.length; i++) {
    expect(runner.current).toBe(i);
    const step = lesson.steps[i]!;
    const cmd = runner.view().steps[i]!.command;
    if (cmd !== undefined) {
      const shell = step.newTab ? shells[1]! : shells[0]!;
      let done = false;
      void shell.run(cmd).then(() => (done = true));
      await world.runUntil(() => done, world.now() + (step.newTab ? 300 : 20_000));
      transcript.push(`$ ${cmd}`);
    } else if (/Ctrl-C/.test(step.text)) {
      shells[1]!.interrupt();
    }
    const deadline = world.now() + 20_000;
    while (!runner.poll() && world.now() < deadline) await world.advance(100);
    expect(runner.current, `step ${i + 1} "${step.title}" did not pass; shell 1:\n${outs[0]}\nshell 2:\n${outs[1]}`).toBe(i + 1);
  }
  expect(runner.finished).toBe(true);
  transcript.push('--- shell 1', outs[0]!, '--- shell 2', outs[1]!);
  return transcript;
}

describe('lessons', () => {
  it('has at least three lessons, each step with text and a check', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(3);
    for (const l of LESSONS) for (const s of l.steps) expect(s.text.length).toBeGreaterThan(20);
  });

  for (const id of ['first-keys', 'failover', 'watch-lease']) {
    for (const seed of [1, 7]) {
      it(`${id} plays through (seed ${seed})`, async () => {
        const t = await play(id, seed);
        if (seed === 1) console.log(t.join('\n'));
      });
    }
  }

  it('a check does not pass before its step happened', async () => {
    const world = new World(new EtcdCluster({ seed: 2, traceCapacity: 0 }));
    await world.advance(3000);
    const runner = new LessonRunner(LESSONS[1]!, () => world, () => []);
    for (let i = 0; i < 10; i++) {
      runner.poll();
      await world.advance(100);
    }
    expect(runner.current).toBe(0);
    runner.skip();
    runner.skip();
    expect(runner.view().steps[2]!.command).toBe(`kill ${world.etcd.cluster.leader()!.name}`);
    runner.poll();
    expect(runner.current).toBe(2);
  });
});
