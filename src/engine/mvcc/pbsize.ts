// Protobuf wire sizes, for the db size model and watch response fragmentation.

/** Bytes of a varint; negative int64s take 10. */
export function varintSize(v: number): number {
  if (v < 0) return 10;
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** A varint field with a one-byte tag; absent (0 bytes) when zero, as proto3 omits defaults. */
export function intField(v: number): number {
  return v === 0 ? 0 : 1 + varintSize(v);
}
