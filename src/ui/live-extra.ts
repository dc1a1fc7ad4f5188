// Snapshots for the views added beside live.ts: one member's watchers, the
// commands the terminals ran (with their request paths) and the lesson in
// progress. Engine objects stay here and in the models; views get copies.
import { activity } from './activity.ts';
import { LESSONS } from './lessons/index.ts';
import type { CommandRun } from './model/activity-log.ts';
import { readWatches, type WatchesData } from './model/watches.ts';
import { world } from './playground.ts';

export interface MemberWatches {
  id: string;
  name: string;
  data: WatchesData;
}

/**
 * The watchers on member `choice`, or with no choice ('': the leader's view
 * elsewhere) those on every running member that has some: a watch lives on
 * the member its client dialed, which often is not the leader.
 */
export function watchFrame(choice: string): MemberWatches[] {
  const c = world.etcd.cluster;
  const ids = choice ? [choice] : world.etcd.ids();
  const running = activity.running();
  const out: MemberWatches[] = [];
  for (const id of ids) {
    const s = world.etcd.server(id);
    if (!s || s.stopped || !c.nodes.get(id)?.isUp()) continue;
    try {
      const data = readWatches(s.sm, running);
      if (choice || data.watchers.length) out.push({ id, name: c.nodes.get(id)?.name ?? id, data });
    } catch (err) {
      console.warn('reading the watchers failed', err);
    }
  }
  return out;
}

let runsVersion = -1;
let runsCache: CommandRun[] = [];

/** The latest commands, newest first, and whether they changed since the last call. */
export function runsFrame(): { changed: boolean; runs: CommandRun[] } {
  if (activity.version === runsVersion) return { changed: false, runs: runsCache };
  runsVersion = activity.version;
  runsCache = activity.runs();
  return { changed: true, runs: runsCache };
}

// The lesson in progress lives in lessons/page.ts (its language, checkpoints and reloads).
export { lessonFrame, skipStep, startLesson } from './lessons/page.ts';

export const lessonList = LESSONS.map((l) => ({ id: l.id, title: l.title, summary: l.summary, steps: l.steps.length }));
