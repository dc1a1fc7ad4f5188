// Lease IDs inside the store. A LeaseID is the int64's 64-bit pattern in
// unpadded lower-case hex (lease/types.ts), so it already is the uint64 that a
// protobuf int64 field's varint encodes: a negative ID, like a large one, is
// just a long pattern (10 varint bytes). These helpers work on that pattern,
// with plain numbers where it fits in 52 bits and bigint only beyond.
import { isLeaseId } from '../lease/id.ts';
import { NO_LEASE, type LeaseID } from '../lease/types.ts';

export { NO_LEASE, type LeaseID };

/** Hex digits that always fit a double exactly (13 * 4 = 52 bits). */
const SAFE_DIGITS = 13;

/** Refuses a non-canonical ID: a caller bug (no protobuf int64 decodes to one), not a KV error. */
export function checkLeaseId(id: LeaseID): void {
  if (!isLeaseId(id)) throw new Error(`invalid lease id ${JSON.stringify(id)}`);
}

/** Bytes of the protobuf varint of the ID's 64-bit pattern (1 for '0'). */
export function leaseVarintSize(id: LeaseID): number {
  const bits = 4 * (id.length - 1) + (32 - Math.clz32(parseInt(id[0]!, 16)));
  return Math.max(1, Math.ceil(bits / 7));
}

/** Feeds the ID's varint bytes (7 bits a byte, low first) to emit. */
export function leaseVarint(id: LeaseID, emit: (byte: number) => void): void {
  if (id.length <= SAFE_DIGITS) {
    let v = parseInt(id, 16);
    while (v >= 0x80) {
      emit((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    emit(v);
    return;
  }
  let u = BigInt('0x' + id);
  while (u >= 0x80n) {
    emit(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  emit(Number(u));
}

/** The pattern's high and low 32 bits (the snapshot's fixed 8 bytes). */
export function leaseToWords(id: LeaseID): [number, number] {
  if (id.length <= 8) return [0, parseInt(id, 16)];
  return [parseInt(id.slice(0, -8), 16), parseInt(id.slice(-8), 16)];
}

export function leaseFromWords(hi: number, lo: number): LeaseID {
  return hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
}
