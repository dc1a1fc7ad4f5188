// The condition vocabulary lesson files may use, by name, and its evaluation.
import type { Condition, StepContext } from '../types.ts';
import { CLUSTER_KINDS } from './cluster.ts';
import { COMMAND_KINDS } from './commands.ts';
import type { ConditionKind } from './kinds.ts';
import { STORE_KINDS } from './store.ts';

export const CONDITIONS: Readonly<Record<string, ConditionKind>> = { ...COMMAND_KINDS, ...STORE_KINDS, ...CLUSTER_KINDS };

/** A condition's kind: the first of its keys that names one. */
export function kindOf(c: Condition): string | undefined {
  return Object.keys(c).find((k) => k in CONDITIONS);
}

/** Why a condition is malformed (unknown kind, or an option its kind does not take), or undefined. */
export function conditionError(c: Condition): string | undefined {
  const kind = kindOf(c);
  if (!kind) return `unknown condition ${JSON.stringify(c)}`;
  const allowed = CONDITIONS[kind]!.options;
  const extra = Object.keys(c).filter((k) => k !== kind && !allowed.includes(k));
  return extra.length ? `condition "${kind}" does not take ${extra.join(', ')}` : undefined;
}

/** Whether every condition holds; a condition that throws (a member gone mid-read) does not. */
export function holds(ctx: StepContext, cs: readonly Condition[]): boolean {
  return cs.every((c) => {
    try {
      const kind = kindOf(c);
      return kind !== undefined && CONDITIONS[kind]!.test(ctx, c);
    } catch {
      return false;
    }
  });
}
