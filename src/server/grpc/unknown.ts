// Calls to methods the server does not have, answered as grpc-go answers
// them (etcd 3.4's server): "unknown service S" or "unknown method M for
// service S" (UNIMPLEMENTED), "malformed method name: \"P\"" for a path
// without a service (RESOURCE_EXHAUSTED, grpc-go's choice).
import { etcdServices } from './load.ts';
import { type CallStatus, Code } from './server-call.ts';

/** grpc-go's status for a call to path, which no service serves. */
export function unknownMethodStatus(path: string): CallStatus {
  const sm = path.startsWith('/') ? path.slice(1) : path;
  const pos = sm.lastIndexOf('/');
  if (pos < 0) return { code: Code.RESOURCE_EXHAUSTED, details: `malformed method name: ${JSON.stringify(path)}` };
  const service = sm.slice(0, pos);
  const method = sm.slice(pos + 1);
  const served = Object.values(etcdServices()).some((svc) => Object.values(svc).some((m) => m.path.startsWith(`/${service}/`)));
  return { code: Code.UNIMPLEMENTED, details: served ? `unknown method ${method} for service ${service}` : `unknown service ${service}` };
}
