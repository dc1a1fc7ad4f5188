// What the fuzz's clients saw: the operation history for the linearizability
// check, serializable reads for the per-member check, compactions, and the
// conversions from client responses to the model's shapes. Times are virtual
// milliseconds, nudged so that no two events share one: real-time order
// between clients is exact.
import type { RequestError } from '../../api/service.ts';
import type { ResponseOp, TxnResponse } from '../../mvcc/rpc.ts';
import type { KeyValue } from '../../mvcc/types.ts';
import { ErrLeaseNotFound } from '../../lease/errors.ts';
import { fromUtf8 } from '../../util/bytes.ts';
import type { EtcdKeyValue, EtcdOpResponse } from '../../check/models/etcd-types.ts';
import type { Operation } from '../../check/types.ts';
import type { FuzzInput, FuzzOutput } from './model.ts';

/** The gap between two stamps taken at the same virtual time. */
const STAMP_EPSILON = 1e-6;

export class Stamper {
  private last = -Infinity;

  constructor(private readonly now: () => number) {}

  /**
   * A strictly increasing time: now, or just after the previous stamp when
   * that is not earlier. The sim runs one event at a time, so the order of
   * stamps is exactly the order in which the events happened.
   */
  stamp(): number {
    this.last = Math.max(this.now(), this.last + STAMP_EPSILON);
    return this.last;
  }
}

/** A serializable get, served by one member's local store. */
export interface SerialRead {
  clientId: number;
  member: string;
  key: string;
  revision: number;
  kvs: EtcdKeyValue[];
  call: number;
  return: number;
}

export interface Compaction {
  revision: number;
  /** Virtual time it was asked for. */
  at: number;
  /** 'ok', 'failed' (definite) or 'unknown'. */
  outcome: 'ok' | 'failed' | 'unknown';
}

export class ClientHistory {
  readonly ops: Operation<FuzzInput, FuzzOutput>[] = [];
  readonly serial: SerialRead[] = [];
  readonly compactions: Compaction[] = [];
  unknown = 0;

  add(op: Operation<FuzzInput, FuzzOutput>): void {
    if (op.output.type === 'unknown') this.unknown++;
    this.ops.push(op);
  }
}

/**
 * What an error says about a write: errors of the request path (Unavailable,
 * DeadlineExceeded, raft's Unknown) leave its fate open; errors the applier
 * returned mean it was not applied.
 */
export function errorOutput(err: RequestError): FuzzOutput {
  if (err.message === ErrLeaseNotFound) return { type: 'failed', leaseNotFound: true };
  if (err.code === 'Unavailable' || err.code === 'DeadlineExceeded' || err.code === 'Unknown') return { type: 'unknown' };
  return { type: 'failed' };
}

export function toEtcdKv(kv: KeyValue): EtcdKeyValue {
  return {
    key: fromUtf8(kv.key),
    value: fromUtf8(kv.value),
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
  };
}

function opResponse(r: ResponseOp): EtcdOpResponse {
  if (r.responseRange) return { type: 'get', kvs: r.responseRange.kvs.map(toEtcdKv) };
  if (r.responseDeleteRange) return { type: 'delete', deleted: r.responseDeleteRange.deleted };
  return { type: 'put' };
}

export function txnOutput(resp: TxnResponse): FuzzOutput {
  return { type: 'txn', revision: resp.header.revision, succeeded: resp.succeeded, responses: resp.responses.map(opResponse) };
}
