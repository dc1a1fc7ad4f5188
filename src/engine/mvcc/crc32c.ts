// CRC-32C (Castagnoli), the checksum etcd's HashKV uses
// (crc32.MakeTable(crc32.Castagnoli)). Table-driven (slicing-by-8 for byte arrays),
// with an incremental API so the store can feed it field by field.

const POLY = 0x82f63b78; // reversed 0x1EDC6F41

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/**
 * Slicing-by-8 tables (T[k][i] = the CRC of byte i followed by k zero bytes):
 * eight bytes per step instead of one, the same checksum. Snapshots run
 * their whole store through it.
 */
const SLICES = (() => {
  const t = new Uint32Array(8 * 256);
  t.set(TABLE);
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = (prev >>> 8) ^ TABLE[prev & 0xff]!;
    }
  }
  return t;
})();

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A running CRC-32C: feed bytes, binary strings or integers; sum() is the checksum so far. */
export class Crc32c {
  private crc = 0xffffffff;

  bytes(b: Uint8Array): this {
    let c = this.crc;
    const n = b.length;
    const t = SLICES;
    let i = 0;
    if (n >= 256 && LITTLE_ENDIAN && (b.byteOffset & 3) === 0) {
      // Big inputs (snapshots): read the bytes four at a time as they lie in
      // memory, which on a little-endian host is the byte order used below.
      const w = new Uint32Array(b.buffer, b.byteOffset, n >>> 2);
      const m = w.length & ~1;
      for (let k = 0; k < m; k += 2) {
        const lo = c ^ w[k]!;
        const hi = w[k + 1]!;
        c =
          t[1792 + (lo & 0xff)]! ^
          t[1536 + ((lo >>> 8) & 0xff)]! ^
          t[1280 + ((lo >>> 16) & 0xff)]! ^
          t[1024 + (lo >>> 24)]! ^
          t[768 + (hi & 0xff)]! ^
          t[512 + ((hi >>> 8) & 0xff)]! ^
          t[256 + ((hi >>> 16) & 0xff)]! ^
          t[hi >>> 24]!;
      }
      i = m * 4;
    }
    for (; i + 8 <= n; i += 8) {
      const lo = c ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
      const hi = b[i + 4]! | (b[i + 5]! << 8) | (b[i + 6]! << 16) | (b[i + 7]! << 24);
      c =
        t[1792 + (lo & 0xff)]! ^
        t[1536 + ((lo >>> 8) & 0xff)]! ^
        t[1280 + ((lo >>> 16) & 0xff)]! ^
        t[1024 + (lo >>> 24)]! ^
        t[768 + (hi & 0xff)]! ^
        t[512 + ((hi >>> 8) & 0xff)]! ^
        t[256 + ((hi >>> 16) & 0xff)]! ^
        t[hi >>> 24]!;
    }
    for (; i < n; i++) c = TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
    this.crc = c;
    return this;
  }

  /** A binary string (one char per byte). */
  binary(s: string): this {
    let c = this.crc;
    for (let i = 0; i < s.length; i++) c = TABLE[(c ^ s.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
    this.crc = c;
    return this;
  }

  byte(v: number): this {
    this.crc = TABLE[(this.crc ^ v) & 0xff]! ^ (this.crc >>> 8);
    return this;
  }

  /** An integer with |v| < 2^53 as 8 big-endian bytes (two's complement, like an int64). */
  u64(v: number): this {
    const hi = Math.floor(v / 0x100000000);
    const lo = v >>> 0;
    for (let s = 24; s >= 0; s -= 8) this.byte((hi >>> s) & 0xff);
    for (let s = 24; s >= 0; s -= 8) this.byte((lo >>> s) & 0xff);
    return this;
  }

  sum(): number {
    return (this.crc ^ 0xffffffff) >>> 0;
  }
}

export function crc32c(b: Uint8Array): number {
  return new Crc32c().bytes(b).sum();
}
