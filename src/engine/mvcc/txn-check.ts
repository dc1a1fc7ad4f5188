// Request validation as etcd's gRPC KV server does it before proposing
// (etcdserver/api/v3rpc/key.go): empty keys, ignore_* flags, the txn op
// limit, and checkIntervals, which refuses a txn that writes one key twice.
import { toBinary } from './binary.ts';
import {
  ErrGRPCDuplicateKey,
  ErrGRPCEmptyKey,
  ErrGRPCKeyNotFound,
  ErrGRPCLeaseProvided,
  ErrGRPCTooManyOps,
  ErrGRPCValueProvided,
  KvError,
} from './errors.ts';
import { NO_LEASE, checkLeaseId } from './lease-id.ts';
import type { DeleteRangeRequest, PutRequest, RangeRequest, RequestOp, TxnRequest } from './rpc.ts';

export function checkRangeRequest(r: RangeRequest): void {
  if (r.key.length === 0) throw new KvError(ErrGRPCEmptyKey);
}

export function checkDeleteRequest(r: DeleteRangeRequest): void {
  if (r.key.length === 0) throw new KvError(ErrGRPCEmptyKey);
}

export function checkPutRequest(r: PutRequest): void {
  if (r.key.length === 0) throw new KvError(ErrGRPCEmptyKey);
  if (r.ignoreValue && r.value !== undefined && r.value.length !== 0) throw new KvError(ErrGRPCValueProvided);
  if (r.lease !== undefined) checkLeaseId(r.lease);
  if (r.ignoreLease && (r.lease ?? NO_LEASE) !== NO_LEASE) throw new KvError(ErrGRPCLeaseProvided);
}

/**
 * The op limit counts the largest of compare/success/failure; a nested txn
 * gets only what its parent left (maxTxnOps minus the parent's count).
 */
export function checkTxnRequest(r: TxnRequest, maxTxnOps: number): void {
  const compare = r.compare ?? [];
  const success = r.success ?? [];
  const failure = r.failure ?? [];
  const opc = Math.max(compare.length, success.length, failure.length);
  if (opc > maxTxnOps) throw new KvError(ErrGRPCTooManyOps);
  for (const c of compare) {
    if (c.key.length === 0) throw new KvError(ErrGRPCEmptyKey);
    if (c.lease !== undefined) checkLeaseId(c.lease);
  }
  for (const u of success) checkRequestOp(u, maxTxnOps - opc);
  for (const u of failure) checkRequestOp(u, maxTxnOps - opc);
}

function checkRequestOp(u: RequestOp, maxTxnOps: number): void {
  if (u.requestRange) checkRangeRequest(u.requestRange);
  else if (u.requestPut) checkPutRequest(u.requestPut);
  else if (u.requestDeleteRange) checkDeleteRequest(u.requestDeleteRange);
  else if (u.requestTxn) checkTxnRequest(u.requestTxn, maxTxnOps);
  // An op with nothing in it: etcd answers with this (odd but exact) error.
  else throw new KvError(ErrGRPCKeyNotFound);
}

/**
 * A deleted interval in adt's "string affine" terms: [begin, end), where an
 * end of '' is +infinity. A single-key delete is [key, key + "\0").
 */
interface Interval {
  begin: string;
  end: string;
}

/**
 * Whether a deleted interval covers key. Taken literally as etcd does, so a
 * from-key delete (range_end "\0") is an inverted interval that covers
 * nothing: real etcd accepts `del a --from-key` and `put b` in one txn.
 */
function covers(iv: Interval, key: string): boolean {
  return iv.begin <= key && (iv.end === '' || key < iv.end);
}

function anyCovers(dels: Interval[], key: string): boolean {
  for (const iv of dels) if (covers(iv, key)) return true;
  return false;
}

/**
 * etcd's checkIntervals for one branch: a key may be put once, and not both
 * put and deleted, counting nested txns (whose then/else may put the same key,
 * being exclusive). Returns the branch's puts and deletes for the parent.
 */
export function checkIntervals(reqs: readonly RequestOp[]): { puts: Set<string>; dels: Interval[] } {
  const dels: Interval[] = [];
  for (const req of reqs) {
    const d = req.requestDeleteRange;
    if (!d) continue;
    const key = toBinary(d.key);
    const end = d.rangeEnd && d.rangeEnd.length !== 0 ? toBinary(d.rangeEnd) : key + '\0';
    dels.push({ begin: key, end });
  }

  const puts = new Set<string>();
  for (const req of reqs) {
    const t = req.requestTxn;
    if (!t) continue;
    const then = checkIntervals(t.success ?? []);
    const other = checkIntervals(t.failure ?? []);
    for (const k of then.puts) {
      if (puts.has(k) || anyCovers(dels, k)) throw new KvError(ErrGRPCDuplicateKey);
      puts.add(k);
    }
    for (const k of other.puts) {
      // Then and else are exclusive: the same key in both is fine.
      if (puts.has(k) && !then.puts.has(k)) throw new KvError(ErrGRPCDuplicateKey);
      if (anyCovers(dels, k)) throw new KvError(ErrGRPCDuplicateKey);
      puts.add(k);
    }
    dels.push(...then.dels, ...other.dels);
  }

  for (const req of reqs) {
    const p = req.requestPut;
    if (!p) continue;
    const k = toBinary(p.key);
    if (puts.has(k) || anyCovers(dels, k)) throw new KvError(ErrGRPCDuplicateKey);
    puts.add(k);
  }
  return { puts, dels };
}
