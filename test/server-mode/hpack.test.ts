// The HTTP/2 server's HPACK (src/server/h2/hpack.ts): the decoder against
// RFC 7541's Huffman examples (C.4, one connection, so the dynamic table
// carries over), and the encoder read back; and grpc-timeout's reading.
import { describe, expect, it } from 'vitest';
import { deadlineOf, timeoutMs } from '../../src/server/grpc/server.ts';
import { HpackDecoder, encodeHeaders, type HeaderField } from '../../src/server/h2/hpack.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const text = (fields: HeaderField[]): string[][] => fields.map(([n, v]) => [n, v]);

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
    const fields: HeaderField[] = [[':path', '/etcdserverpb.KV/Range'], ['x', 'a'.repeat(300)], ['token-bin', '\u00ff\u0000\u0080']];
    expect(text(new HpackDecoder().decode(encodeHeaders(fields)))).toEqual(text(fields));
    expect(() => new HpackDecoder().decode(hex('ff ff ff ff ff ff'))).toThrow();
    // A table size update may shrink the table or keep it at 4096 octets, never grow it past our SETTINGS.
    expect(new HpackDecoder().decode(hex('3f e1 1f'))).toEqual([]);
    expect(() => new HpackDecoder().decode(hex('3f e1 3f'))).toThrow('table size');
  });
});

describe('grpc-timeout', () => {
  it('reads each unit, and nothing malformed', () => {
    expect(timeoutMs('5S')).toBe(5000);
    expect(timeoutMs('2M')).toBe(120_000);
    expect(timeoutMs('1H')).toBe(3_600_000);
    expect(timeoutMs('250m')).toBe(250);
    expect(timeoutMs('1500u')).toBe(1.5);
    expect(timeoutMs('123456789S')).toBeUndefined();
    expect(timeoutMs('5s')).toBeUndefined();
    expect(timeoutMs('')).toBeUndefined();
  });

  it('gives the deadline it ends at, none for what is missing, malformed or too long for a timer', () => {
    expect(deadlineOf('5S', 1000)).toBe(6000);
    expect(deadlineOf('2147483S', 0)).toBe(2_147_483_000);
    expect(deadlineOf('2147484S', 0)).toBe(Infinity);
    expect(deadlineOf('1000H', 0)).toBe(Infinity);
    expect(deadlineOf('99999999n', 0)).toBeCloseTo(99.999999);
    expect(deadlineOf('bogus', 0)).toBe(Infinity);
    expect(deadlineOf('', 0)).toBe(Infinity);
  });
});
