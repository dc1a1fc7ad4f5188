// Follows a learner through one lesson: the current step, what each step's
// command reads now, and, polled a few times a second, whether the current
// step's check passes (then the next step begins). Plain snapshots out.
import type { World } from '../../terminal/core/world.ts';
import type { Lesson, RanCommand, StepContext } from './types.ts';

/** The commands the terminals ran, numbered in order (the page's ActivityLog). */
export type CommandSource = () => readonly { seq: number; line: string; status: number | undefined }[];

export interface StepView {
  title: string;
  text: string;
  command: string | undefined;
  newTab: boolean;
  hint: string | undefined;
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
  private readonly memo: StepContext['memo'] = {};
  private index = 0;
  private mark = 0;
  private commands: (string | undefined)[];

  constructor(
    readonly lesson: Lesson,
    private readonly world: () => World,
    private readonly source: CommandSource,
  ) {
    this.commands = lesson.steps.map(() => undefined);
    this.enter();
  }

  get current(): number {
    return this.index;
  }

  get finished(): boolean {
    return this.index >= this.lesson.steps.length;
  }

  private ctx(): StepContext {
    const ran: RanCommand[] = [];
    for (const r of this.source()) if (r.seq > this.mark && r.status !== undefined) ran.push({ line: r.line, status: r.status });
    return { world: this.world(), memo: this.memo, ran };
  }

  private enter(): void {
    this.mark = Math.max(0, ...this.source().map((r) => r.seq));
    const step = this.lesson.steps[this.index];
    if (!step) return;
    try {
      step.begin?.(this.ctx());
    } catch (e) {
      console.warn('lesson step begin failed', e);
    }
  }

  /** The command the current step offers, as it reads now. */
  commandOf(i: number): string | undefined {
    const c = this.lesson.steps[i]?.command;
    if (c === undefined || typeof c === 'string') return c;
    if (i !== this.index) return this.commands[i];
    try {
      return (this.commands[i] = c(this.ctx()));
    } catch {
      return undefined;
    }
  }

  /** Checks the current step (and the next ones, should they pass at once); true when one got done. */
  poll(): boolean {
    let moved = false;
    while (!this.finished) {
      const step = this.lesson.steps[this.index]!;
      this.commandOf(this.index);
      let ok = false;
      try {
        ok = step.check(this.ctx());
      } catch {
        ok = false;
      }
      if (!ok) break;
      this.index++;
      moved = true;
      this.enter();
    }
    return moved;
  }

  /** Marks the current step done without its check (the learner skips it). */
  skip(): void {
    if (this.finished) return;
    this.commandOf(this.index);
    this.index++;
    this.enter();
  }

  view(): LessonView {
    return {
      id: this.lesson.id,
      title: this.lesson.title,
      index: this.index,
      finished: this.finished,
      steps: this.lesson.steps.map((s, i) => ({
        title: s.title,
        text: s.text,
        command: this.commandOf(i),
        newTab: s.newTab === true,
        hint: s.hint,
        done: i < this.index,
        current: i === this.index,
      })),
    };
  }
}
