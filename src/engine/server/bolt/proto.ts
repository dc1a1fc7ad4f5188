// Just enough protobuf for the messages etcd keeps in its bbolt buckets
// (mvccpb.KeyValue, leasepb.Lease, authpb.User/Role, etcdserverpb.AlarmMember):
// varint and length-delimited fields, proto3 style (zero values left out).
import { BoltError, ErrInvalid } from '../../mvcc/bolt/format.ts';

export class ProtoWriter {
  private readonly out: number[] = [];

  private varint(v: bigint): void {
    let u = BigInt.asUintN(64, v);
    while (u >= 0x80n) {
      this.out.push(Number(u & 0x7fn) | 0x80);
      u >>= 7n;
    }
    this.out.push(Number(u));
  }

  /** A varint field (int64 and uint64 as their 64-bit pattern); 0 is left out. */
  uint(field: number, v: number | bigint): this {
    if (v === 0 || v === 0n) return this;
    this.varint(BigInt(field << 3));
    this.varint(BigInt(v));
    return this;
  }

  /** A bytes/string/message field; empty is left out unless `always`. */
  bytes(field: number, b: Uint8Array, always = false): this {
    if (b.length === 0 && !always) return this;
    this.varint(BigInt((field << 3) | 2));
    this.varint(BigInt(b.length));
    for (let i = 0; i < b.length; i++) this.out.push(b[i]!);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** A decoded message: each field's values in order (varints as bigint, the rest as bytes). */
export type ProtoFields = Map<number, (bigint | Uint8Array)[]>;

export function readProto(b: Uint8Array): ProtoFields {
  const fields: ProtoFields = new Map();
  let pos = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= b.length) throw new BoltError(ErrInvalid);
      const c = b[pos++]!;
      v |= BigInt(c & 0x7f) << shift;
      if (c < 0x80) return BigInt.asUintN(64, v);
    }
    throw new BoltError(ErrInvalid);
  };
  while (pos < b.length) {
    const tag = varint();
    const field = Number(tag >> 3n);
    let v: bigint | Uint8Array;
    switch (Number(tag & 7n)) {
      case 0:
        v = varint();
        break;
      case 2: {
        const n = Number(varint());
        if (pos + n > b.length) throw new BoltError(ErrInvalid);
        v = b.subarray(pos, pos + n);
        pos += n;
        break;
      }
      default:
        throw new BoltError(ErrInvalid);
    }
    const list = fields.get(field);
    if (list) list.push(v);
    else fields.set(field, [v]);
  }
  return fields;
}

/** The last value of a varint field (0 when absent). */
export function uintOf(f: ProtoFields, field: number): bigint {
  const v = f.get(field)?.at(-1);
  if (v === undefined) return 0n;
  if (typeof v !== 'bigint') throw new BoltError(ErrInvalid);
  return v;
}

/** The last value of a bytes field (empty when absent). */
export function bytesOf(f: ProtoFields, field: number): Uint8Array {
  return allBytes(f, field).at(-1) ?? new Uint8Array(0);
}

export function allBytes(f: ProtoFields, field: number): Uint8Array[] {
  return (f.get(field) ?? []).map((v) => {
    if (typeof v === 'bigint') throw new BoltError(ErrInvalid);
    return v;
  });
}
