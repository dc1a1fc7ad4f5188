// What a failed apply answers: the text a client sees (etcd 3.4's rpctypes
// wording) and the gRPC code it travels with. The stores throw their own
// error types; toApplyError turns each into this one shape.
import type { GrpcCode } from '../api/service.ts';
import { AuthError } from '../auth/errors.ts';
import { ErrLeaseExist, ErrLeaseNotFound, ErrLeaseTTLTooLarge } from '../lease/errors.ts';
import { ErrGRPCNoSpace, KvError } from '../mvcc/errors.ts';

/** The gRPC status codes apply errors use. */
export type { GrpcCode };

export interface ApplyError {
  /** Exactly what etcd's client prints after "Error: " (rpctypes text). */
  message: string;
  code: GrpcCode;
}

/** etcdserver.ErrNoSpace as clients see it. */
export const ErrNoSpace = ErrGRPCNoSpace;
/** etcdserver.ErrCorrupt (rpctypes ErrGRPCCorrupt). */
export const ErrCorrupt = 'etcdserver: corrupt cluster';

const CODES: Record<string, GrpcCode> = {
  [ErrNoSpace]: 'ResourceExhausted',
  [ErrCorrupt]: 'DataLoss',
  [ErrLeaseNotFound]: 'NotFound',
  [ErrLeaseExist]: 'FailedPrecondition',
  [ErrLeaseTTLTooLarge]: 'OutOfRange',
};

/** An error the server raises itself (quota, corruption, lease results), by its text. */
export function applyError(message: string): ApplyError {
  return { message, code: CODES[message] ?? 'Unknown' };
}

/**
 * A store's refusal as an ApplyError. Anything else is a bug in the engine,
 * so it is rethrown rather than answered (etcd would panic).
 */
export function toApplyError(e: unknown): ApplyError {
  if (e instanceof KvError) return { message: e.rpcMessage, code: e.code };
  if (e instanceof AuthError) return { message: e.message, code: e.code };
  throw e;
}
