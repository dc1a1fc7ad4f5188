// Lease ID conversions. A LeaseID is the int64's 64-bit pattern in unpadded
// lower-case hex (see types.ts); these helpers give the int64 value and the
// forms etcd prints it in:
//   etcdctl simple output  %016x of the int64:  694d7d1e2a2b1c05, -000000000000005
//   etcdctl -w json / grpc-gateway            decimal int64: 7587899055526532357, -5
// and parse what etcdctl accepts (strconv.ParseInt(arg, 16, 64)).
import type { LeaseID, LeaseResult } from './types.ts';

const U64 = 1n << 64n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const CANONICAL = /^(?:0|[1-9a-f][0-9a-f]{0,15})$/;

/** True for a LeaseID in canonical form (lower hex, no leading zeros, at most 16 digits). */
export function isLeaseId(id: string): boolean {
  return CANONICAL.test(id);
}

function check(id: LeaseID): void {
  if (!isLeaseId(id)) throw new Error(`invalid lease id ${JSON.stringify(id)}`);
}

/** The LeaseID of an int64 value. */
export function leaseIdFromInt64(n: bigint): LeaseID {
  if (n < I64_MIN || n > I64_MAX) throw new RangeError(`lease id ${n} is outside int64`);
  return (n < 0n ? n + U64 : n).toString(16);
}

/** The int64 value of a LeaseID. */
export function leaseIdToInt64(id: LeaseID): bigint {
  check(id);
  return BigInt.asIntN(64, BigInt('0x' + id));
}

/** Orders IDs by their int64 value, negatives first. */
export function compareLeaseIds(a: LeaseID, b: LeaseID): number {
  const x = leaseIdToInt64(a);
  const y = leaseIdToInt64(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Go's fmt %016x of the int64, as etcdctl prints lease IDs. A negative ID keeps
 * its sign and the zero padding goes after it, so the width stays 16.
 */
export function formatLeaseIdHex(id: LeaseID): string {
  const n = leaseIdToInt64(id);
  if (n >= 0n) return n.toString(16).padStart(16, '0');
  return '-' + (-n).toString(16).padStart(15, '0');
}

/**
 * The int64 in decimal, as etcdctl -w json and the grpc-gateway print it. A
 * string, because most IDs are beyond Number.MAX_SAFE_INTEGER: a JSON printer
 * must write these digits verbatim, not through a JS number.
 */
export function formatLeaseIdDecimal(id: LeaseID): string {
  return leaseIdToInt64(id).toString(10);
}

/** Go's strconv.ParseInt(s, base, 64), with its error texts. */
function parseInt64(s: string, base: 10 | 16): LeaseResult<bigint> {
  const quoted = JSON.stringify(s);
  const syntax = { ok: false as const, error: `strconv.ParseInt: parsing ${quoted}: invalid syntax` };
  const range = { ok: false as const, error: `strconv.ParseInt: parsing ${quoted}: value out of range` };
  let digits = s;
  let neg = false;
  if (digits[0] === '+' || digits[0] === '-') {
    neg = digits[0] === '-';
    digits = digits.slice(1);
  }
  if (digits === '') return syntax;
  const big = BigInt(base);
  let n = 0n;
  for (const c of digits.toLowerCase()) {
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= base) return syntax;
    n = n * big + BigInt(d);
    // ParseUint stops at the first digit that overflows uint64, before looking further.
    if (n >= U64) return range;
  }
  if (neg ? n > -I64_MIN : n > I64_MAX) return range;
  return { ok: true, value: neg ? -n : n };
}

/**
 * Parses a lease ID argument as etcdctl does (hex, optional sign, no 0x). The
 * error is the text etcdctl prints after "Error: ".
 */
export function parseLeaseIdHex(arg: string): LeaseResult<LeaseID> {
  const r = parseInt64(arg, 16);
  if (!r.ok) return { ok: false, error: `bad lease ID arg (${r.error}), expecting ID in Hex` };
  return { ok: true, value: leaseIdFromInt64(r.value) };
}

/** Parses a decimal int64 ID, as the grpc-gateway's JSON carries it ("ID":"-5"). */
export function parseLeaseIdDecimal(s: string): LeaseResult<LeaseID> {
  const r = parseInt64(s, 10);
  if (!r.ok) return r;
  return { ok: true, value: leaseIdFromInt64(r.value) };
}
