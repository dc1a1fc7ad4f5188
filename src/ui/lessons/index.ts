// The guided lessons, in the order the panel lists them (English words; see
// catalog.ts for other languages).
import { lessons } from './catalog.ts';
import type { Lesson } from './types.ts';

export const LESSONS: readonly Lesson[] = lessons('en');
export { lessons } from './catalog.ts';
export type { Lesson, LessonPlan, LessonText, RanCommand, StepContext } from './types.ts';
