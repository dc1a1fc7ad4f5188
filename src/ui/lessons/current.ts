// The lesson step on screen, published for views other than the lesson panel
// (presenter mode shows its speaker notes). Plain data only.
export interface CurrentStep {
  lessonId: string;
  lessonTitle: string;
  /** 0-based; equal to stepCount once the lesson is finished. */
  stepIndex: number;
  stepCount: number;
  title: string;
  /** Speaker notes for a teacher presenting this step. */
  notes: string | undefined;
}

let current: CurrentStep | null = null;
const listeners = new Set<(s: CurrentStep | null) => void>();

export function publishLessonStep(s: CurrentStep | null): void {
  current = s;
  for (const fn of listeners) fn(s);
}

/** Calls fn now and on every change; returns the unsubscribe. */
export function subscribeLessonStep(fn: (s: CurrentStep | null) => void): () => void {
  listeners.add(fn);
  fn(current);
  return () => listeners.delete(fn);
}
