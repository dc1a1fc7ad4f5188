// Decides, per HTTP/2 connection, whether it needs the :authority wrapper
// (authority.ts). The wrapper costs every request a pass through JavaScript
// on each side of the socket (Node's JSStreamSocket), about a fifth of the
// server's CPU per call, yet only clients that put a URL in :authority need
// it (grpc-go dialled with a scheme, as etcdctl is with
// --endpoints=http://...), and a gRPC client keeps one :authority for all
// calls on a connection. So the gate reads the connection's first request
// headers before the HTTP/2 server sees any byte: a clean :authority hands
// the bare socket to Node's native HTTP/2 session, anything else (or
// anything unexpected) goes through the wrapper as before.
//
// Clients send their first request only after the server's preface (a
// SETTINGS frame), so the gate sends an empty one, meaning all defaults,
// itself. The client acknowledges it; that ACK is taken out of the bytes the
// HTTP/2 server gets, since the server never sent those settings (it sends
// its own preface next, which the client acknowledges to it as usual).
// Unknown methods and grpc-timeouts too long for a timer are handled per
// stream (stream-headers.ts) on both paths.
import type { Socket } from 'node:net';
import { cleanAuthority } from './authority.ts';
import { HpackDecoder } from './hpack.ts';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** An empty SETTINGS frame: a server preface that leaves every setting at its default. */
const EMPTY_SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
const HEADERS = 0x1;
const SETTINGS = 0x4;
const CONTINUATION = 0x9;
const END_HEADERS = 0x4;
const ACK = 0x1;
const PADDED = 0x8;
const PRIORITY = 0x20;
const MAX_FRAME = 16384;
/** Frames a client may send before its first request without the gate giving up. */
const EARLY_FRAMES = new Set([SETTINGS, 0x8 /* WINDOW_UPDATE */, 0x2 /* PRIORITY */]);
/** How long a connection may stay without a first request before it goes through the wrapper. */
export const GATE_TIMEOUT_MS = 2000;
/** How many bytes the gate holds at most: past them, the connection goes through the wrapper. */
export const GATE_MAX_BYTES = 64 * 1024;

/** What the gate found. `ackPending`: the client's ACK of the gate's SETTINGS is still to come (the wrapper drops it). */
export interface GateVerdict {
  wrap: boolean;
  ackPending: boolean;
}

/**
 * The verdict on a connection's first bytes, or undefined while more are
 * needed. Pure: `bytes` is everything the client sent so far; `forward` is
 * what the HTTP/2 server is to see (the bytes without the gate's ACK).
 * `final`: no more bytes will be waited for (the gate timed out).
 */
export function judge(bytes: Buffer, final = false): { verdict: GateVerdict; forward: Buffer } | undefined {
  const n = Math.min(bytes.length, PREFACE.length);
  if (!bytes.subarray(0, n).equals(PREFACE.subarray(0, n))) return wrapAll(bytes, -1);
  if (bytes.length < PREFACE.length) return final ? wrapAll(bytes, -1) : undefined;
  let pos = PREFACE.length;
  let ackAt = -1;
  const block: Buffer[] = [];
  let inBlock = false;
  while (bytes.length - pos >= 9) {
    const len = bytes.readUIntBE(pos, 3);
    const type = bytes[pos + 3]!;
    const flags = bytes[pos + 4]!;
    if (len > MAX_FRAME || bytes.length - pos < 9 + len) break;
    const payload = bytes.subarray(pos + 9, pos + 9 + len);
    if (inBlock ? type !== CONTINUATION : type === CONTINUATION) return wrapAll(bytes, ackAt);
    if (type === SETTINGS && flags & ACK && ackAt < 0) ackAt = pos;
    else if (type === HEADERS || type === CONTINUATION) {
      const frag = type === HEADERS ? fragment(payload, flags) : payload;
      if (frag === undefined) return wrapAll(bytes, ackAt);
      block.push(frag);
      inBlock = (flags & END_HEADERS) === 0;
      if (!inBlock) return verdictOn(Buffer.concat(block), bytes, ackAt);
    } else if (!EARLY_FRAMES.has(type)) return wrapAll(bytes, ackAt);
    pos += 9 + len;
  }
  const oversize = bytes.length > GATE_MAX_BYTES || (bytes.length - pos >= 9 && bytes.readUIntBE(pos, 3) > MAX_FRAME);
  return final || oversize ? wrapAll(bytes, ackAt) : undefined;
}

/** A HEADERS payload without its padding and priority fields. */
function fragment(p: Buffer, flags: number): Buffer | undefined {
  let start = 0;
  let end = p.length;
  if (flags & PADDED) {
    if (p.length < 1) return undefined;
    end -= p[0]!;
    start = 1;
  }
  if (flags & PRIORITY) start += 5;
  return start <= end ? p.subarray(start, end) : undefined;
}

function verdictOn(block: Buffer, bytes: Buffer, ackAt: number): { verdict: GateVerdict; forward: Buffer } {
  let authority: string | undefined;
  try {
    for (const [n, v] of new HpackDecoder().decode(block)) if (n.toString('latin1') === ':authority') authority = v.toString('latin1');
  } catch {
    return wrapAll(bytes, ackAt);
  }
  // The native session can take the socket only once the ACK is out of the bytes: a later one only the wrapper can drop.
  const clean = authority === undefined || cleanAuthority(authority) === authority;
  return { verdict: { wrap: !clean || ackAt < 0, ackPending: ackAt < 0 }, forward: withoutAck(bytes, ackAt) };
}

function wrapAll(bytes: Buffer, ackAt: number): { verdict: GateVerdict; forward: Buffer } {
  return { verdict: { wrap: true, ackPending: ackAt < 0 }, forward: withoutAck(bytes, ackAt) };
}

function withoutAck(bytes: Buffer, ackAt: number): Buffer {
  return ackAt < 0 ? bytes : Buffer.concat([bytes.subarray(0, ackAt), bytes.subarray(ackAt + 9)]);
}

/**
 * Holds a new HTTP/2 connection (its first bytes already read: `seen`)
 * until judge() has a verdict or GATE_TIMEOUT_MS pass, then hands the socket
 * over with the bytes put back for the server to read.
 */
export function gate(sock: Socket, seen: Buffer, handOver: (sock: Socket, verdict: GateVerdict) => void): void {
  let bytes = seen;
  let done = false;
  const finish = (r: { verdict: GateVerdict; forward: Buffer }): void => {
    done = true;
    clearTimeout(timer);
    sock.removeListener('data', onData);
    sock.removeListener('end', onEnd);
    sock.pause();
    sock.unshift(r.forward);
    handOver(sock, r.verdict);
    process.nextTick(() => sock.resume());
  };
  const onData = (chunk: Buffer): void => {
    bytes = Buffer.concat([bytes, chunk]);
    const r = judge(bytes);
    if (r) finish(r);
  };
  // A client that half-closes before its first request has nothing to be served.
  const onEnd = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    sock.destroy();
  };
  const timer = setTimeout(() => {
    if (!done) finish(judge(bytes, true)!);
  }, GATE_TIMEOUT_MS);
  timer.unref();
  sock.once('close', () => clearTimeout(timer));
  sock.on('data', onData);
  sock.once('end', onEnd);
  sock.write(EMPTY_SETTINGS);
  const r = judge(bytes);
  if (r) finish(r);
}
