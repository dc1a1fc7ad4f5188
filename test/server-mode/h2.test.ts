// The gRPC server's own HTTP/2 (src/server/h2, src/server/grpc/server.ts):
// from raw frames (flow control, CONTINUATION, PING, SETTINGS, resets,
// stream limits, oversized frames and messages) and from grpc-js's client
// (unary, server and bidi streams, statuses, metadata, deadlines), against
// a test service whose handlers answer at once; and real etcdctl against a
// running server, endpoints with and without their scheme.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AddressInfo, type Server, connect, createServer } from 'node:net';
import { Duplex } from 'node:stream';
import { Client, Metadata, credentials, status } from '@grpc/grpc-js';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { malformed } from '../../src/server/grpc/call.ts';
import { GrpcServer } from '../../src/server/grpc/server.ts';
import { MalformedRequest } from '../../src/server/grpc/wire-check.ts';
import type { ServiceImpl, StreamCall, UnaryCall, UnaryCallback } from '../../src/server/grpc/server-call.ts';
import { ETCDCTL, useSingleServer } from './harness.ts';
import { PREFACE, RawClient, frame, message, requestHeaders, settings, unaryRequest, windowUpdate } from './h2-frames.ts';

const raw = (b: Buffer): Buffer => b;
type Wire = Record<string, unknown> & { bytes?: Buffer };
const method = (path: string, requestStream: boolean, responseStream: boolean) => ({
  path,
  requestStream,
  responseStream,
  originalName: path,
  requestSerialize: raw,
  requestDeserialize: (b: Buffer): Wire => ({ bytes: b }),
  responseSerialize: (w: Wire): Buffer => w.bytes ?? Buffer.alloc(0),
  responseDeserialize: raw,
});
const DEF = {
  Echo: method('/t.S/Echo', false, false),
  Sized: method('/t.S/Sized', false, false),
  Fail: method('/t.S/Fail', false, false),
  Meta: method('/t.S/Meta', false, false),
  Never: method('/t.S/Never', false, false),
  Chat: method('/t.S/Chat', true, true),
  Count: method('/t.S/Count', false, true),
  Listen: method('/t.S/Listen', true, true),
} as unknown as ServiceDefinition;

/** What the handlers saw, for the tests to read. */
const seen = { deadline: 0, cancelled: 0, closed: 0, token: '' as string | undefined, bin: undefined as Buffer | undefined, sync: [] as string[] };

const IMPL: ServiceImpl = {
  Echo: (call: UnaryCall, cb: UnaryCallback) => (call.request instanceof MalformedRequest ? cb(malformed(call.request)) : cb(null, call.request)),
  // Answers as many bytes as the request's text says.
  Sized: (call: UnaryCall, cb: UnaryCallback) => cb(null, { bytes: Buffer.alloc(Number((call.request.bytes as Buffer).toString()), 120) }),
  Fail: (_call: UnaryCall, cb: UnaryCallback) => cb({ code: status.FAILED_PRECONDITION, details: 'etcdserver: ünïcode 100% failed\nline' }),
  Meta: (call: UnaryCall, cb: UnaryCallback) => {
    seen.deadline = call.getDeadline();
    const t = call.metadata.get('token')[0];
    seen.token = typeof t === 'string' ? t : undefined;
    seen.bin = call.metadata.get('blob-bin')[0] as Buffer | undefined;
    cb(null, { bytes: Buffer.from('ok') });
  },
  Never: () => {},
  Chat: (call: StreamCall) => {
    call.on('data', (w: Wire) => call.write(w));
    call.on('end', () => call.end());
  },
  // Like a watch: stays open after the client's half-close, until the client goes.
  Listen: (call: StreamCall) => {
    call.on('data', (w: Wire) => call.write(w));
    call.on('cancelled', () => seen.cancelled++);
    call.on('close', () => seen.closed++);
  },
  Count: (call: StreamCall) => {
    const n = Number((call.request.bytes as Buffer).toString());
    for (let i = 0; i < n; i++) call.write({ bytes: Buffer.from(String(i)) });
    call.end();
  },
};

