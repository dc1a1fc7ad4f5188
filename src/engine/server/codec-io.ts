// Byte-level reading and writing for the raft entry codec: unsigned and
// zigzag varints (protobuf's), length-prefixed bytes and UTF-8 strings, and
// 64-bit IDs (hex strings) as 8 big-endian bytes. Raft entries are written
// straight into a shared slab that finish() hands out views of, so encoding a
// request allocates little beyond its result.

export class CodecError extends Error {
  constructor(message: string) {
    super(`internal raft request codec: ${message}`);
    this.name = 'CodecError';
  }
}

const ENCODER = new TextEncoder();
// fatal: a malformed string in an entry is a corrupt entry, not U+FFFD.
const DECODER = new TextDecoder('utf-8', { fatal: true });
const badId = (id: string) => new CodecError(`invalid 64-bit id ${JSON.stringify(id)}`);
/** Char codes of the hex digits. */
const HEX_CODES = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
/** Scratch for an ID's 16 digit codes while decoding. */
const idCodes = new Uint16Array(16);
/** Largest magnitude a zigzag varint carries (its code stays a safe integer). */
const MAX_SIGNED = 2 ** 52 - 1;

const SLAB_SIZE = 64 * 1024;
/** A message that outgrows this leaves the slab for a buffer of its own. */
const SLAB_MAX_PART = 1024;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabView = new Uint8Array(slab);
/** Where the next message in the slab starts (the ones before it are taken). */
let slabPos = 0;

export class Writer {
  private buf: Uint8Array;
  /** Where the message starts in buf: 0, or its place in the shared slab. */
  private start = 0;
  /** Where the next byte goes in buf (not the message's length when it sits in the slab). */
  private pos = 0;

  /**
   * @param slabbed write small messages straight into the shared slab (raft
   *   entries: many small messages, each kept as long as its entry), so that
   *   finish() hands out a view of the bytes written instead of a copy
   */
  constructor(
    size = 1024,
    private readonly slabbed = false,
  ) {
    this.buf = slabbed ? slabView : new Uint8Array(size);
  }

  /** Starts a new message, reusing the buffer (or the slab's free part). */
  reset(): void {
    if (this.slabbed) {
      this.buf = slabView;
      this.start = this.pos = slabPos;
    } else {
      this.pos = 0;
    }
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const len = this.pos - this.start;
    const part = this.buf.subarray(this.start, this.pos);
    if (this.buf === slabView && len + n <= SLAB_MAX_PART) {
      // The slab is full: the message so far moves to the start of a new one.
      slab = new ArrayBuffer(SLAB_SIZE);
      slabView = new Uint8Array(slab);
      slabPos = 0;
      this.buf = slabView;
    } else {
      let size = Math.max(this.buf === slabView ? 2 * SLAB_MAX_PART : this.buf.length * 2, 16);
      while (size < len + n) size *= 2;
      this.buf = new Uint8Array(size);
    }
    this.buf.set(part);
    this.start = 0;
    this.pos = len;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** A non-negative safe integer as a protobuf varint. */
  uvarint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new CodecError(`not an unsigned integer: ${v}`);
    this.ensure(8);
    const b = this.buf;
    while (v > 0x7f) {
      // & works on v mod 2^32, whose low 7 bits are v's.
      const low = v & 0x7f;
      b[this.pos++] = low | 0x80;
      v = (v - low) / 128;
    }
    b[this.pos++] = v;
  }

  /** An integer of magnitude < 2^52 as a zigzag varint (int64 fields that may be negative). */
  svarint(v: number): void {
    if (!Number.isInteger(v) || Math.abs(v) > MAX_SIGNED) throw new CodecError(`integer out of range: ${v}`);
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.uvarint(n);
    this.ensure(n);
    const buf = this.buf;
    if (n <= 32) {
      // A loop beats the native call's set-up for short keys.
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = b[i]!;
      this.pos = p;
      return;
    }
    buf.set(b, this.pos);
    this.pos += n;
  }

