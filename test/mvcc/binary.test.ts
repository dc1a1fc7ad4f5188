// Bytes <-> binary strings: one char per byte, for every length and byte
// (short keys take their own path), and byte order equals string order.
import { describe, expect, it } from 'vitest';
import { compareBytes, fromBinary, toBinary } from '../../src/engine/mvcc/binary.ts';

/** A deterministic byte pattern that covers 0..255 over the lengths. */
const bytes = (n: number, salt: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 131 + salt * 29 + 7) & 0xff);

describe('binary strings', () => {
  it('one char per byte, every length and byte value, and back', () => {
    for (let n = 0; n <= 40; n++) {
      for (let salt = 0; salt < 12; salt++) {
        const b = bytes(n, salt);
        const s = toBinary(b);
        expect(s.length).toBe(n);
        for (let i = 0; i < n; i++) expect(s.charCodeAt(i)).toBe(b[i]);
        expect(fromBinary(s)).toEqual(b);
      }
    }
    const all = new Uint8Array(256).map((_, i) => i);
    expect(fromBinary(toBinary(all))).toEqual(all);
    // ASCII, multi-byte UTF-8 and a BOM go through the long path unchanged too.
    for (const text of ['k'.repeat(17), '\u00e9'.repeat(20), '\ufeff' + 'x'.repeat(30)]) {
      const b = new TextEncoder().encode(text);
      expect(fromBinary(toBinary(b))).toEqual(b);
    }
  });

  it('strings order as bytes.Compare orders the bytes', () => {
    const samples = [0, 1, 2, 5, 9, 16, 17, 30].flatMap((n) => [0, 1, 2].map((salt) => bytes(n, salt)));
    for (const a of samples) {
      for (const c of samples) {
        const sa = toBinary(a);
        const sc = toBinary(c);
        expect(Math.sign(sa < sc ? -1 : sa > sc ? 1 : 0)).toBe(compareBytes(a, c));
      }
    }
  });
});