const MAX_RECV = 64 * 1024;

function grpcServer(maxConcurrentStreams = 100): GrpcServer {
  const g = new GrpcServer({ maxConcurrentStreams, maxRecvBytes: MAX_RECV });
  g.addService(DEF, IMPL);
  return g;
}


describe('HTTP/2 server, raw frames', () => {
  let net: Server;
  let port = 0;
  const clients: RawClient[] = [];
  beforeAll(async () => {
    const g = grpcServer(3);
    net = createServer((sock) => g.accept(sock));
    await new Promise<void>((r) => net.listen(0, '127.0.0.1', () => r()));
    port = (net.address() as AddressInfo).port;
  });
  afterAll(() => {
    for (const c of clients) c.sock.destroy();
    net.close();
  });
  const open = async (clientSettings: [number, number][] = []): Promise<RawClient> => {
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const c = new RawClient(sock);
    clients.push(c);
    c.send(PREFACE, settings(clientSettings));
    await c.until((fs) => fs.some((f) => f.type === 4 && f.flags === 0), 'the server preface');
    return c;
  };

  it('answers a unary call in one write: headers, message, then trailers', async () => {
    const c = await open();
    c.send(unaryRequest(1, '/t.S/Echo', Buffer.from('hello')));
    await c.until((fs) => fs.some((f) => f.stream === 1 && f.type === 1 && f.flags & 1), 'the trailers');
    const fs = c.of(1);
    expect(fs.map((f) => [f.type, f.flags])).toEqual([
      [1, 4],
      [0, 0],
      [1, 5],
    ]);
    expect(new Set(fs.map((f) => f.read)).size).toBe(1);
    expect(c.headersOf(fs[0]!)).toEqual({ ':status': '200', 'content-type': 'application/grpc' });
    expect(fs[1]!.payload).toEqual(message(Buffer.from('hello')));
    expect(c.headersOf(fs[2]!)).toEqual({ 'grpc-status': '0' });
    // The settings the client sent were acknowledged.
    expect(c.frames.some((f) => f.type === 4 && f.flags === 1)).toBe(true);
  });

  it('takes a request whose header block is split over CONTINUATION frames, delivered a byte at a time', async () => {
    const c = await open();
    const block = requestHeaders('/t.S/Echo');
    const bytes = Buffer.concat([frame(1, 0, 1, block.subarray(0, 7)), frame(9, 0, 1, block.subarray(7, 20)), frame(9, 4, 1, block.subarray(20)), frame(0, 1, 1, message(Buffer.from('split')))]);
    for (const b of bytes) c.send(Buffer.from([b]));
    await c.until((fs) => fs.some((f) => f.stream === 1 && f.type === 1 && f.flags & 1), 'the trailers');
    expect(c.of(1, 0)[0]!.payload).toEqual(message(Buffer.from('split')));
  });

  it('answers PING with its payload', async () => {
    const c = await open();
    c.send(frame(6, 0, 0, Buffer.from('12345678')));
    await c.until((fs) => fs.some((f) => f.type === 6), 'the ping ack');
    const ack = c.frames.find((f) => f.type === 6)!;
    expect([ack.flags, ack.payload.toString()]).toEqual([1, '12345678']);
  });

  it('sends no more DATA than the stream window allows, and the rest after WINDOW_UPDATE', async () => {
    const c = await open([[4, 100]]);
    c.send(unaryRequest(1, '/t.S/Sized', Buffer.from('1000')));
    await c.until((fs) => fs.some((f) => f.stream === 1 && f.type === 0), 'the first DATA');
    await new Promise((r) => setTimeout(r, 100));
    const sent = (): number => c.of(1, 0).reduce((n, f) => n + f.payload.length, 0);
    expect(sent()).toBe(100);
    expect(c.of(1, 1).length).toBe(1);
    c.send(windowUpdate(1, 2000));
    await c.until((fs) => fs.some((f) => f.stream === 1 && f.type === 1 && f.flags & 1), 'the trailers');
    expect(sent()).toBe(1005);
  });

  it('keeps to the connection window across streams, then sends on when it opens', async () => {
    const c = await open([[4, 1 << 20]]);
    c.send(unaryRequest(1, '/t.S/Sized', Buffer.from('60000')), unaryRequest(3, '/t.S/Sized', Buffer.from('60000')));
    await c.until((fs) => fs.some((f) => f.stream === 3 && f.type === 0), 'DATA of both');
    await new Promise((r) => setTimeout(r, 100));
    const total = (): number => c.frames.filter((f) => f.type === 0).reduce((n, f) => n + f.payload.length, 0);
    // The connection starts at 65,535 bytes whatever the streams allow.
    expect(total()).toBe(65_535);
    expect(c.frames.every((f) => f.type !== 0 || f.payload.length <= 16_384)).toBe(true);
    c.send(windowUpdate(0, 100_000));
    await c.until((fs) => fs.filter((f) => f.type === 1 && f.flags & 1).length === 2, 'both trailers');
    expect(total()).toBe(120_010);
  });

  it('refuses a stream past the concurrency limit, and keeps serving the others', async () => {
    const c = await open();
    // Never answers: three such streams fill the limit of 3.
    for (const id of [1, 3, 5]) c.send(unaryRequest(id, '/t.S/Never', Buffer.from('x')));
    c.send(unaryRequest(7, '/t.S/Echo', Buffer.from('x')));
    await c.until((fs) => fs.some((f) => f.stream === 7), 'an answer on stream 7');
    const rst = c.of(7)[0]!;
    expect([rst.type, rst.payload.readUInt32BE(0)]).toEqual([3, 7]);
    c.send(frame(3, 0, 5, Buffer.from([0, 0, 0, 8])));
    c.send(unaryRequest(9, '/t.S/Echo', Buffer.from('after')));
    await c.until((fs) => fs.some((f) => f.stream === 9 && f.type === 1 && f.flags & 1), 'stream 9 answered');
  });

  it('ends the connection on a frame past 16 KiB with GOAWAY FRAME_SIZE_ERROR', async () => {
    const c = await open();
    c.send(Buffer.from([0x01, 0x00, 0x00, 0, 0, 0, 0, 0, 1]));
    await c.until((fs) => fs.some((f) => f.type === 7), 'GOAWAY');
    expect(c.frames.find((f) => f.type === 7)!.payload.readUInt32BE(4)).toBe(6);
    await c.until(() => c.closed, 'the close');
  });

  it('ends the connection on bytes that are not the preface', async () => {
    const sock = connect(port, '127.0.0.1');
    const c = new RawClient(sock);
    clients.push(c);
    c.send(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await c.until(() => c.closed, 'the close');
  });

  it('refuses a message past the limit from its length prefix, without waiting for its bytes', async () => {
    const c = await open();
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(100 * 1024 * 1024, 1);
    c.send(frame(1, 4, 1, requestHeaders('/t.S/Echo')), frame(0, 0, 1, Buffer.concat([prefix, Buffer.alloc(100)])));
    await c.until((fs) => fs.some((f) => f.stream === 1 && f.type === 1), 'the status');
    expect(c.headersOf(c.of(1, 1)[0]!)).toMatchObject({ 'grpc-status': '8', 'grpc-message': 'grpc: received message larger than max (104857600 vs. 65536)' });
    // The client is told to stop sending the rest.
    await c.until((fs) => fs.some((f) => f.stream === 1 && f.type === 3), 'RST_STREAM');
  });

  it('leaves a call that ends without its request unanswered, as etcd 3.4 does, and serves on', async () => {
    const c = await open();
    c.send(frame(1, 5, 1, requestHeaders('/t.S/Echo')), frame(1, 5, 3, requestHeaders('/t.S/Count')));
    c.send(unaryRequest(5, '/t.S/Echo', Buffer.from('next')));
    await c.until((fs) => fs.some((f) => f.stream === 5 && f.type === 1 && f.flags & 1), 'stream 5 answered');
    await new Promise((r) => setTimeout(r, 100));
    expect(c.of(1).length + c.of(3).length).toBe(0);
  });

  it('answers an unknown method and a compressed message as grpc-go does', async () => {
    const c = await open();
    c.send(unaryRequest(1, '/t.S/Nope', Buffer.alloc(0)));
    c.send(frame(1, 4, 3, requestHeaders('/t.S/Echo', [['grpc-encoding', 'gzip']])), frame(0, 1, 3, message(Buffer.from('zz'), 1)));
    await c.until((fs) => fs.filter((f) => f.type === 1 && f.flags & 1).length === 2, 'both statuses');
    expect(c.headersOf(c.of(1, 1)[0]!)).toMatchObject({ 'grpc-status': '12', 'grpc-message': 'unknown service t.S' });
    expect(c.headersOf(c.of(3, 1)[0]!)).toMatchObject({ 'grpc-status': '12', 'grpc-message': 'grpc: Decompressor is not installed for grpc-encoding "gzip"' });
    c.send(frame(1, 4, 5, requestHeaders('/t.S/Echo')), frame(0, 1, 5, message(Buffer.from('zz'), 1)));
    await c.until((fs) => fs.some((f) => f.stream === 5 && f.type === 1), 'the third status');
    expect(c.headersOf(c.of(5, 1)[0]!)).toMatchObject({ 'grpc-status': '13', 'grpc-message': 'grpc: compressed flag set with identity or empty encoding' });
  });
});

describe('HTTP/2 server, its writes', () => {
  it('writes nothing while the code that answered runs: its bytes leave in one write afterwards', async () => {
    const writes: Buffer[] = [];
    const sock = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        writes.push(chunk);
        cb();
      },
    });
    const answers: UnaryCallback[] = [];
    const g = new GrpcServer({ maxConcurrentStreams: 10, maxRecvBytes: MAX_RECV });
    g.addService({ Held: method('/t.S/Held', false, false) } as unknown as ServiceDefinition, { Held: (_c: UnaryCall, cb: UnaryCallback) => answers.push(cb) });
    g.accept(sock, Buffer.concat([PREFACE, settings(), unaryRequest(1, '/t.S/Held', Buffer.from('a')), unaryRequest(3, '/t.S/Held', Buffer.from('b'))]));
    await new Promise((r) => setImmediate(r));
    writes.length = 0;
    // As a stretch of simulation does: answers, then the fdatasync barrier, all in one synchronous run.
    expect(answers.length).toBe(2);
    answers[0]!(null, { bytes: Buffer.from('one') });
    answers[1]!(null, { bytes: Buffer.from('two') });
    expect(writes).toEqual([]);
    await Promise.resolve();
    expect(writes.length).toBe(1);
    expect(writes[0]!.includes(Buffer.from('one'))).toBe(true);
    expect(writes[0]!.includes(Buffer.from('two'))).toBe(true);
  });
});

