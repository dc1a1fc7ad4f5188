// Follows a learner through one lesson: the current step, its command with
// placeholders filled, and, polled a few times a second, whether the step's
// conditions hold (then the next step begins). A step with a checkpoint asks
// its question first: the simulation pauses until the learner picks an
// answer, which is then revealed, and the step cannot finish unanswered.
import type { World } from '../../terminal/core/world.ts';
import { holds } from './conditions/index.ts';
import { fill, remember } from './remember.ts';
import type { Lesson, Memo, RanCommand, StepContext } from './types.ts';

/** The commands the terminals ran, numbered in order (the page's ActivityLog). */
export type CommandSource = () => readonly { seq: number; line: string; status: number | undefined }[];

/** What stops and restarts simulated time while a question is open. */
export interface SimPause {
  pause(): void;
  resume(): void;
}

/** A lesson's progress as plain JSON (kept across reloads). */
export interface Progress {
  id: string;
  index: number;
  memo: Memo;
  /** The choice picked at each answered checkpoint, by step index. */
  picks: Record<number, number>;
}

export interface CheckpointView {
  question: string;
  choices: string[];
  picked: number | undefined;
  /** Shown once picked. */
  answer: number | undefined;
  explain: string | undefined;
}

export interface StepView {
  title: string;
  text: string;
  command: string | undefined;
  newTab: boolean;
  /** The lesson's shell (1 = the first) where the learner presses Ctrl-C. */
  ctrlC: number | undefined;
  hint: string | undefined;
  notes: string | undefined;
  checkpoint: CheckpointView | undefined;
  done: boolean;
  current: boolean;
}

export interface LessonView {
  id: string;
  title: string;
  index: number;
  finished: boolean;
  steps: StepView[];
}

export class LessonRunner {
  private memo: Memo = {};
  private picks: Record<number, number> = {};
  private index = 0;
  private mark = 0;
  private words: Lesson;
  /** Each past step's command as it read when the step was done (placeholders may change later). */
  private commands: (string | undefined)[];

  constructor(
    lesson: Lesson,
    private readonly world: () => World,
    private readonly source: CommandSource,
    private readonly clock?: SimPause,
    saved?: Progress,
  ) {
    this.words = lesson;
    this.commands = lesson.steps.map(() => undefined);
    if (saved && saved.id === lesson.id && saved.index >= 0 && saved.index <= lesson.steps.length) {
      // The saved memo already holds what the current step remembered when it began.
      this.index = saved.index;
      this.memo = { ...saved.memo };
      this.picks = { ...saved.picks };
      this.enter(false);
    } else {
      this.enter(true);
    }
  }

  get id(): string {
    return this.words.id;
  }

  get lesson(): Lesson {
    return this.words;
  }

  get current(): number {
    return this.index;
  }

  get finished(): boolean {
    return this.index >= this.lesson.steps.length;
  }

  /** The same lesson in another language (same plan, other words). */
  relabel(lesson: Lesson): void {
    if (lesson.id === this.words.id && lesson.steps.length === this.words.steps.length) this.words = lesson;
  }

  progress(): Progress {
    return { id: this.lesson.id, index: this.index, memo: { ...this.memo }, picks: { ...this.picks } };
  }

  /** Whether the current step's question waits for an answer. */
  get asking(): boolean {
    return !this.finished && this.lesson.steps[this.index]!.checkpoint !== undefined && this.picks[this.index] === undefined;
  }

  private ctx(): StepContext {
    const all = this.source();
    const ran: RanCommand[] = all.filter((r) => r.seq > this.mark);
    return { world: this.world(), memo: this.memo, ran, all };
  }

  private enter(fresh: boolean): void {
    this.mark = Math.max(0, ...this.source().map((r) => r.seq));
    const step = this.lesson.steps[this.index];
    if (!step) return;
    if (fresh) {
      try {
        remember(this.world(), step.remember, this.memo);
      } catch (e) {
        console.warn('lesson step could not remember', e);
      }
    }
    if (this.asking) this.clock?.pause();
  }

  /** Step i's command as it reads now (a done step keeps what it read then). */
  commandOf(i: number): string | undefined {
    const c = this.lesson.steps[i]?.command;
    if (c === undefined) return undefined;
    if (i < this.index && this.commands[i] !== undefined) return this.commands[i];
    return fill(c, this.world(), this.memo);
  }

  /** Checks the current step (and the next ones, should they hold at once); true when one got done. */
  poll(): boolean {
    let moved = false;
    while (!this.finished && !this.asking) {
      const step = this.lesson.steps[this.index]!;
      if (!holds(this.ctx(), step.check)) break;
      this.advance();
      moved = true;
    }
    return moved;
  }

  /** The learner's answer to the current step's question: revealed, and time runs again. */
  answer(choice: number): void {
    if (!this.asking) return;
    this.picks[this.index] = choice;
    this.clock?.resume();
  }

  /** Marks the current step done without its check (the learner skips it). */
  skip(): void {
    if (this.finished) return;
    if (this.asking) this.answer(-1);
    this.advance();
  }

  private advance(): void {
    this.commands[this.index] = this.commandOf(this.index);
    this.index++;
    this.enter(true);
  }

  view(): LessonView {
    const w = this.world();
    const f = (s: string | undefined) => (s === undefined ? undefined : fill(s, w, this.memo));
    return {
      id: this.lesson.id,
      title: this.lesson.title,
      index: this.index,
      finished: this.finished,
      steps: this.lesson.steps.map((s, i) => {
        const cp = s.text.checkpoint;
        const picked = this.picks[i];
        return {
          title: s.text.title,
          text: f(s.text.text)!,
          command: this.commandOf(i),
          newTab: s.newTab === true,
          ctrlC: s.ctrlC,
          hint: f(s.text.hint),
          notes: f(s.text.notes),
          checkpoint:
            cp && s.checkpoint
              ? {
                  question: f(cp.question)!,
                  choices: cp.choices.map((c) => f(c)!),
                  picked,
                  answer: picked === undefined ? undefined : s.checkpoint.answer,
                  explain: picked === undefined ? undefined : f(cp.explain),
                }
              : undefined,
          done: i < this.index,
          current: i === this.index,
        };
      }),
    };
  }
}
