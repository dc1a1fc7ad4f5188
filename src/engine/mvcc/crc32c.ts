// CRC-32C (Castagnoli), the checksum etcd's HashKV uses
// (crc32.MakeTable(crc32.Castagnoli)). Table-driven, one byte at a time,
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

/** A running CRC-32C: feed bytes, binary strings or integers; sum() is the checksum so far. */
export class Crc32c {
  private crc = 0xffffffff;

  bytes(b: Uint8Array): this {
    let c = this.crc;
    for (let i = 0; i < b.length; i++) c = TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
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
