// The call/return events of a history in real-time order: the skeleton that
// both the search (as a linked list) and the witness (to find which operations
// could come next) walk over.
import type { Operation } from './types.ts';

export interface Entries {
  /** Event codes in time order: op * 2 for a call, op * 2 + 1 for a return. */
  order: Int32Array;
  /** Position in `order` of each op's call and return event. */
  callPos: Int32Array;
  returnPos: Int32Array;
}

/**
 * Sort events by time. On equal times calls go first, so operations that touch
 * at an instant count as concurrent (the permissive reading); ties between
 * events of one kind keep history order so results are deterministic.
 */
export function buildEntries<I, O>(ops: readonly Operation<I, O>[]): Entries {
  const n = ops.length;
  const codes: number[] = new Array<number>(2 * n);
  for (let i = 0; i < n; i++) {
    const op = ops[i];
    if (!(op.return >= op.call)) {
      throw new Error(`operation ${i} returns (${op.return}) before its call (${op.call})`);
    }
    codes[2 * i] = 2 * i;
    codes[2 * i + 1] = 2 * i + 1;
  }
  const timeOf = (code: number): number => {
    const op = ops[code >> 1];
    return code & 1 ? op.return : op.call;
  };
  codes.sort((a, b) => {
    const ta = timeOf(a);
    const tb = timeOf(b);
    if (ta < tb) return -1;
    if (ta > tb) return 1;
    const ka = a & 1;
    const kb = b & 1;
    if (ka !== kb) return ka - kb;
    return a - b;
  });
  const order = Int32Array.from(codes);
  const callPos = new Int32Array(n);
  const returnPos = new Int32Array(n);
  for (let p = 0; p < order.length; p++) {
    const code = order[p];
    if (code & 1) returnPos[code >> 1] = p;
    else callPos[code >> 1] = p;
  }
  return { order, callPos, returnPos };
}
