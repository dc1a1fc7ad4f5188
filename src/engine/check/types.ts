// Shared types of the linearizability checker: histories, models and results.
// Pure data and interfaces only, so the models, parsers and the search can each
// depend on this file without depending on one another.

/**
 * One client operation of a history: what was asked, what came back, and when.
 * Times are any totally ordered numbers (simulated ms, line numbers, ...).
 * `return` is `Infinity` when the outcome is unknown (timed out, Jepsen `:info`):
 * such an operation may be linearized anywhere after its call, and a model that
 * lets it take effect at the very end thereby also lets it "never happen".
 */
export interface Operation<I, O> {
  /** The client that issued it; only used for display (each client is sequential). */
  clientId: number;
  input: I;
  call: number;
  output: O;
  return: number;
}

/** A sequential specification. States must be treated as immutable values. */
export interface Model<S, I, O> {
  init(): S;
  /**
   * Apply `input` to `state` and say whether `output` is a possible response.
   * Returns [true, next] when it is, [false, anything] when it is not.
   */
  step(state: S, input: I, output: O): readonly [boolean, S];
  /** Value equality of states (for the (linearized set, state) cache). */
  equal(a: S, b: S): boolean;
  /** 32-bit hash consistent with `equal`. */
  hash(state: S): number;
  /**
   * Optional P-compositionality: split a history into independent sub-histories
   * (e.g. one per key). The history is linearizable iff every part is.
   */
  partition?(history: readonly Operation<I, O>[]): Partition[];
  describeOperation?(input: I, output: O): string;
  describeState?(state: S): string;
  /** Why `step` rejects this operation in this state, for witnesses. */
  explain?(state: S, input: I, output: O): string;
}

/**
 * A model whose step may lead to several states (or none: the output is impossible).
 * `determinize` turns it into a Model over sets of states.
 */
export interface NondeterministicModel<S, I, O> {
  init(): S[];
  step(state: S, input: I, output: O): S[];
  equal(a: S, b: S): boolean;
  hash(state: S): number;
  partition?(history: readonly Operation<I, O>[]): Partition[];
  describeOperation?(input: I, output: O): string;
  describeState?(state: S): string;
}

/** One independent sub-history: indices into the full history, plus a label for reports. */
export interface Partition {
  key: string;
  indices: number[];
}

export type Verdict = 'linearizable' | 'not-linearizable' | 'unknown';

export interface CheckOptions {
  /** Give up (verdict 'unknown') after this many search steps in total. */
  maxSteps?: number;
  /** Polled every `pollEvery` steps; return true to give up (e.g. a wall-clock deadline set by the host). */
  shouldStop?: () => boolean;
  pollEvery?: number;
}

/** An operation as shown in a witness. */
export interface WitnessOp {
  /** Index into the history passed to the checker. */
  index: number;
  clientId: number;
  call: number;
  return: number;
  text: string;
}

/** An operation that could come next after the longest linearizable prefix but cannot be linearized there. */
export interface BlockedOp extends WitnessOp {
  /** Why the model rejects it in the state after the prefix (when the model can say). */
  detail?: string;
}

/**
 * Evidence for 'not-linearizable': within one partition, the longest prefix the
 * search could linearize, the state it leads to, and every operation that could
 * come next in real-time order but cannot be linearized there.
 */
export interface Witness {
  partition: string;
  partitionSize: number;
  prefix: WitnessOp[];
  stateAfterPrefix: string;
  blocked: BlockedOp[];
}

export interface CheckResult {
  verdict: Verdict;
  /** Operations checked (after partitioning, all of them). */
  operations: number;
  partitions: number;
  /** Search steps taken in total. */
  steps: number;
  /** Present when the verdict is 'not-linearizable'. */
  witness?: Witness;
  /** Present when the verdict is 'linearizable': one valid order per partition (history indices). */
  linearization?: number[][];
}
