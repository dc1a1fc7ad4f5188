// The :authority fix's HPACK pieces (src/server/grpc/hpack.ts, authority.ts):
// the decoder against RFC 7541's Huffman examples (C.4, one connection, so
// the dynamic table carries over), and the frame rewriter end to end.
import { describe, expect, it } from 'vitest';
import { AuthorityRewriter, cleanAuthority } from '../../src/server/grpc/authority.ts';
import { beyondTimers } from '../../src/server/grpc/stream-headers.ts';
import { HpackDecoder, encodeHeaders, type HeaderField } from '../../src/server/grpc/hpack.ts';
import { PREFACE, frame } from './h2-frames.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const text = (fields: HeaderField[]): string[][] => fields.map(([n, v]) => [n.toString('latin1'), v.toString('latin1')]);

describe('HPACK decoder', () => {
  it('decodes RFC 7541 C.4 (requests with Huffman coding)', () => {
    const d = new HpackDecoder();
    expect(text(d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff')))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    expect(text(d.decode(hex('8286 84be 5886 a8eb 1064 9cbf')))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ]);
    expect(text(d.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf')))).toEqual([
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ]);
  });

  it('reads back what the encoder writes, and refuses garbage', () => {
    const fields: HeaderField[] = [[Buffer.from(':path'), Buffer.from('/etcdserverpb.KV/Range')], [Buffer.from('x'), Buffer.alloc(300, 97)]];
    expect(text(new HpackDecoder().decode(encodeHeaders(fields)))).toEqual(text(fields));
    expect(() => new HpackDecoder().decode(hex('ff ff ff ff ff ff'))).toThrow();
  });
});

describe('authority rewriter', () => {
  it('strips the scheme grpc-go puts in :authority', () => {
    expect(cleanAuthority('http://127.0.0.1:2379')).toBe('127.0.0.1:2379');
    expect(cleanAuthority('127.0.0.1:2379')).toBe('127.0.0.1:2379');
  });

  it('rewrites HEADERS (split over CONTINUATION) and passes other frames through', () => {
    const preface = PREFACE;
    const settings = frame(4, 0, 0, Buffer.alloc(0));
    const block = encodeHeaders([
      [Buffer.from(':authority'), Buffer.from('http://127.0.0.1:2379')],
      [Buffer.from(':path'), Buffer.from('/etcdserverpb.Maintenance/Status')],
    ]);
    const headers = frame(1, 0x1, 3, block.subarray(0, 10)); // END_STREAM, no END_HEADERS
    const cont = frame(9, 0x4, 3, block.subarray(10));
    const data = frame(0, 0, 3, Buffer.from('abc'));
    const input = Buffer.concat([preface, settings, headers, cont, data]);
    const rw = new AuthorityRewriter();
    // Byte by byte: frames must survive any split.
    const out = Buffer.concat([...input].flatMap((b) => rw.feed(Buffer.from([b]))));
    expect(out.subarray(0, 24).equals(preface)).toBe(true);
    expect(out.subarray(24, 33).equals(settings)).toBe(true);
    const len = out.readUIntBE(33, 3);
    expect(out[36]).toBe(1);
    expect(out[37]).toBe(0x1 | 0x4);
    const fields = text(new HpackDecoder().decode(out.subarray(42, 42 + len)));
    expect(fields).toEqual([
      [':authority', '127.0.0.1:2379'],
      [':path', '/etcdserverpb.Maintenance/Status'],
    ]);
    expect(out.subarray(42 + len).equals(data)).toBe(true);
  });
});

describe('grpc-timeout beyond timers', () => {
  it('drops only deadlines too long for a timer (which grpc-js would fire at once)', () => {
    expect(beyondTimers('5S')).toBe(false);
    expect(beyondTimers('2147483S')).toBe(false);
    expect(beyondTimers('2147484S')).toBe(true);
    expect(beyondTimers('1000H')).toBe(true);
    expect(beyondTimers('99999999n')).toBe(false);
    expect(beyondTimers('bogus')).toBe(false);
  });
});
