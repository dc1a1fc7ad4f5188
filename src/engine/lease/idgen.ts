// etcd's pkg/idutil Generator: the request-ID source each member builds at
// start-up, which also names leases granted without an ID. An ID is
//   | low 16 bits of the member ID | low 40 bits of unix ms at start | 8-bit count |
// and every Next() adds one to the lower 48 bits, so the count carries into the
// timestamp instead of wrapping. Time comes from the caller (the virtual clock
// plus the cluster's start epoch), so the same run hands out the same IDs.
import type { LeaseID } from './types.ts';

const TS_BITS = 40;
const COUNT_BITS = 8;
const SUFFIX_MOD = 2 ** (TS_BITS + COUNT_BITS);

export class IdGenerator {
  /** The member ID's low 16 bits. */
  private readonly prefix: number;
  /** The lower 48 bits of the last ID handed out (below 2^48, so exact in a number). */
  private suffix: number;

  /**
   * @param memberId the member's ID in hex, as raft keeps it
   * @param unixMs wall-clock ms at start-up: the cluster's start epoch plus virtual time
   */
  constructor(memberId: string, unixMs: number) {
    if (!/^[0-9a-f]{1,16}$/.test(memberId)) throw new Error(`invalid member id ${JSON.stringify(memberId)}`);
    if (!Number.isSafeInteger(Math.floor(unixMs)) || unixMs < 0) throw new Error(`invalid start time ${unixMs}`);
    this.prefix = parseInt(memberId.slice(-4), 16);
    this.suffix = (Math.floor(unixMs) % 2 ** TS_BITS) * 2 ** COUNT_BITS;
  }

  /** The next 64-bit ID as unpadded lower hex (etcd's uint64 request ID). */
  next(): string {
    this.suffix = (this.suffix + 1) % SUFFIX_MOD;
    return join(this.prefix, this.suffix);
  }

  /**
   * The next ID for a lease granted with ID 0. etcdserver masks off bit 63 so
   * lease IDs are positive int64s (a member ID ending in 8000-ffff loses its
   * top bit), and draws again in the one-in-2^48 case that leaves 0.
   */
  nextLeaseId(): LeaseID {
    for (;;) {
      this.suffix = (this.suffix + 1) % SUFFIX_MOD;
      const id = join(this.prefix & 0x7fff, this.suffix);
      if (id !== '0') return id;
    }
  }
}

/** prefix:16 bits | suffix:48 bits as unpadded hex (no regex: this is on every request's path). */
function join(prefix: number, suffix: number): string {
  if (prefix === 0) return suffix.toString(16);
  return prefix.toString(16) + suffix.toString(16).padStart(12, '0');
}
