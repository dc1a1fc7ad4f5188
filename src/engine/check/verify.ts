// Independent check of a claimed linearization: replays it through the model and
// checks real-time order. It shares no code with the search, so tests can use it
// to catch a search that answers 'linearizable' wrongly.
import type { Model, Operation } from './types.ts';

/** Returns null when `order` (indices into `history`) is a valid linearization, else why not. */
export function verifyLinearization<S, I, O>(
  model: Model<S, I, O>,
  history: readonly Operation<I, O>[],
  order: readonly number[],
): string | null {
  const seen = new Uint8Array(history.length);
  let state = model.init();
  let latestCall = -Infinity;
  let latestCallIndex = -1;
  for (const i of order) {
    if (!(i >= 0 && i < history.length) || seen[i]) return `bad or repeated index ${i}`;
    seen[i] = 1;
    const op = history[i];
    // Anything placed earlier must not have been called after this op returned.
    if (op.return < latestCall) {
      return `op ${i} returned at ${op.return}, before op ${latestCallIndex} (placed earlier) was called at ${latestCall}`;
    }
    if (op.call > latestCall) {
      latestCall = op.call;
      latestCallIndex = i;
    }
    const [ok, next] = model.step(state, op.input, op.output);
    if (!ok) return `op ${i} is rejected by the model at its position`;
    state = next;
  }
  const missing = history.findIndex((_, i) => !seen[i]);
  return missing >= 0 ? `op ${missing} is missing` : null;
}
