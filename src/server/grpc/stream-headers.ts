// Per-stream header fixes, made on the request headers Node's HTTP/2 server
// hands over before grpc-js reads them: a call to an unknown method goes to
// the handler that answers in grpc-go's words (unknown.ts), and a
// grpc-timeout too long for a Node timer is dropped (grpc-js would fire it
// at once). Connections the :authority wrapper handles get the same fixes
// there, byte by byte (authority.ts); this covers the ones it does not.
import type { IncomingHttpHeaders, Http2Server, ServerHttp2Stream } from 'node:http2';
import type { Server } from '@grpc/grpc-js';
import { beyondTimers } from './authority.ts';
import { REQUESTED_PATH_HEADER, UNKNOWN_METHOD_PATH, isKnownPath } from './unknown.ts';

/** Rewrites one request's headers in place. */
export function fixStreamHeaders(headers: IncomingHttpHeaders): void {
  const path = headers[':path'];
  if (typeof path === 'string' && !isKnownPath(path)) {
    headers[':path'] = UNKNOWN_METHOD_PATH;
    headers[REQUESTED_PATH_HEADER] = path;
  }
  const timeout = headers['grpc-timeout'];
  if (typeof timeout === 'string' && beyondTimers(timeout)) delete headers['grpc-timeout'];
}

/**
 * Runs `create` (which has grpc-js make a connection injector, and with it
 * an HTTP/2 server) and puts fixStreamHeaders ahead of grpc-js's stream
 * handler on that server. grpc-js keeps its servers in a private
 * map: false if it could not be found there, and then every connection must
 * go through the wrapper, which makes the same fixes.
 */
export function withStreamFixes<T>(grpc: Server, create: () => T): { injector: T; hooked: boolean } {
  const servers = (grpc as unknown as { http2Servers?: Map<Http2Server, unknown> }).http2Servers;
  const before = servers instanceof Map ? new Set(servers.keys()) : undefined;
  const injector = create();
  if (!before || !(servers instanceof Map)) return { injector, hooked: false };
  const made = [...servers.keys()].filter((s) => !before.has(s));
  if (made.length !== 1 || typeof made[0]?.prependListener !== 'function') return { injector, hooked: false };
  made[0].prependListener('stream', (_stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => fixStreamHeaders(headers));
  return { injector, hooked: true };
}
