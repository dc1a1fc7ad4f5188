// Per-stream header fixes, made on the request headers Node's HTTP/2 server
// hands over before grpc-js reads them: a call to an unknown method goes to
// the handler that answers in grpc-go's words (unknown.ts), and a
// grpc-timeout too long for a Node timer is dropped (grpc-js would fire it
// at once). Every connection gets them here, whether it went through the
// :authority wrapper (authority.ts) or not.
import type { IncomingHttpHeaders, Http2Server, ServerHttp2Stream } from 'node:http2';
import type { Server } from '@grpc/grpc-js';
import { REQUESTED_PATH_HEADER, UNKNOWN_METHOD_PATH, isKnownPath } from './unknown.ts';

/** Node's timers hold at most 2^31-1 ms; grpc-js would fire a longer deadline at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const TIMEOUT_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/**
 * Whether a grpc-timeout value ("<digits><unit>") is too long for a timer:
 * such a header is dropped, and the call runs until its client gives up (a
 * deadline weeks away, as a client sends for "no deadline", is none).
 */
export function beyondTimers(v: string): boolean {
  const m = /^(\d{1,8})([HMSmun])$/.exec(v);
  return m !== null && Number(m[1]) * TIMEOUT_UNIT_MS[m[2]!]! >= MAX_TIMER_MS;
}

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
 * handler on that server. grpc-js keeps its servers in a private map: if
 * the new one is not found there, start-up fails rather than serve calls
 * with grpc-js's words.
 */
export function withStreamFixes<T>(grpc: Server, create: () => T): T {
  const servers = (grpc as unknown as { http2Servers?: Map<Http2Server, unknown> }).http2Servers;
  const before = new Set(servers instanceof Map ? servers.keys() : []);
  const injector = create();
  const made = servers instanceof Map ? [...servers.keys()].filter((s) => !before.has(s)) : [];
  if (made.length !== 1 || typeof made[0]?.prependListener !== 'function') {
    throw new Error('grpc-js: cannot find the HTTP/2 server of a connection injector (has @grpc/grpc-js changed?)');
  }
  made[0].prependListener('stream', (_stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => fixStreamHeaders(headers));
  return injector;
}
