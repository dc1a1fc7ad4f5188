// A guided lesson is data: a language-neutral plan (commands, the named
// conditions that mark each step done, the values to remember) in
// data/<id>.json, and its words in data/<id>.<lang>.json. Translating or
// adding a lesson touches JSON only; the condition vocabulary lives in
// conditions/ and the remembered values in remember.ts.
import type { World } from '../../terminal/core/world.ts';

/** A command line that ran (or still runs) in a terminal; status is undefined while it runs. */
export interface RanCommand {
  line: string;
  status: number | undefined;
}

/** Values a lesson keeps between steps (the old leader, the term, a lease ID); JSON-safe. */
export type Memo = Record<string, string | number>;

/** What conditions and placeholders read: the world, the memo and the commands run. */
export interface StepContext {
  world: World;
  memo: Memo;
  /** Commands started since the step began. */
  ran: readonly RanCommand[];
  /** Every command run in this world, the step's included. */
  all: readonly RanCommand[];
}

/** One named condition: the kind is its first key (e.g. {"key": "foo", "value": "bar"}); the other keys qualify it. */
export type Condition = Record<string, string | number | boolean>;

/** A predict-then-reveal question; its words are in the language file. */
export interface CheckpointPlan {
  /** Index of the right choice. */
  answer: number;
  choices: number;
}

/** The language-neutral plan of one step. */
export interface StepPlan {
  /** A command line; {name} is filled from the memo or a live value (see placeholders.ts); \n separates lines of a here-document. */
  command?: string;
  /** The command belongs in a new terminal tab (a watch or a lock that keeps running). */
  newTab?: boolean;
  /** The learner presses Ctrl-C in the lesson's shell with this number (1 = the first). */
  ctrlC?: number;
  /** Values stored when the step begins: memo name -> source (remember.ts). */
  remember?: Record<string, string>;
  /** Every condition must hold for the step to be done. */
  check: Condition[];
  checkpoint?: CheckpointPlan;
}

export interface LessonPlan {
  id: string;
  steps: StepPlan[];
}

export interface StepText {
  title: string;
  /** Plain prose; `backticks` mark code; {name} placeholders as in commands. */
  text: string;
  hint?: string;
  /** For a teacher presenting the step (presenter mode). */
  notes?: string;
  checkpoint?: { question: string; choices: string[]; explain: string };
}

export interface LessonText {
  title: string;
  summary: string;
  steps: StepText[];
}

/** A plan with its words in one language. */
export interface Lesson {
  id: string;
  title: string;
  summary: string;
  steps: (StepPlan & { text: StepText })[];
}
