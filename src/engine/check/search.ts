// The Wing–Gong / Lowe search over one (sub-)history, as in Porcupine:
// walk a doubly linked list of call/return events; at a call, try to linearize
// that operation now (model step accepts its output) and remove ("lift") its
// call and return from the list; on reaching a return whose operation is not yet
// linearized, this branch is dead, so undo the last choice and try the next
// candidate. A cache of (linearized set, state) pairs already explored prunes
// revisits, which is what makes the exponential search practical.
import { buildEntries } from './entries.ts';
import { mix32 } from './hash.ts';
import type { Model, Operation } from './types.ts';

/** Where a search stands after `run` returns. */
export type SearchStatus = 'ok' | 'fail' | 'paused';

/**
 * A resumable search, so several partitions can be interleaved in slices (as
 * Porcupine checks them in parallel): a non-linearizable partition that fails
 * fast is then found even when another partition would take very long.
 */
export interface Search<S> {
  /** Search for at most `maxSteps` more steps. */
  run(maxSteps: number): SearchStatus;
  /** Steps taken so far. */
  readonly steps: number;
  /** After 'ok': local op indices in a valid linearization order. */
  order(): number[];
  /** The longest linearizable prefix seen so far (local op indices), and the state after it. */
  longest(): { order: number[]; stateAfter: S };
}

interface CacheEntry<S> {
  bits: Uint32Array;
  state: S;
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function createSearch<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): Search<S> {
  const n = ops.length;
  const { order } = buildEntries(ops);

  // Linked list over event positions 0..2n-1; HEAD = 2n is a sentinel; NIL = -1.
  const HEAD = 2 * n;
  const NIL = -1;
  const next = new Int32Array(2 * n + 1);
  const prev = new Int32Array(2 * n + 1);
  const opAt = new Int32Array(2 * n);
  const isReturn = new Uint8Array(2 * n);
  const returnNodeOf = new Int32Array(n);
  for (let p = 0; p < 2 * n; p++) {
    const code = order[p];
    opAt[p] = code >> 1;
    isReturn[p] = code & 1;
    if (code & 1) returnNodeOf[code >> 1] = p;
    next[p] = p + 1 < 2 * n ? p + 1 : NIL;
    prev[p] = p === 0 ? HEAD : p - 1;
  }
  next[HEAD] = n > 0 ? 0 : NIL;
  prev[HEAD] = NIL;

  // Remove an op's call node and its return node from the list (and put them back).
  const lift = (callNode: number): void => {
    next[prev[callNode]] = next[callNode];
    prev[next[callNode]] = prev[callNode]; // a call is always followed by at least its return
    const r = returnNodeOf[opAt[callNode]];
    next[prev[r]] = next[r];
    if (next[r] !== NIL) prev[next[r]] = prev[r];
  };
  const unlift = (callNode: number): void => {
    const r = returnNodeOf[opAt[callNode]];
    next[prev[r]] = r;
    if (next[r] !== NIL) prev[next[r]] = r;
    next[prev[callNode]] = callNode;
    prev[next[callNode]] = callNode;
  };

  // The linearized set as a bitset plus an incrementally maintained hash of it.
  const bits = new Uint32Array((n + 31) >>> 5);
  const opMix = new Int32Array(n);
  for (let i = 0; i < n; i++) opMix[i] = mix32(i + 0x51ed27);
  let bitsHash = 0;
  const cache = new Map<number, CacheEntry<S>[]>();

  // Undo stack: the call node chosen at each depth and the state before it.
  const stackNode = new Int32Array(n);
  const stackState: S[] = new Array<S>(n);
  let depth = 0;

  let state = model.init();
  let bestLen = 0;
  let bestOrder: number[] = [];
  let bestState = state;

  let node = next[HEAD];
  let steps = 0;
  let status: SearchStatus = n === 0 ? 'ok' : 'paused';

  const run = (maxSteps: number): SearchStatus => {
    if (status !== 'paused') return status;
    const stop = steps + maxSteps;
    while (next[HEAD] !== NIL) {
      if (steps >= stop) return 'paused';
      steps++;
      if (!isReturn[node]) {
        const op = opAt[node];
        const o = ops[op];
        const [ok, nextState] = model.step(state, o.input, o.output);
        if (ok) {
          const w = op >>> 5;
          const m = 1 << (op & 31);
          bits[w] |= m;
          const h = bitsHash ^ opMix[op];
          const key = (h + Math.imul(model.hash(nextState), 0x9e3779b1)) | 0;
          let bucket = cache.get(key);
          let seen = false;
          if (bucket) {
            for (const e of bucket) {
              if (sameBits(e.bits, bits) && model.equal(e.state, nextState)) {
                seen = true;
                break;
              }
            }
          } else {
            bucket = [];
            cache.set(key, bucket);
          }
          if (!seen) {
            bucket.push({ bits: bits.slice(), state: nextState });
            stackNode[depth] = node;
            stackState[depth] = state;
            depth++;
            state = nextState;
            bitsHash = h;
            lift(node);
            if (depth > bestLen) {
              bestLen = depth;
              bestOrder = Array.from(stackNode.subarray(0, depth), (p) => opAt[p]);
              bestState = state;
            }
            node = next[HEAD];
            continue;
          }
          bits[w] &= ~m;
        }
        node = next[node];
      } else {
        // An unlinearized op has returned: every op must be placed before its return.
        if (depth === 0) {
          status = 'fail';
          cache.clear(); // the verdict is final; free the memory early
          return status;
        }
        depth--;
        node = stackNode[depth];
        state = stackState[depth];
        const op = opAt[node];
        bits[op >>> 5] &= ~(1 << (op & 31));
        bitsHash ^= opMix[op];
        unlift(node);
        node = next[node];
      }
    }
    status = 'ok';
    cache.clear();
    return status;
  };

  return {
    run,
    get steps() {
      return steps;
    },
    order: () => Array.from(stackNode.subarray(0, depth), (p) => opAt[p]),
    longest: () => ({ order: bestOrder, stateAfter: bestState }),
  };
}
