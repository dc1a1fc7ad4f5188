// 64-bit IDs between the engine and the wire. The engine writes member and
// cluster IDs (uint64) and lease IDs (int64) as the unpadded lower-case hex
// of their 64-bit pattern; proto-loader (longs: String) hands int64/uint64
// fields over as decimal strings. BigInt converts both ways exactly, so a
// negative lease ID (-5 is 'fffffffffffffffb') and an ID above 2^63 survive.

/** An engine uint64 ID (hex) as the decimal string a uint64 field takes. */
export function u64ToWire(hex: string): string {
  return BigInt('0x' + (hex || '0')).toString();
}

/** A uint64 field (decimal string, number or absent) as an engine ID (hex). */
export function u64FromWire(v: string | number | undefined | null): string {
  return BigInt.asUintN(64, BigInt(v ?? 0)).toString(16);
}

/** An engine lease ID (hex bit pattern) as the signed decimal an int64 field takes. */
export function leaseToWire(hex: string): string {
  return BigInt.asIntN(64, BigInt('0x' + (hex || '0'))).toString();
}

/** An int64 lease ID from the wire as the engine's hex bit pattern. */
export function leaseFromWire(v: string | number | undefined | null): string {
  return BigInt.asUintN(64, BigInt(v ?? 0)).toString(16);
}

/** An int64 count or revision from the wire. Revisions stay far below 2^53. */
export function num(v: string | number | undefined | null): number {
  return v === undefined || v === null ? 0 : Number(v);
}
