// Protobuf wire encoding as gogo's generated Marshal() writes etcd's
// messages: fields in field-number order, proto3 scalars left out when zero,
// set message fields always written (an empty header is `0a 00`), repeated
// fields one record per element. etcdctl writes the bytes as they are,
// without framing or a newline.

export type Varint = number | bigint | string;

function toBig(v: Varint): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  return BigInt(v);
}

/** Builds one message. Methods return this, so encoders chain. */
export class ProtoWriter {
  private out: number[] = [];

  private rawVarint(v: bigint): void {
    // Negative int64s are written as their 64-bit two's complement (10 bytes).
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.out.push(Number(x));
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(BigInt((field << 3) | wire));
  }

  /** A varint scalar (int64, uint64, int32, enum); left out when zero. */
  varint(field: number, v: Varint | undefined): this {
    if (v === undefined) return this;
    const b = toBig(v);
    if (b === 0n) return this;
    this.tag(field, 0);
    this.rawVarint(b);
    return this;
  }

  /** A uint64 kept as hex (member/cluster IDs) or an int64 kept as its bit pattern in hex (lease IDs). */
  hexVarint(field: number, hex: string | undefined): this {
    return this.varint(field, hex ? BigInt('0x' + hex) : undefined);
  }

  /** A bool; left out when false. */
  bool(field: number, v: boolean | undefined): this {
    return this.varint(field, v ? 1 : 0);
  }

  /** A bytes or string scalar; left out when empty. */
  bytes(field: number, v: Uint8Array | string | undefined): this {
    if (v === undefined || v.length === 0) return this;
    const b = typeof v === 'string' ? new TextEncoder().encode(v) : v;
    this.tag(field, 2);
    this.rawVarint(BigInt(b.length));
    for (const c of b) this.out.push(c);
    return this;
  }

  /** A set message field (written even when empty); undefined (nil) is left out. */
  message(field: number, m: Uint8Array | ProtoWriter | undefined): this {
    if (m === undefined) return this;
    const b = m instanceof ProtoWriter ? m.finish() : m;
    this.tag(field, 2);
    this.rawVarint(BigInt(b.length));
    for (const c of b) this.out.push(c);
    return this;
  }

  /** A repeated message field. */
  messages<T>(field: number, items: readonly T[] | undefined, enc: (item: T) => Uint8Array | ProtoWriter): this {
    for (const it of items ?? []) this.message(field, enc(it));
    return this;
  }

  /** Packed repeated varints (proto3 default for repeated scalars). */
  packed(field: number, items: readonly Varint[] | undefined): this {
    if (!items || items.length === 0) return this;
    const w = new ProtoWriter();
    for (const v of items) w.rawVarint(toBig(v));
    const b = w.finish();
    this.tag(field, 2);
    this.rawVarint(BigInt(b.length));
    for (const c of b) this.out.push(c);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}
