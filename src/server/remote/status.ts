// A failed gRPC call as the engine client's RequestError: the status's
// description is etcd's error text (clientv3 turns the known ones back into
// its errors), its code travels along for retries and for etcdctl's
// "rpc error: code = ..." form. A call past its deadline reads as Go's
// context error, whatever side noticed first.
import { status, type ServiceError } from '@grpc/grpc-js';
import { type GrpcCode, type RequestError, ErrDeadlineExceeded } from '../../engine/api/service.ts';

const NAMES = new Map<number, GrpcCode>([
  [status.INVALID_ARGUMENT, 'InvalidArgument'],
  [status.NOT_FOUND, 'NotFound'],
  [status.FAILED_PRECONDITION, 'FailedPrecondition'],
  [status.PERMISSION_DENIED, 'PermissionDenied'],
  [status.UNAUTHENTICATED, 'Unauthenticated'],
  [status.OUT_OF_RANGE, 'OutOfRange'],
  [status.RESOURCE_EXHAUSTED, 'ResourceExhausted'],
  [status.DATA_LOSS, 'DataLoss'],
  [status.UNAVAILABLE, 'Unavailable'],
  [status.DEADLINE_EXCEEDED, 'DeadlineExceeded'],
]);

/** grpc-go's text for a connection that went away under a call. */
const TRANSPORT_CLOSING = 'transport is closing';

export function fromStatus(e: Partial<ServiceError>): RequestError {
  const code = e.code ?? status.UNKNOWN;
  if (code === status.DEADLINE_EXCEEDED) return { message: ErrDeadlineExceeded, code: 'DeadlineExceeded' };
  if (code === status.CANCELLED) return { message: 'context canceled', code: 'Unknown', local: true };
  const details = e.details ?? '';
  // A status the transport made (the member's connection dropped) rather than one etcd sent.
  if (code === status.UNAVAILABLE && !details.startsWith('etcdserver:')) return { message: TRANSPORT_CLOSING, code: 'Unavailable' };
  return { message: details, code: NAMES.get(code) ?? 'Unknown' };
}
