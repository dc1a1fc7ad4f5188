// Txn as etcd's applier runs it (etcdserver/apply.go Txn): decide every
// branch first against the current store, check the chosen ops (ignore_*
// needs the key, a lease must exist, a range revision must be readable), then
// run them in one write txn, so all writes share one main revision and reads
// see earlier writes of the same txn. A txn of only reads never opens a
// write txn; one that writes nothing does not move the revision.
import { toBinary } from './binary.ts';
import { compareToPath } from './compare.ts';
import { ErrCompacted, ErrFutureRev, ErrKeyNotFound, ErrLeaseNotFound, KvError } from './errors.ts';
import { applyRange } from './kv-range.ts';
import { applyDeleteRange, applyPut } from './kv-write.ts';
import { NO_LEASE } from './lease-id.ts';
import { header, type RequestOp, type ResponseOp, type TxnRequest, type TxnResponse } from './rpc.ts';
import type { ReadView, WriteTxn } from './store-txn.ts';
import type { LeaseHooks } from './types.ts';

export function isTxnReadonly(rt: TxnRequest): boolean {
  for (const ops of [rt.success ?? [], rt.failure ?? []]) {
    for (const op of ops) {
      if (op.requestPut || op.requestDeleteRange) return false;
      if (op.requestTxn && !isTxnReadonly(op.requestTxn)) return false;
    }
  }
  return true;
}

type OpCheck = (rv: ReadView, op: RequestOp) => void;

/** Runs check on every non-txn op of the chosen branches; returns the next path position. */
function checkRequests(rv: ReadView, rt: TxnRequest, path: readonly boolean[], pos: number, check: OpCheck): number {
  const reqs = (path[pos] ? rt.success : rt.failure) ?? [];
  pos++;
  for (const op of reqs) {
    if (op.requestTxn) pos = checkRequests(rv, op.requestTxn, path, pos, check);
    else check(rv, op);
  }
  return pos;
}

function checkPut(lessor: LeaseHooks | undefined): OpCheck {
  return (rv, op) => {
    const p = op.requestPut;
    if (!p) return;
    if ((p.ignoreValue || p.ignoreLease) && rv.range(toBinary(p.key), undefined, {}).records.length === 0) {
      throw new KvError(ErrKeyNotFound);
    }
    const lease = p.lease ?? NO_LEASE;
    if (lease !== NO_LEASE && lessor && !lessor.exists(lease)) throw new KvError(ErrLeaseNotFound);
  };
}

const checkRange: OpCheck = (rv, op) => {
  const r = op.requestRange;
  if (!r) return;
  const rev = r.revision ?? 0;
  if (rev === 0) return;
  if (rev > rv.rev()) throw new KvError(ErrFutureRev);
  if (rev < rv.firstRev()) throw new KvError(ErrCompacted);
};

/** Executes the chosen branch; nested txns' headers stay at revision 0, as etcd leaves them. */
function execTxn(rv: ReadView, wtx: WriteTxn | undefined, rt: TxnRequest, path: readonly boolean[], pos: number): [TxnResponse, number] {
  const succeeded = path[pos]!;
  pos++;
  const reqs = (succeeded ? rt.success : rt.failure) ?? [];
  const responses: ResponseOp[] = [];
  for (const op of reqs) {
    if (op.requestRange) responses.push({ responseRange: applyRange(rv, op.requestRange) });
    else if (op.requestPut) responses.push({ responsePut: applyPut(wtx!, op.requestPut) });
    else if (op.requestDeleteRange) responses.push({ responseDeleteRange: applyDeleteRange(wtx!, op.requestDeleteRange) });
    else if (op.requestTxn) {
      const [resp, next] = execTxn(rv, wtx, op.requestTxn, path, pos);
      responses.push({ responseTxn: resp });
      pos = next;
    }
  }
  return [{ header: header(0), succeeded, responses }, pos];
}

/**
 * Applies a validated txn (see txn-check.ts). read views the store now; wtx
 * is the store's write txn, begun here only if the txn can write.
 */
export function applyTxn(read: ReadView, wtx: WriteTxn, lessor: LeaseHooks | undefined, rt: TxnRequest): TxnResponse {
  const isWrite = !isTxnReadonly(rt);
  const path = compareToPath(read, rt);
  if (isWrite) checkRequests(read, rt, path, 0, checkPut(lessor));
  checkRequests(read, rt, path, 0, checkRange);
  if (!isWrite) {
    const [resp] = execTxn(read, undefined, rt, path, 0);
    resp.header = header(read.rev());
    return resp;
  }
  wtx.begin();
  try {
    const [resp] = execTxn(wtx, wtx, rt, path, 0);
    resp.header = header(wtx.readRev());
    return resp;
  } finally {
    wtx.end();
  }
}
