// Entry point: split the history (P-compositionality), search each part with a
// shared step budget, and assemble the verdict, witness or linearization.
import { hashNumber, mix32 } from './hash.ts';
import { createSearch } from './search.ts';
import type {
  CheckOptions,
  CheckResult,
  Model,
  NondeterministicModel,
  Operation,
  Partition,
} from './types.ts';
import { buildWitness } from './witness.ts';

/** Steps a partition may run before the next one gets its turn. */
const SLICE = 2048;

export function checkOperations<S, I, O>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  options: CheckOptions = {},
): CheckResult {
  const partitions: Partition[] = model.partition
    ? model.partition(history)
    : [{ key: '', indices: history.map((_, i) => i) }];
  const maxSteps = options.maxSteps ?? Infinity;
  const pollEvery = Math.max(1, options.pollEvery ?? 4096);
  const slice = options.shouldStop ? Math.min(SLICE, pollEvery) : SLICE;
  const base = { operations: history.length, partitions: partitions.length };

  const parts = partitions.map((part) => {
    const ops = part.indices.map((i) => history[i]);
    return { part, ops, search: createSearch(model, ops) };
  });
  const linearization: (number[] | undefined)[] = new Array(parts.length);
  let active = parts.map((_, i) => i);
  let steps = 0;
  let sincePoll = 0;
  // Round-robin over unfinished partitions, like Porcupine's parallel checks
  // but deterministic: the first partition to fail decides the verdict.
  while (active.length > 0) {
    const stillActive: number[] = [];
    for (const i of active) {
      const { part, ops, search } = parts[i];
      const before = search.steps;
      const status = search.run(Math.min(slice, maxSteps - steps));
      steps += search.steps - before;
      sincePoll += search.steps - before;
      if (status === 'ok') {
        linearization[i] = search.order().map((j) => part.indices[j]);
      } else if (status === 'fail') {
        const { order, stateAfter } = search.longest();
        const witness = buildWitness(model, part.key, ops, part.indices, order, stateAfter);
        return { verdict: 'not-linearizable', ...base, steps, witness };
      } else {
        stillActive.push(i);
        if (steps >= maxSteps) return { verdict: 'unknown', ...base, steps };
      }
      if (options.shouldStop && sincePoll >= pollEvery) {
        sincePoll = 0;
        if (options.shouldStop()) return { verdict: 'unknown', ...base, steps };
      }
    }
    active = stillActive;
  }
  return { verdict: 'linearizable', ...base, steps, linearization: linearization as number[][] };
}

/** Partition helper for models whose operations each touch one key. */
export function partitionByKey<I, O>(
  keyOf: (input: I) => string,
): (history: readonly Operation<I, O>[]) => Partition[] {
  return (history) => {
    const byKey = new Map<string, number[]>();
    history.forEach((op, i) => {
      const k = keyOf(op.input);
      let list = byKey.get(k);
      if (!list) byKey.set(k, (list = []));
      list.push(i);
    });
    return [...byKey].map(([key, indices]) => ({ key, indices }));
  };
}

/**
 * Turn a nondeterministic model into a deterministic one over sets of states
 * (the power-set construction): a step keeps every successor of every member,
 * and is rejected only when no member has one.
 */
export function determinize<S, I, O>(nd: NondeterministicModel<S, I, O>): Model<S[], I, O> {
  const dedupe = (states: S[]): S[] => {
    const out: S[] = [];
    const seen = new Map<number, S[]>();
    for (const s of states) {
      const h = nd.hash(s);
      const bucket = seen.get(h);
      if (bucket?.some((t) => nd.equal(s, t))) continue;
      if (bucket) bucket.push(s);
      else seen.set(h, [s]);
      out.push(s);
    }
    return out;
  };
  const model: Model<S[], I, O> = {
    init: () => dedupe(nd.init()),
    step: (states, input, output) => {
      const succ: S[] = [];
      for (const s of states) for (const t of nd.step(s, input, output)) succ.push(t);
      const next = dedupe(succ);
      return [next.length > 0, next];
    },
    equal: (a, b) => a.length === b.length && a.every((s) => b.some((t) => nd.equal(s, t))),
    // Sum of mixed member hashes: independent of order, and sets are deduplicated.
    hash: (states) => {
      let h = hashNumber(states.length);
      for (const s of states) h = (h + mix32(nd.hash(s))) | 0;
      return h;
    },
  };
  if (nd.partition) model.partition = (h) => nd.partition!(h);
  if (nd.describeOperation) model.describeOperation = (i, o) => nd.describeOperation!(i, o);
  const describeState = nd.describeState;
  model.describeState = (states) =>
    `{${states.map((s) => (describeState ? describeState(s) : JSON.stringify(s))).join(' | ')}}`;
  return model;
}