  str(s: string): void {
    const n = s.length;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      this.bytes(ENCODER.encode(s));
      return;
    }
    this.uvarint(n);
    this.ensure(n);
    const b = this.buf;
    for (let i = 0; i < n; i++) b[this.pos++] = s.charCodeAt(i);
  }

  /** A uint64 ID in canonical hex (lower case, no leading zeros) as 8 big-endian bytes. */
  id64(id: string): void {
    const n = id.length;
    if (n === 0 || n > 16 || (n > 1 && id.charCodeAt(0) === 48)) throw badId(id);
    let hi = 0;
    let lo = 0;
    const split = n - 8;
    for (let i = 0; i < n; i++) {
      const c = id.charCodeAt(i);
      const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (v < 0) throw badId(id);
      if (i < split) hi = hi * 16 + v;
      else lo = lo * 16 + v;
    }
    this.ensure(8);
    const b = this.buf;
    let p = this.pos;
    b[p++] = hi >>> 24;
    b[p++] = (hi >>> 16) & 0xff;
    b[p++] = (hi >>> 8) & 0xff;
    b[p++] = hi & 0xff;
    b[p++] = lo >>> 24;
    b[p++] = (lo >>> 16) & 0xff;
    b[p++] = (lo >>> 8) & 0xff;
    b[p++] = lo & 0xff;
    this.pos = p;
  }

  /**
   * The message written since reset(), as bytes no later write touches. A
   * small message written into the slab is handed out as a view of it: one
   * typed-array view, no copy. Its .buffer is the slab, so readers must
   * honour byteOffset (Reader does).
   */
  finish(): Uint8Array {
    if (this.buf !== slabView) return this.buf.slice(this.start, this.pos);
    const out = new Uint8Array(slab, this.start, this.pos - this.start);
    // Keep views 8-byte aligned, as allocations would be.
    slabPos = Math.min(SLAB_SIZE, (this.pos + 7) & ~7);
    return out;
  }
}

export class Reader {
  pos = 0;

  constructor(readonly buf: Uint8Array) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new CodecError('truncated data');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  uvarint(): number {
    const b = this.buf;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= b.length) throw new CodecError('truncated varint');
      const x = b[this.pos++]!;
      v += (x & 0x7f) * mul;
      if (x < 0x80) {
        if (!Number.isSafeInteger(v)) break;
        return v;
      }
      mul *= 128;
    }
    throw new CodecError('varint out of range');
  }

  svarint(): number {
    const u = this.uvarint();
    // Zigzag: even codes are n >= 0, odd ones -(u + 1) / 2.
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** A view into the entry's bytes (entries are never mutated, and the stores copy). */
  bytes(): Uint8Array {
    const n = this.uvarint();
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  str(): string {
    const n = this.uvarint();
    this.need(n);
    const b = this.buf;
    const end = this.pos + n;
    if (n <= 64) {
      let s = '';
      let i = this.pos;
      for (; i < end; i++) {
        const c = b[i]!;
        if (c > 0x7f) break;
        s += String.fromCharCode(c);
      }
      if (i === end) {
        this.pos = end;
        return s;
      }
    }
    const s = DECODER.decode(b.subarray(this.pos, end));
    this.pos = end;
    return s;
  }

  id64(): string {
    this.need(8);
    const b = this.buf;
    const p = this.pos;
    let hi = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    let lo = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
    this.pos = p + 8;
    // Digit codes, then one string: several times faster than toString(16) and padding.
    const c = idCodes;
    for (let i = 7; i >= 0; i--) {
      c[i] = HEX_CODES[hi & 15]!;
      hi >>>= 4;
    }
    for (let i = 15; i >= 8; i--) {
      c[i] = HEX_CODES[lo & 15]!;
      lo >>>= 4;
    }
    let z = 0;
    while (z < 15 && c[z] === 48) z++;
    if (z === 0) {
      return String.fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!);
    }
    return String.fromCharCode.apply(null, c.subarray(z) as unknown as number[]);
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.pos !== this.buf.length) throw new CodecError(`${this.buf.length - this.pos} trailing bytes`);
  }
}

/** Exported for tests: the largest |n| svarint takes. */
export const SVARINT_MAX = MAX_SIGNED;
