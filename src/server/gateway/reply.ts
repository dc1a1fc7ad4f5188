// How the gateway answers besides a message: etcd's CORS headers and
// grpc-gateway's error body.
import type { ServerResponse } from 'node:http';
import { HTTP_STATUS_OF_CODE } from './routes.ts';

/** The CORS headers etcd's client handler puts on every answer. */
export const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, GET, OPTIONS, PUT, DELETE',
  'Access-Control-Allow-Headers': 'accept, content-type, authorization',
};

/** grpc-gateway's error body for a failed unary call (or a stream that failed before its first message). */
export function writeError(res: ServerResponse, code: number, message: string): void {
  if (res.headersSent) return void res.end();
  const body = JSON.stringify({ error: message, message, code });
  res.writeHead(HTTP_STATUS_OF_CODE[code] ?? 500, { ...CORS_HEADERS, 'Content-Type': 'application/json' });
  res.end(body);
}
