// The guided lessons, in the order the panel lists them.
import { failover } from './failover.ts';
import { firstKeys } from './first-keys.ts';
import type { Lesson } from './types.ts';
import { watchLease } from './watch-lease.ts';

export const LESSONS: readonly Lesson[] = [firstKeys, failover, watchLease];
export type { Lesson, LessonStep, RanCommand, StepContext } from './types.ts';
