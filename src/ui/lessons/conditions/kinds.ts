// The shape every condition kind shares: the options it accepts besides its
// kind (for validating lesson files) and its test against the world.
import type { Condition, StepContext } from '../types.ts';

export interface ConditionKind {
  /** Option keys allowed beside the kind's own key. */
  options: readonly string[];
  test(ctx: StepContext, c: Condition): boolean;
}

/** A memo entry, else the literal (a condition may name a member directly). */
export const memoOr = (ctx: StepContext, v: string | number | boolean | undefined): string => String(ctx.memo[String(v)] ?? v);