describe('gRPC server with grpc-js as the client', () => {
  let net: Server;
  let c: Client;
  beforeAll(async () => {
    const g = grpcServer();
    net = createServer((sock) => g.accept(sock));
    await new Promise<void>((r) => net.listen(0, '127.0.0.1', () => r()));
    c = new Client(`127.0.0.1:${(net.address() as AddressInfo).port}`, credentials.createInsecure());
  });
  afterAll(() => {
    c.close();
    net.close();
  });
  const unary = (path: string, body: Buffer, md = new Metadata(), deadline = Date.now() + 5000) =>
    new Promise<{ code: number; details: string; body?: Buffer }>((resolve) =>
      c.makeUnaryRequest(path, raw, raw, body, md, { deadline }, (err, res) => resolve(err ? { code: err.code, details: err.details } : { code: 0, details: '', body: res })),
    );

  it('answers unary calls, large ones included, and a status with text that needs encoding', async () => {
    expect((await unary('/t.S/Echo', Buffer.from('hi'))).body).toEqual(Buffer.from('hi'));
    expect((await unary('/t.S/Sized', Buffer.from('3000000'))).body!.length).toBe(3_000_000);
    expect(await unary('/t.S/Fail', Buffer.alloc(0))).toEqual({ code: status.FAILED_PRECONDITION, details: 'etcdserver: ünïcode 100% failed\nline' });
    const big = Buffer.alloc(60_000, 7);
    expect((await unary('/t.S/Echo', big)).body).toEqual(big);
  });

  it('passes metadata (text and -bin) and the deadline to the handler', async () => {
    const md = new Metadata();
    md.set('token', 'tok.123');
    md.set('blob-bin', Buffer.from([0, 255, 1]));
    const deadline = Date.now() + 7000;
    expect((await unary('/t.S/Meta', Buffer.alloc(0), md, deadline)).code).toBe(0);
    expect(seen.token).toBe('tok.123');
    expect(seen.bin).toEqual(Buffer.from([0, 255, 1]));
    expect(Math.abs(seen.deadline - deadline)).toBeLessThan(1000);
  });

  it('streams from the server, and both ways, and sees a client cancel', async () => {
    const got: string[] = [];
    const counted = c.makeServerStreamRequest('/t.S/Count', raw, raw, Buffer.from('500'), new Metadata());
    await new Promise<void>((resolve, reject) => {
      counted.on('data', (b: Buffer) => got.push(b.toString()));
      counted.on('status', (s) => (s.code === 0 ? resolve() : reject(new Error(s.details))));
      counted.on('error', reject);
    });
    expect(got.length).toBe(500);
    expect(got[499]).toBe('499');

    const chat = c.makeBidiStreamRequest('/t.S/Chat', raw, raw, new Metadata());
    const echoed: string[] = [];
    const done = new Promise<number>((resolve) => chat.on('status', (s) => resolve(s.code)));
    chat.on('data', (b: Buffer) => echoed.push(b.toString()));
    chat.on('error', () => {});
    for (const w of ['a', 'b', 'c']) chat.write(Buffer.from(w));
    chat.end();
    expect(await done).toBe(0);
    expect(echoed).toEqual(['a', 'b', 'c']);

    const before = { cancelled: seen.cancelled, closed: seen.closed };
    const dropped = c.makeBidiStreamRequest('/t.S/Listen', raw, raw, new Metadata());
    dropped.on('error', () => {});
    const first = new Promise<void>((resolve) => dropped.once('data', () => resolve()));
    dropped.write(Buffer.from('x'));
    await first;
    dropped.cancel();
    const end = Date.now() + 3000;
    while (seen.cancelled === before.cancelled && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(seen.cancelled).toBe(before.cancelled + 1);
    expect(seen.closed).toBeGreaterThan(before.closed);
  });
});

describe('gRPC server with real etcdctl (grpc-go) as the client', () => {
  const srv = useSingleServer();
  const etcdctl = (endpoint: string, ...args: string[]) => spawnSync(ETCDCTL, [`--endpoints=${endpoint}`, ...args], { encoding: 'utf8', timeout: 30_000 });

  it('serves endpoints given as host:port and as a URL (grpc-go then puts the scheme in :authority)', () => {
    expect(etcdctl(srv.ep, 'put', 'authority', 'plain').stdout).toBe('OK\n');
    expect(etcdctl(`http://${srv.ep}`, 'get', 'authority').stdout).toBe('authority\nplain\n');
    expect(etcdctl(`http://${srv.ep}`, 'put', 'authority', 'url').stdout).toBe('OK\n');
    expect(etcdctl(srv.ep, 'get', 'authority', '--print-value-only').stdout).toBe('url\n');
    for (const ep of [srv.ep, `http://${srv.ep}`]) {
      const r = etcdctl(ep, 'endpoint', 'status');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(', 8e9e05c52164694d, 3.4.23, ');
    }
  });
});
