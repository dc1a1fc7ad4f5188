// The connection gate (src/server/grpc/h2-gate.ts): which connections go to
// Node's native HTTP/2 session and which through the :authority wrapper,
// judged on the client's first bytes, and the client's ACK of the gate's own
// SETTINGS kept from the server on both paths. Then real etcdctl (grpc-go)
// against a running server on both paths (robust.test.ts has grpc-js
// clients, which take the native one).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AuthorityRewriter } from '../../src/server/grpc/authority.ts';
import { GATE_MAX_BYTES, judge } from '../../src/server/grpc/h2-gate.ts';
import { encodeHeaders } from '../../src/server/grpc/hpack.ts';
import { PREFACE, frame } from './h2-frames.ts';
import { ETCDCTL, useSingleServer } from './harness.ts';

const SETTINGS = frame(4, 0, 0);
const ACK = frame(4, 1, 0);
const WINDOW_UPDATE = frame(8, 0, 0, Buffer.from([0, 0, 0x10, 0]));
const block = (authority: string): Buffer =>
  encodeHeaders([
    [Buffer.from(':method'), Buffer.from('POST')],
    [Buffer.from(':path'), Buffer.from('/etcdserverpb.KV/Range')],
    [Buffer.from(':authority'), Buffer.from(authority)],
  ]);
const headers = (authority: string): Buffer => frame(1, 0x4, 1, block(authority));
const data = frame(0, 0x1, 1, Buffer.from([0, 0, 0, 0, 2, 0x0a, 0x00]));

describe('h2 gate', () => {
  it('sends a clean :authority to the native session, without the ACK of the gate preface', () => {
    const r = judge(Buffer.concat([PREFACE, SETTINGS, WINDOW_UPDATE, ACK, headers('127.0.0.1:2379'), data]))!;
    expect(r.verdict).toEqual({ wrap: false, ackPending: false });
    expect(r.forward.equals(Buffer.concat([PREFACE, SETTINGS, WINDOW_UPDATE, headers('127.0.0.1:2379'), data]))).toBe(true);
  });

  it('sends a URL :authority (grpc-go dialled with a scheme) through the wrapper', () => {
    const r = judge(Buffer.concat([PREFACE, SETTINGS, ACK, headers('http://127.0.0.1:2379')]))!;
    expect(r.verdict).toEqual({ wrap: true, ackPending: false });
    expect(r.forward.equals(Buffer.concat([PREFACE, SETTINGS, headers('http://127.0.0.1:2379')]))).toBe(true);
  });

  it('waits for a whole header block, across CONTINUATION frames and any split', () => {
    const b = block('127.0.0.1:2379');
    const bytes = Buffer.concat([PREFACE, SETTINGS, ACK, frame(1, 0, 1, b.subarray(0, 7)), frame(9, 0x4, 1, b.subarray(7))]);
    for (let n = 0; n < bytes.length; n++) expect(judge(bytes.subarray(0, n))).toBeUndefined();
    expect(judge(bytes)!.verdict).toEqual({ wrap: false, ackPending: false });
  });

  it('wraps what it cannot vouch for, and leaves a later ACK for the wrapper to drop', () => {
    // Headers before the ACK: the native session would get an ACK it never asked for.
    expect(judge(Buffer.concat([PREFACE, SETTINGS, headers('127.0.0.1:2379')]))!.verdict).toEqual({ wrap: true, ackPending: true });
    // A PING (or anything else) before the first request, a broken block, a bad preface.
    expect(judge(Buffer.concat([PREFACE, SETTINGS, ACK, frame(6, 0, 0, Buffer.alloc(8))]))!.verdict).toEqual({ wrap: true, ackPending: false });
    expect(judge(Buffer.concat([PREFACE, SETTINGS, ACK, frame(1, 0x4, 1, Buffer.from([0xff, 0xff, 0xff, 0xff]))]))!.verdict.wrap).toBe(true);
    expect(judge(Buffer.from('PRI * HTTP/1.1\r\n'))!.verdict.wrap).toBe(true);
    // Early frames without end: the gate stops holding them past its limit.
    const updates = Buffer.concat(Array.from({ length: GATE_MAX_BYTES / 13 }, () => WINDOW_UPDATE));
    expect(judge(Buffer.concat([PREFACE, SETTINGS, ACK, updates.subarray(0, 13 * 100)]))).toBeUndefined();
    expect(judge(Buffer.concat([PREFACE, SETTINGS, ACK, updates]))!.verdict).toEqual({ wrap: true, ackPending: false });
    // Nothing more came before the time ran out.
    expect(judge(Buffer.concat([PREFACE, SETTINGS]))).toBeUndefined();
    expect(judge(Buffer.concat([PREFACE, SETTINGS]), true)!.verdict).toEqual({ wrap: true, ackPending: true });
    const timedOut = judge(Buffer.concat([PREFACE, SETTINGS, ACK]), true)!;
    expect(timedOut.verdict).toEqual({ wrap: true, ackPending: false });
    expect(timedOut.forward.equals(Buffer.concat([PREFACE, SETTINGS]))).toBe(true);
  });

  it('the wrapper drops the first SETTINGS ACK when told, and only that one', () => {
    const rw = new AuthorityRewriter(true);
    const input = Buffer.concat([PREFACE, SETTINGS, ACK, headers('127.0.0.1:2379'), ACK]);
    const out = Buffer.concat(rw.feed(input));
    expect(out.equals(Buffer.concat([PREFACE, SETTINGS, headers('127.0.0.1:2379'), ACK]))).toBe(true);
    expect(Buffer.concat(new AuthorityRewriter().feed(input)).equals(input)).toBe(true);
  });
});

describe('h2 gate, with real etcdctl', () => {
  const srv = useSingleServer();
  const etcdctl = (endpoint: string, ...args: string[]) => spawnSync(ETCDCTL, [`--endpoints=${endpoint}`, ...args], { encoding: 'utf8', timeout: 30_000 });

  it('serves grpc-go on both paths: host:port (native) and a URL :authority (wrapper)', () => {
    expect(etcdctl(srv.ep, 'put', 'gate', 'native').stdout).toBe('OK\n');
    expect(etcdctl(`http://${srv.ep}`, 'get', 'gate').stdout).toBe('gate\nnative\n');
    expect(etcdctl(`http://${srv.ep}`, 'put', 'gate', 'wrapped').stdout).toBe('OK\n');
    expect(etcdctl(srv.ep, 'get', 'gate', '--print-value-only').stdout).toBe('wrapped\n');
    // A maintenance call too, on each path.
    for (const ep of [srv.ep, `http://${srv.ep}`]) {
      const r = etcdctl(ep, 'endpoint', 'status');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(', 8e9e05c52164694d, 3.4.23, ');
    }
  });
});
