// A guided lesson as plain data: steps of prose, a command the learner can
// type with one click, and a check that reads engine state (or the commands
// run since the step began) to mark the step done. Functions here only read.
import type { World } from '../../terminal/core/world.ts';

/** A command line that ran in a terminal, with its exit status. */
export interface RanCommand {
  line: string;
  status: number;
}

/** What a step's functions get: the world, the lesson's notes and the commands run since the step began. */
export interface StepContext {
  world: World;
  /** Values a step remembers for later steps (the old leader, the term, a lease ID). */
  memo: Record<string, string | number>;
  ran: readonly RanCommand[];
}

export interface LessonStep {
  title: string;
  /** Plain prose; `backticks` mark code. */
  text: string;
  /** The command to type (a function when it depends on the cluster: the leader's name, a lease ID). */
  command?: string | ((ctx: StepContext) => string);
  /** The command belongs in a new terminal tab (a watch that keeps running). */
  newTab?: boolean;
  /** Runs when the step becomes current: remember what its check compares against. */
  begin?: (ctx: StepContext) => void;
  /** Whether the step has happened. */
  check: (ctx: StepContext) => boolean;
  /** Shown under the step while it waits. */
  hint?: string;
}

export interface Lesson {
  id: string;
  title: string;
  summary: string;
  steps: LessonStep[];
}
