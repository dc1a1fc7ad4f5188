// The lesson open on the page: one runner over the page's world and the
// commands its terminals run, following the page's language, pausing the
// page's clock while a checkpoint question is open, saved on every step so
// a reload reopens it, and published (with speaker notes) for presenter mode.
import { activity } from '../activity.ts';
import { getLang, onLang, type Lang } from '../i18n/lang.ts';
import { driver, onWorld, world } from '../playground.ts';
import { lessons } from './catalog.ts';
import { publishLessonStep } from './current.ts';
import { LessonRunner, type LessonView, type SimPause } from './runner.ts';
import { loadProgress, saveProgress } from './saved.ts';
import type { Lesson } from './types.ts';

/** Pauses the page's clock for a question, and resumes it only if the question paused it. */
const questionPause: SimPause = (() => {
  let held = false;
  return {
    pause() {
      if (driver.paused) return;
      driver.paused = true;
      held = true;
    },
    resume() {
      if (held) driver.paused = false;
      held = false;
    },
  };
})();

let lang: Lang = getLang();
let runner: LessonRunner | undefined;
/** What was last saved and published, to do both only on a change. */
let lastKey = '';

const find = (id: string | undefined): Lesson | undefined => lessons(lang).find((l) => l.id === id);
const make = (l: Lesson, saved?: ReturnType<typeof loadProgress>) => new LessonRunner(l, () => world, () => activity.runs(), questionPause, saved);

{
  const saved = loadProgress();
  const l = find(saved?.id);
  if (l) runner = make(l, saved);
}

let firstWorld = true;
onWorld(() => {
  // A new world starts the open lesson over: its memo names members of the old one.
  if (!firstWorld && runner) {
    if (runner.asking) questionPause.resume();
    runner = make(runner.lesson);
  }
  firstWorld = false;
  sync();
});

onLang((l) => {
  lang = l;
  const next = runner && find(runner.id);
  if (next) runner!.relabel(next);
  sync(true);
});

/** Saves the progress and publishes the current step when either changed. */
function sync(force = false): void {
  const p = runner?.progress();
  const key = JSON.stringify([p, lang]);
  if (!force && key === lastKey) return;
  lastKey = key;
  saveProgress(p);
  if (!runner) return publishLessonStep(null);
  const v = runner.view();
  const s = v.steps[v.index];
  publishLessonStep({
    lessonId: v.id,
    lessonTitle: v.title,
    stepIndex: v.index,
    stepCount: v.steps.length,
    title: s?.title ?? v.title,
    notes: s?.notes,
  });
}

/** Opens a lesson from its first step (undefined closes it). */
export function startLesson(id: string | undefined): void {
  if (runner?.asking) questionPause.resume();
  const l = find(id);
  runner = l ? make(l) : undefined;
  sync();
}

/** Checks the current step; the lesson as plain data (undefined when none is open). */
export function lessonFrame(): LessonView | undefined {
  if (!runner) return undefined;
  runner.poll();
  sync();
  return runner.view();
}

export function skipStep(): void {
  runner?.skip();
  sync();
}

export function answerCheckpoint(choice: number): void {
  runner?.answer(choice);
  sync();
}

/** The lessons to pick from, in the page's language. */
export function lessonList(): { id: string; title: string; summary: string; steps: number }[] {
  return lessons(lang).map((l) => ({ id: l.id, title: l.title, summary: l.summary, steps: l.steps.length }));
}
