// Calls to methods the server does not have, answered as grpc-go answers
// them (etcd 3.4's server): "unknown service S" or "unknown method M for
// service S" (UNIMPLEMENTED), "malformed method name: \"P\"" for a path
// without a service (RESOURCE_EXHAUSTED, grpc-go's choice). grpc-js has
// its own words for these and no fallback handler, so the connection
// wrapper (authority.ts) sends every call to an unknown path here instead,
// carrying the path the client asked for in a header.
import { type Server, type ServerDuplexStream, Metadata, status } from '@grpc/grpc-js';
import { etcdServices } from './load.ts';

/** Where calls to unknown methods go. */
export const UNKNOWN_METHOD_PATH = '/etcd-playground.Unknown/Method';
/** The header carrying the path the client asked for. */
export const REQUESTED_PATH_HEADER = 'x-etcd-playground-requested-path';

let known: Set<string> | undefined;

/** Whether a gRPC :path names one of the served methods. */
export function isKnownPath(path: string): boolean {
  known ??= new Set(Object.values(etcdServices()).flatMap((svc) => Object.values(svc).map((m) => m.path)));
  return known.has(path);
}

/** grpc-go's status for a call to path, which no service serves. */
export function unknownMethodStatus(path: string): { code: status; details: string } {
  const sm = path.startsWith('/') ? path.slice(1) : path;
  const pos = sm.lastIndexOf('/');
  if (pos < 0) return { code: status.RESOURCE_EXHAUSTED, details: `malformed method name: ${JSON.stringify(path)}` };
  const service = sm.slice(0, pos);
  const method = sm.slice(pos + 1);
  const served = Object.values(etcdServices()).some((svc) => Object.values(svc).some((m) => m.path.startsWith(`/${service}/`)));
  return { code: status.UNIMPLEMENTED, details: served ? `unknown method ${method} for service ${service}` : `unknown service ${service}` };
}

/** Registers the handler answering every call routed to UNKNOWN_METHOD_PATH. */
export function serveUnknownMethods(server: Server): void {
  const raw = (b: Buffer): Buffer => b;
  server.register(
    UNKNOWN_METHOD_PATH,
    (call: ServerDuplexStream<Buffer, Buffer>) => {
      const asked = call.metadata.get(REQUESTED_PATH_HEADER)[0];
      call.on('error', () => {});
      call.emit('error', { ...unknownMethodStatus(typeof asked === 'string' ? asked : UNKNOWN_METHOD_PATH), metadata: new Metadata() });
    },
    raw,
    raw,
    'bidi',
  );
}
