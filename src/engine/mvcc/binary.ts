// Keys and values live inside the store as "binary strings": one UTF-16 code
// unit per byte (0..255). Plain string comparison then orders them exactly as
// bytes.Compare does, they make fast B-tree keys, and V8 stores them one byte
// per char. Conversion happens only at the API boundary.

const CHUNK = 8192;
// ignoreBOM keeps a leading EF BB BF as U+FEFF, which the ASCII test then rejects.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

const ch = String.fromCharCode;

/**
 * Short bytes (most keys) as one flat string: a char-by-char concatenation
 * builds a chain of pieces that V8 must flatten again to hash or compare it,
 * which every index lookup of a key does; one call with every char does not.
 */
function shortBinary(b: Uint8Array): string {
  switch (b.length) {
    case 0:
      return '';
    case 1:
      return ch(b[0]!);
    case 2:
      return ch(b[0]!, b[1]!);
    case 3:
      return ch(b[0]!, b[1]!, b[2]!);
    case 4:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!);
    case 5:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!);
    case 6:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!);
    case 7:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!);
    case 8:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!);
    case 9:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!);
    case 10:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!);
    case 11:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!);
    case 12:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!);
    case 13:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!);
    case 14:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!);
    case 15:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!);
    case 16:
      return ch(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!);
    default:
      throw new Error('shortBinary: more than 16 bytes');
  }
}

/** Bytes -> binary string. */
export function toBinary(b: Uint8Array): string {
  const n = b.length;
  if (n <= 16) return shortBinary(b);
  // Most values are ASCII, where UTF-8 decoding is the identity and native.
  // Any other byte either joins a multi-byte sequence (the string comes out
  // shorter than n: nothing decodes to more chars than bytes) or is invalid
  // and becomes U+FFFD. So same length and no U+FFFD means all ASCII, and
  // that test is nearly free (a one-byte string cannot hold U+FFFD).
  const ascii = utf8Decoder.decode(b);
  if (ascii.length === n && ascii.indexOf('\uFFFD') < 0) return ascii;
  if (n <= CHUNK) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = '';
  for (let i = 0; i < n; i += CHUNK) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return s;
}

/** Binary string -> fresh bytes (callers may keep and mutate them). */
export function fromBinary(s: string): Uint8Array {
  const n = s.length;
  // (TextEncoder on ASCII strings measured slower here, once the regex test is paid.)
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** bytes.Compare: -1, 0 or 1 in byte order. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** A key above every binary string: the end of an unbounded range. */
export const PAST_ALL_KEYS = '\u0100';

/**
 * The end of a key range, after etcd's mkGteRange: undefined means the
 * single key, '' means no upper bound, anything else is an exclusive end.
 */
export type RangeEnd = string | undefined;

/** A request's range_end as a RangeEnd: empty is one key, "\0" is "to the end". */
export function rangeEndOf(end: Uint8Array | undefined): RangeEnd {
  if (end === undefined || end.length === 0) return undefined;
  if (end.length === 1 && end[0] === 0) return '';
  return toBinary(end);
}
