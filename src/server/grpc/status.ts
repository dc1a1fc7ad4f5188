// Engine errors as gRPC statuses. etcd sends each error as a status whose
// message is the rpctypes text (clientv3 turns a known text back into its
// error, so etcdctl prints "Error: etcdserver: ..."); the engine's
// RequestError already carries that text and the code it travels with.
import type { GrpcCode, RequestError } from '../../engine/api/service.ts';
import { type CallStatus, Code } from './server-call.ts';

const CODES: Record<GrpcCode, number> = {
  InvalidArgument: Code.INVALID_ARGUMENT,
  NotFound: Code.NOT_FOUND,
  FailedPrecondition: Code.FAILED_PRECONDITION,
  PermissionDenied: Code.PERMISSION_DENIED,
  Unauthenticated: Code.UNAUTHENTICATED,
  OutOfRange: Code.OUT_OF_RANGE,
  ResourceExhausted: Code.RESOURCE_EXHAUSTED,
  DataLoss: Code.DATA_LOSS,
  Unknown: Code.UNKNOWN,
  Unavailable: Code.UNAVAILABLE,
  DeadlineExceeded: Code.DEADLINE_EXCEEDED,
};

/** The status a failed call ends with. */
export function toStatus(err: RequestError): CallStatus {
  return { code: CODES[err.code] ?? Code.UNKNOWN, details: err.message };
}

/** The member behind this listener is not running (etcd's "server stopped"). */
export const STOPPED: RequestError = { message: 'etcdserver: server stopped', code: 'Unavailable' };
