// The request path's own errors (etcdserver/errors.go, 3.4) in the words
// clients see (api/v3rpc/rpctypes) and the gRPC codes they travel with.
// Errors from applying a request keep their own code (errors.ts).
import { ErrNoLeader, ErrStopped } from '../cluster/errors.ts';
import { type Callback, type RequestError, ErrDeadlineExceeded } from '../api/service.ts';
import type { ApplyError } from './errors.ts';

export type { Callback, RequestError };

export { ErrNoLeader, ErrStopped };
export const ErrTimeout = 'etcdserver: request timed out';
export const ErrTimeoutDueToLeaderFail = 'etcdserver: request timed out, possibly due to previous leader failure';
export const ErrTimeoutDueToConnectionLost = 'etcdserver: request timed out, possibly due to connection lost';
export const ErrLeaderChanged = 'etcdserver: leader changed';
export const ErrRequestTooLarge = 'etcdserver: request is too large';
// context.DeadlineExceeded: etcd's raft node stops taking proposals while it
// has no leader, so Propose blocks until the request's deadline and returns
// the bare context error, which gRPC sends as DeadlineExceeded.
export { ErrDeadlineExceeded };

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

