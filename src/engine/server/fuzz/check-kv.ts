// The per-run checks of what the KV clients saw: the whole history of
// linearizable requests against the lease-aware etcd model, and every
// serializable read against the member that served it (its revision never
// goes back for one client on one member, and the value is the one the
// committed history holds at that revision).
import { checkOperations } from '../../check/checker.ts';
import { formatWitness } from '../../check/witness.ts';
import type { EtcdKeyValue, EtcdPut } from '../../check/models/etcd-types.ts';
import type { Operation } from '../../check/types.ts';
import type { ClientHistory } from './history.ts';
import { type FuzzInput, type FuzzOutput, fuzzModel } from './model.ts';
import type { HistoryRecorder, Kv } from './recorder.ts';
import type { FuzzFailure } from './types.ts';

/** Search budget of one history's linearizability check. */
export const LIN_MAX_STEPS = 2_000_000;

export interface LinOutcome {
  verdict: 'linearizable' | 'not-linearizable' | 'unknown';
  steps: number;
  failure?: FuzzFailure;
}

/**
 * Settles what the committed history says about writes whose reply was lost:
 * values are unique, so a put (or a txn's put) whose value the history holds
 * took effect at that revision, and one whose value it never holds had no
 * effect (a txn whose compare failed changes nothing either) and is dropped.
 * The reply stays unknown in time (return +Infinity), so the search still
 * has to place it. Deletes and lease calls stay open. This only spares the
 * search: a wrong settlement can only make the history harder to linearize.
 */
export function settleUnknown(ops: readonly Operation<FuzzInput, FuzzOutput>[], ref: HistoryRecorder): Operation<FuzzInput, FuzzOutput>[] {
  const putAt = new Map<string, number>();
  for (const [rev, evs] of ref.revisions) {
    for (const e of evs) if (e.type === 'PUT' && !putAt.has(e.kv.value)) putAt.set(e.kv.value, rev);
  }
  const out: Operation<FuzzInput, FuzzOutput>[] = [];
  for (const op of ops) {
    const i = op.input;
    if (op.output.type !== 'unknown' || (i.type !== 'put' && i.type !== 'txn')) {
      out.push(op);
      continue;
    }
    const put = i.type === 'put' ? i : i.success.find((o): o is EtcdPut => o.type === 'put');
    const value = put?.value;
    const rev = value === undefined ? undefined : putAt.get(value);
    if (value === undefined) out.push(op);
    else if (rev === undefined) continue;
    else if (i.type === 'put') out.push({ ...op, output: { type: 'put', revision: rev } });
    else out.push({ ...op, output: { type: 'txn', revision: rev, succeeded: true } });
  }
  return out;
}

/** The clients' history, plus operations no client issued (lease expiries), against the model. */
export function checkLinearizable(h: ClientHistory, ref: HistoryRecorder, extra: readonly Operation<FuzzInput, FuzzOutput>[] = [], maxSteps = LIN_MAX_STEPS): LinOutcome {
  const ops = [...settleUnknown(h.ops, ref), ...extra];
  const res = checkOperations(fuzzModel, ops, { maxSteps });
  if (res.verdict !== 'not-linearizable') return { verdict: res.verdict, steps: res.steps };
  const w = res.witness!;
  const short = { ...w, blocked: w.blocked.slice(0, 6) };
  return {
    verdict: res.verdict,
    steps: res.steps,
    failure: { check: 'linearizability', witness: `${ops.length} operations\n${formatWitness(short, 6)}` },
  };
}

function sameKv(a: EtcdKeyValue | undefined, b: Kv | undefined): boolean {
  if (!a || !b) return a === undefined && b === undefined;
  return a.key === b.key && a.value === b.value && a.createRevision === b.createRevision && a.modRevision === b.modRevision && a.version === b.version;
}

function show(kv: EtcdKeyValue | Kv | undefined): string {
  return kv ? `${kv.key}=${JSON.stringify(kv.value)}@c${kv.createRevision}/m${kv.modRevision}/v${kv.version}` : '(none)';
}

export function checkSerializable(h: ClientHistory, ref: HistoryRecorder): FuzzFailure | undefined {
  const last = new Map<string, { revision: number; at: number }>();
  const reads = [...h.serial].sort((a, b) => a.call - b.call);
  const top = ref.lastRevision();
  for (const r of reads) {
    const where = `client ${r.clientId} read ${r.key} from member ${r.member} at ${r.call.toFixed(4)}..${r.return.toFixed(4)} ms`;
    const k = `${r.clientId}/${r.member}`;
    const prev = last.get(k);
    if (prev && r.revision < prev.revision) {
      return { check: 'serializable', witness: `${where}: revision ${r.revision}, but the same member answered this client at revision ${prev.revision} before (at ${prev.at.toFixed(4)} ms)` };
    }
    last.set(k, { revision: r.revision, at: r.return });
    if (r.revision > top) return { check: 'serializable', witness: `${where}: revision ${r.revision} was never committed (last committed ${top})` };
    const want = ref.at(r.key, r.revision);
    if (r.kvs.length > 1 || !sameKv(r.kvs[0], want)) {
      return { check: 'serializable', witness: `${where}: got ${show(r.kvs[0])} at revision ${r.revision}, but the committed history holds ${show(want)} there` };
    }
  }
  return undefined;
}
