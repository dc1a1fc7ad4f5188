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

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** Scratch for an ID's 16 digit codes. */
const codes = new Uint16Array(16);

/**
 * prefix:16 bits | suffix:48 bits as unpadded hex. Digit by digit from two
 * 24-bit halves: a double's toString(16) is slow, and this is on every
 * request's path.
 */
function join(prefix: number, suffix: number): string {
  const c = codes;
  let hi = Math.floor(suffix / 2 ** 24);
  let lo = suffix - hi * 2 ** 24;
  let p = prefix;
  for (let i = 15; i >= 10; i--, lo >>>= 4) c[i] = HEX_CODES[lo & 15]!;
  for (let i = 9; i >= 4; i--, hi >>>= 4) c[i] = HEX_CODES[hi & 15]!;
  for (let i = 3; i >= 0; i--, p >>>= 4) c[i] = HEX_CODES[p & 15]!;
  let z = 0;
  while (z < 15 && c[z] === 48) z++;
  if (z === 0) return String.fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!);
  return String.fromCharCode.apply(null, c.subarray(z) as unknown as number[]);
}
