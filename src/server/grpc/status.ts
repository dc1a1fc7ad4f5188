// Engine errors as gRPC statuses. etcd sends each error as a status whose
// message is the rpctypes text (clientv3 turns a known text back into its
// error, so etcdctl prints "Error: etcdserver: ..."); the engine's
// RequestError already carries that text and the code it travels with.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { GrpcCode, RequestError } from '../../engine/api/service.ts';

const CODES: Record<GrpcCode, status> = {
  InvalidArgument: status.INVALID_ARGUMENT,
  NotFound: status.NOT_FOUND,
  FailedPrecondition: status.FAILED_PRECONDITION,
  PermissionDenied: status.PERMISSION_DENIED,
  Unauthenticated: status.UNAUTHENTICATED,
  OutOfRange: status.OUT_OF_RANGE,
  ResourceExhausted: status.RESOURCE_EXHAUSTED,
  DataLoss: status.DATA_LOSS,
  Unknown: status.UNKNOWN,
  Unavailable: status.UNAVAILABLE,
  DeadlineExceeded: status.DEADLINE_EXCEEDED,
};

/** The status a failed call ends with. */
export function toStatus(err: RequestError): Partial<ServiceError> {
  return { code: CODES[err.code] ?? status.UNKNOWN, details: err.message, metadata: new Metadata() };
}

/** The member behind this listener is not running (etcd's "server stopped"). */
export const STOPPED: RequestError = { message: 'etcdserver: server stopped', code: 'Unavailable' };
