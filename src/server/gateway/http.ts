// One member's HTTP/1.x side of its client port, as etcd 3.4 serves it next
// to gRPC: /health, /version, /metrics, and the JSON gateway under /v3/.
// The server never listens itself: connections come from the shared port
// (front.ts) after their first bytes showed HTTP/1.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { MemberBinding } from '../grpc/call.ts';
import { ETCD_VERSION } from '../../engine/server/maintenance.ts';
import { type ServiceImpls, serveGateway } from './gateway.ts';
import { checkHealth } from './health.ts';
import type { MemberCounters } from './metrics.ts';
import { CORS_HEADERS } from './reply.ts';

/** What etcd 3.4.23's /version prints for the cluster (the cluster version's full form). */
const CLUSTER_VERSION = '3.4.0';

export interface MemberFront {
  /** The member's gRPC service implementations (counted), which the gateway calls. */
  readonly impls: ServiceImpls;
  readonly binding: MemberBinding;
  readonly counters: MemberCounters;
  /** The member's metrics page (read inside the simulation). */
  metricsText(): string;
}

const TEXT = 'text/plain; charset=utf-8';

/** A whole answer at once, with its length as Go's server sends it. */
function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...CORS_HEADERS, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function methodNotAllowed(res: ServerResponse, allow?: string): void {
  const headers: Record<string, string> = { ...CORS_HEADERS, 'Content-Type': TEXT, 'X-Content-Type-Options': 'nosniff' };
  if (allow) headers.Allow = allow;
  res.writeHead(405, headers);
  res.end('Method Not Allowed\n');
}

function route(f: MemberFront, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0]!;
  if (path.startsWith('/v3/')) return serveGateway(f.impls, req, res, path);
  switch (path) {
    case '/health':
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      return checkHealth(f.binding, (ok) => {
        if (ok) f.counters.healthSuccess++;
        else f.counters.healthFailures++;
        // The failure goes out through Go's http.Error, which ends it with a newline.
        send(res, ok ? 200 : 503, TEXT, JSON.stringify({ health: String(ok) }) + (ok ? '' : '\n'));
      });
    case '/version':
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      return send(res, 200, 'application/json', JSON.stringify({ etcdserver: ETCD_VERSION, etcdcluster: CLUSTER_VERSION }));
    case '/metrics':
      res.writeHead(200, { ...CORS_HEADERS, 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      return void res.end(f.metricsText());
    default:
      res.writeHead(404, { ...CORS_HEADERS, 'Content-Type': TEXT, 'X-Content-Type-Options': 'nosniff' });
      res.end('404 page not found\n');
  }
}

/** The member's HTTP server, fed connections by the port's front. */
export function httpFront(f: MemberFront): Server {
  return createServer((req, res) => {
    try {
      route(f, req, res);
    } catch (e) {
      // A fault here must answer this request, never take the process down.
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': TEXT });
      res.end(`${e instanceof Error ? e.message : String(e)}\n`);
    }
  });
}
