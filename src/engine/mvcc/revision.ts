// A revision (main, sub) packed into one number, so the index can keep plain
// number arrays and the backend can key its B-tree by number: main * SUB_SPAN
// + sub orders exactly like (main, sub). 2^21 subs per txn and mains up to
// 2^32 stay inside 2^53, far beyond any simulated run.
import type { Revision } from './types.ts';

export const SUB_SPAN = 2 ** 21;

export function packRev(main: number, sub: number): number {
  if (sub >= SUB_SPAN) throw new RangeError(`mvcc: ${sub} writes in one txn exceed ${SUB_SPAN}`);
  return main * SUB_SPAN + sub;
}

export function mainOf(rev: number): number {
  return Math.floor(rev / SUB_SPAN);
}

export function subOf(rev: number): number {
  return rev % SUB_SPAN;
}

export function toRevision(rev: number): Revision {
  return { main: mainOf(rev), sub: subOf(rev) };
}

/** The first packed revision of a main revision: (main, 0). */
export function firstOfMain(main: number): number {
  return main * SUB_SPAN;
}
