// etcd 3.4's JSON gateway (grpc-gateway) over one member's gRPC service
// implementations: each POST /v3/... body is a JSON request message, handed
// to the very handler a gRPC client reaches (grpc/handlers-*.ts) through a
// call object of the same shape as the gRPC server's (grpc/server-call.ts), and the answer goes back as JSON
// (jsonpb.ts). The Authorization header carries the auth token, as the
// gateway forwards it to etcd's interceptors. Streams (watch, keepalive,
// snapshot) answer one {"result": ...} object per line.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallMetadata, type CallStatus, type ServiceImpl, type UnaryCall } from '../grpc/server-call.ts';
import type { Wire } from '../grpc/codec-kv.ts';
import type { EtcdServiceName } from '../grpc/load.ts';
import { GoJsonError, JsonEOF, readValue, restIsBlank } from './go-json.ts';
import { messageIn, messageOut } from './jsonpb.ts';
import { CORS_HEADERS, writeError } from './reply.ts';
import { GATEWAY_ROUTES } from './routes.ts';
import { etcdSchema } from './schema.ts';
import { GatewayStream } from './stream.ts';

/** A request body jsonpb cannot read. */
const CODE_INVALID_ARGUMENT = 3;

export type ServiceImpls = Record<EtcdServiceName, ServiceImpl>;

function metadataOf(req: IncomingMessage): CallMetadata {
  // etcd reads the token from "authorization" metadata when "token" is absent; the gateway forwards the header there.
  const auth = req.headers.authorization;
  return CallMetadata.of(auth ? { token: auth } : {});
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (s += d));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

/** The first JSON value of a unary body, as json.Decoder reads it (an empty body is an empty request). */
function parseUnaryBody(text: string): ReturnType<typeof readValue>['value'] {
  if (restIsBlank(text, 0)) return null;
  return readValue(text).value;
}

/** Serves a request under /v3/. */
export function serveGateway(impls: ServiceImpls, req: IncomingMessage, res: ServerResponse, path: string): void {
  const route = GATEWAY_ROUTES.get(path);
  if (!route) {
    res.writeHead(404, { ...CORS_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    return void res.end('Not Found\n');
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { ...CORS_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    return void res.end('Method Not Allowed\n');
  }
  const schema = etcdSchema();
  const shape = schema.method(`etcdserverpb.${route.service}`, route.method);
  const handler = impls[route.service][route.method] as (...args: unknown[]) => void;
  const metadata = metadataOf(req);

  if (shape.requestStream) {
    const stream = new GatewayStream(res, metadata, shape.response, {
      endAfterReplies: route.method === 'LeaseKeepAlive',
    });
    handler(stream);
    feedStream(req, stream, shape.request);
    return;
  }
  readBody(req).then((text) => {
    let request: Wire;
    try {
      request = messageIn(schema, shape.request, parseUnaryBody(text));
    } catch (e) {
      return writeError(res, CODE_INVALID_ARGUMENT, e instanceof Error ? e.message : String(e));
    }
    if (shape.responseStream) {
      const stream = new GatewayStream(res, metadata, shape.response, { endAfterReplies: false });
      stream.request = request;
      return handler(stream);
    }
    const call: UnaryCall = { request, metadata, getDeadline: () => Infinity };
    handler(call, (err: CallStatus | null, value?: Wire) => {
      if (err) return writeError(res, err.code, err.details);
      res.writeHead(200, { ...CORS_HEADERS, 'Content-Type': 'application/json', 'Grpc-Metadata-Content-Type': 'application/grpc' });
      res.end(JSON.stringify(messageOut(schema, shape.response, value)));
    });
  }, () => res.destroy());
}

/**
 * A streaming body is a sequence of JSON requests, each passed to the
 * stream as soon as it is complete; a syntax error ends the stream.
 */
function feedStream(req: IncomingMessage, stream: GatewayStream, requestType: string): void {
  const schema = etcdSchema();
  let text = '';
  let pos = 0;
  let broken = false;
  const drain = (final: boolean): boolean => {
    for (;;) {
      if (restIsBlank(text, pos)) return true;
      try {
        const { value, end } = readValue(text, pos);
        pos = end;
        stream.received(messageIn(schema, requestType, value));
      } catch (e) {
        if (e instanceof JsonEOF && !final) return true;
        // grpc-gateway reports a body it cannot decode as an unknown error.
        stream.fail(2, e instanceof GoJsonError ? e.message : String(e), true);
        broken = true;
        return false;
      }
    }
  };
  req.setEncoding('utf8');
  req.on('data', (d: string) => {
    if (broken) return;
    text += d;
    drain(false);
  });
  req.on('end', () => {
    if (!broken && drain(true)) stream.halfClose();
  });
}
