// Plays a lesson through real shells on a fresh world, as a learner would:
// each step's command typed line by line (a new tab's in a new shell),
// Ctrl-C where the step asks for it, a checkpoint answered right after its
// command was typed, and time advanced only while no question is open.
import { expect } from 'vitest';
import { EtcdCluster } from '../../src/engine/server/etcd-cluster.ts';
import { World } from '../../src/terminal/core/world.ts';
import { Shell } from '../../src/terminal/shell/shell.ts';
import type { Lesson } from '../../src/ui/lessons/index.ts';
import { LessonRunner } from '../../src/ui/lessons/runner.ts';
import { ActivityLog } from '../../src/ui/model/activity-log.ts';

const dec = new TextDecoder();

export async function play(lesson: Lesson, seed: number): Promise<{ out: string; runner: LessonRunner; world: World }> {
  const world = new World(new EtcdCluster({ seed, traceCapacity: 0 }));
  await world.advance(3000);
  const outs: string[] = [];
  const shells: Shell[] = [];
  const log = new ActivityLog(() => world);
  const open = () => {
    const i = shells.length;
    outs.push('');
    const s = new Shell(world, { out: { write: (d) => (outs[i] += typeof d === 'string' ? d : dec.decode(d)) } });
    shells.push(s);
    log.track(i + 1, s);
    return s;
  };
  open();
  let paused = false;
  const runner = new LessonRunner(lesson, () => world, () => log.runs(), { pause: () => (paused = true), resume: () => (paused = false) });
  const dump = () => outs.map((o, i) => `--- shell ${i + 1}\n${o}`).join('\n');
  for (let i = 0; i < lesson.steps.length; i++) {
    expect(runner.current).toBe(i);
    const step = lesson.steps[i]!;
    expect(paused).toBe(step.checkpoint !== undefined);
    const cmd = runner.view().steps[i]!.command;
    let done = true;
    if (cmd !== undefined) {
      const shell = step.newTab ? open() : shells[0]!;
      done = false;
      void (async () => {
        for (const line of cmd.split('\n')) await shell.run(line);
        done = true;
      })();
      // While the question is open, time stands still: the command waits for it.
      await world.settle();
    } else if (step.ctrlC !== undefined) {
      shells[step.ctrlC - 1]!.interrupt();
    }
    if (step.checkpoint) {
      expect(runner.poll()).toBe(false);
      runner.answer(step.checkpoint.answer);
      expect(paused).toBe(false);
    }
    await world.runUntil(() => done, world.now() + (step.newTab ? 300 : 20_000));
    const deadline = world.now() + 30_000;
    while (!runner.poll() && world.now() < deadline) await world.advance(100);
    expect(runner.current, `${lesson.id} step ${i + 1} "${step.text.title}" did not pass:\n${dump()}`).toBe(i + 1);
  }
  expect(runner.finished).toBe(true);
  for (const s of shells) s.interrupt();
  return { out: dump(), runner, world };
}
