// How a failed call reads in etcdctl's output. clientv3 passes every error a
// member returns through rpctypes.Error (client.go toErr): a text that is one
// of etcd's known rpctypes errors becomes an EtcdError that prints bare
// ("etcdserver: permission denied"); any other member error stays a gRPC
// status error, which grpc-go prints as "rpc error: code = <Code> desc = <text>"
// (defrag under auth: "auth: permission denied", code Unknown). A call that
// ran out of time ends with its own context's error, and errors the client
// library makes itself (RequestError.local) were never statuses: both bare.
import type { RequestError } from '../../engine/api/service.ts';

/** The descriptions rpctypes (etcd 3.4.23) turns back into EtcdErrors. */
const RPCTYPES: ReadonlySet<string> = new Set(
  [
    'key is not provided',
    'key not found',
    'value is provided',
    'lease is provided',
    'too many operations in txn request',
    'duplicate key given in txn request',
    'mvcc: required revision has been compacted',
    'mvcc: required revision is a future revision',
    'mvcc: database space exceeded',
    'requested lease not found',
    'lease already exists',
    'too large lease TTL',
    'member ID already exist',
    'Peer URLs already exists',
    're-configuration failed due to not enough started members',
    'given member URLs are invalid',
    'member not found',
    'can only promote a learner member',
    'can only promote a learner member which is in sync with leader',
    'too many learner members in cluster',
    'request is too large',
    'too many requests',
    'root user does not exist',
    'root user does not have root role',
    'user name already exists',
    'user name is empty',
    'user name not found',
    'role name already exists',
    'role name not found',
    'role name is empty',
    'authentication failed, invalid user ID or password',
    'permission denied',
    'role is not granted to the user',
    'permission is not granted to the role',
    'authentication is not enabled',
    'invalid auth token',
    'invalid auth management',
    'revision of auth store is old',
    'no leader',
    'not leader',
    'leader changed',
    'not capable',
    'server stopped',
    'request timed out',
    'request timed out, possibly due to previous leader failure',
    'request timed out, possibly due to connection lost',
    'request timed out, waiting for the applied index took too long',
    'unhealthy cluster',
    'corrupt cluster',
    'rpc not supported for learner',
    'bad leader transferee',
  ].map((d) => `etcdserver: ${d}`),
);

/** Whether a rejection is the engine's RequestError (anything else is a bug and propagates). */
export function isRequestError(e: unknown): e is RequestError {
  return typeof e === 'object' && e !== null && 'message' in e && 'code' in e && !(e instanceof Error);
}

/** The text etcdctl prints for a failed call (what clientv3's error's Error() gives). */
export function errorText(e: RequestError): string {
  return RPCTYPES.has(e.message) ? e.message : statusText(e);
}

/**
 * A member's error as the gRPC status error itself, before rpctypes: what a
 * stream's Recv gives (snapshot save prints it so) and what clientv3 logs.
 */
export function statusText(e: RequestError): string {
  if (e.local || e.code === 'DeadlineExceeded') return e.message;
  return `rpc error: code = ${e.code} desc = ${e.message}`;
}
