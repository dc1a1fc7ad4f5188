// Turns a failed search into something a person can read: the longest prefix
// that could be linearized, the state it leads to, and the operations that could
// have come next in real time but could not be linearized there.
import { buildEntries } from './entries.ts';
import type { BlockedOp, Model, Operation, Witness, WitnessOp } from './types.ts';

function describeOp<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): string {
  return model.describeOperation
    ? model.describeOperation(op.input, op.output)
    : `${JSON.stringify(op.input)} -> ${JSON.stringify(op.output)}`;
}

function witnessOp<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  local: number,
  globalIndex: readonly number[],
): WitnessOp {
  const op = ops[local];
  return {
    index: globalIndex[local],
    clientId: op.clientId,
    call: op.call,
    return: op.return,
    text: describeOp(model, op),
  };
}

/**
 * Build the witness for one failed partition. `ops` is the partition's sub-history,
 * `globalIndex` maps its local indices back to the full history, `longest` and
 * `stateAfter` come from the search.
 */
export function buildWitness<S, I, O>(
  model: Model<S, I, O>,
  partition: string,
  ops: readonly Operation<I, O>[],
  globalIndex: readonly number[],
  longest: readonly number[],
  stateAfter: S,
): Witness {
  const done = new Uint8Array(ops.length);
  for (const i of longest) done[i] = 1;
  const { order, callPos, returnPos } = buildEntries(ops);
  // The first return event of a remaining op bounds which remaining calls could go next.
  let firstReturn = order.length;
  for (let i = 0; i < ops.length; i++) {
    if (!done[i] && returnPos[i] < firstReturn) firstReturn = returnPos[i];
  }
  const blocked: BlockedOp[] = [];
  for (let p = 0; p < firstReturn; p++) {
    const code = order[p];
    if (code & 1) continue;
    const i = code >> 1;
    if (done[i] || callPos[i] !== p) continue;
    // The prefix is the deepest the search got, so a candidate that the model
    // accepted here would have made it longer: each one is rejected by the model.
    const b: BlockedOp = witnessOp(model, ops, i, globalIndex);
    if (model.explain) b.detail = model.explain(stateAfter, ops[i].input, ops[i].output);
    blocked.push(b);
  }
  return {
    partition,
    partitionSize: ops.length,
    prefix: longest.map((i) => witnessOp(model, ops, i, globalIndex)),
    stateAfterPrefix: model.describeState ? model.describeState(stateAfter) : JSON.stringify(stateAfter),
    blocked,
  };
}

function fmtTime(t: number): string {
  return t === Infinity ? '∞' : String(t);
}

function fmtOp(op: WitnessOp): string {
  return `#${op.index} client ${op.clientId} [${fmtTime(op.call)}, ${fmtTime(op.return)}] ${op.text}`;
}

/** Multi-line text; only the last `prefixTail` operations of the prefix are listed. */
export function formatWitness(w: Witness, prefixTail = 5): string {
  const lines: string[] = [];
  const where = w.partition === '' ? '' : ` (partition ${w.partition})`;
  lines.push(
    `longest linearizable prefix${where}: ${w.prefix.length} of ${w.partitionSize} ops`,
  );
  const shown = w.prefix.slice(Math.max(0, w.prefix.length - prefixTail));
  if (shown.length < w.prefix.length) lines.push(`  ... ${w.prefix.length - shown.length} earlier ops`);
  for (const op of shown) lines.push(`  ${fmtOp(op)}`);
  lines.push(`state after prefix: ${w.stateAfterPrefix}`);
  lines.push('cannot be linearized next:');
  for (const b of w.blocked) lines.push(`  ${fmtOp(b)}${b.detail ? ` -- ${b.detail}` : ''}`);
  return lines.join('\n');
}
