// The request path's own errors (etcdserver/errors.go, 3.4) in the words
// clients see (api/v3rpc/rpctypes) and the gRPC codes they travel with.
// Errors from applying a request keep their own code (errors.ts).
import { ErrNoLeader, ErrStopped } from '../cluster/errors.ts';
import type { ApplyError, GrpcCode } from './errors.ts';

/** A request path failure: an apply error, or one of the server's own. */
export interface RequestError {
  message: string;
  code: GrpcCode | 'Unavailable' | 'DeadlineExceeded';
}

export { ErrNoLeader, ErrStopped };
export const ErrTimeout = 'etcdserver: request timed out';
export const ErrTimeoutDueToLeaderFail = 'etcdserver: request timed out, possibly due to previous leader failure';
export const ErrTimeoutDueToConnectionLost = 'etcdserver: request timed out, possibly due to connection lost';
export const ErrLeaderChanged = 'etcdserver: leader changed';
export const ErrRequestTooLarge = 'etcdserver: request is too large';
/**
 * context.DeadlineExceeded: etcd's raft node stops taking proposals while it
 * has no leader, so Propose blocks until the request's deadline and returns
 * the bare context error, which v3rpc's togRPCError passes through for gRPC to
 * send as DeadlineExceeded.
 */
export const ErrDeadlineExceeded = 'context deadline exceeded';

/** rpctypes: these all travel as codes.Unavailable. */
const UNAVAILABLE = new Set([ErrNoLeader, ErrStopped, ErrTimeout, ErrTimeoutDueToLeaderFail, ErrTimeoutDueToConnectionLost, ErrLeaderChanged]);

export function requestError(message: string): RequestError {
  if (UNAVAILABLE.has(message)) return { message, code: 'Unavailable' };
  if (message === ErrDeadlineExceeded) return { message, code: 'DeadlineExceeded' };
  if (message === ErrRequestTooLarge) return { message, code: 'InvalidArgument' };
  // Anything else (raft's "raft proposal dropped") is codes.Unknown with its own text.
  return { message, code: 'Unknown' };
}

export function fromApplyError(e: ApplyError): RequestError {
  return { message: e.message, code: e.code };
}

/** The completion of an asynchronous server call, run from the cluster's event loop. */
export type Callback<T> = (err: RequestError | undefined, resp?: T) => void;
