// Txn guards (etcdserver/apply.go applyCompare / compareKV). A compare over a
// range must hold for every key in it. When no key matches, it is judged
// against an empty KeyValue (version and revisions 0, no lease), except a VALUE
// compare, which then always fails: gRPC cannot tell a missing value from an
// empty one. All compares of a txn, nested ones included, read the store as
// it was before the txn (compareToPath runs before any write).
import { compareBytes, rangeEndOf, toBinary } from './binary.ts';
import { compareLeaseIds } from '../lease/id.ts';
import { EMPTY_VALUE, KvRecord } from './backend.ts';
import { NO_LEASE } from './lease-id.ts';
import type { Compare, TxnRequest } from './rpc.ts';
import type { ReadView } from './store-txn.ts';

const MISSING = new KvRecord('', EMPTY_VALUE, 0, 0, 0, NO_LEASE, false);

function sign(d: number): number {
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

function compareKV(c: Compare, r: KvRecord, value: Uint8Array): boolean {
  let result: number;
  switch (c.target ?? 'VERSION') {
    case 'VALUE':
      result = compareBytes(r.value, value);
      break;
    case 'CREATE':
      result = sign(r.createRevision - (c.createRevision ?? 0));
      break;
    case 'MOD':
      result = sign(r.modRevision - (c.modRevision ?? 0));
      break;
    case 'VERSION':
      result = sign(r.version - (c.version ?? 0));
      break;
    case 'LEASE': {
      // Signed int64 order, as etcd compares: 'fffffffffffffffb' (-5) < '5'.
      const want = c.lease ?? NO_LEASE;
      result = r.lease === want ? 0 : compareLeaseIds(r.lease, want);
      break;
    }
  }
  switch (c.result ?? 'EQUAL') {
    case 'EQUAL':
      return result === 0;
    case 'NOT_EQUAL':
      return result !== 0;
    case 'GREATER':
      return result > 0;
    case 'LESS':
      return result < 0;
  }
}

export function applyCompare(rv: ReadView, c: Compare): boolean {
  let records: KvRecord[];
  try {
    records = rv.range(toBinary(c.key), rangeEndOf(c.rangeEnd), {}).records;
  } catch {
    return false;
  }
  const value = c.value ?? EMPTY_VALUE;
  if (records.length === 0) {
    return (c.target ?? 'VERSION') === 'VALUE' ? false : compareKV(c, MISSING, value);
  }
  for (const r of records) if (!compareKV(c, r, value)) return false;
  return true;
}

export function applyCompares(rv: ReadView, cmps: readonly Compare[]): boolean {
  for (const c of cmps) if (!applyCompare(rv, c)) return false;
  return true;
}

/**
 * Which branch each txn takes, in depth-first order over the chosen branches
 * (etcd's txnPath): the first entry is this txn, then its nested txns.
 */
export function compareToPath(rv: ReadView, rt: TxnRequest): boolean[] {
  const path: boolean[] = [];
  walk(rv, rt, path);
  return path;
}

function walk(rv: ReadView, rt: TxnRequest, path: boolean[]): void {
  const ok = applyCompares(rv, rt.compare ?? []);
  path.push(ok);
  for (const op of (ok ? rt.success : rt.failure) ?? []) {
    if (op.requestTxn) walk(rv, op.requestTxn, path);
  }
}
