// Keys and values live inside the store as "binary strings": one UTF-16 code
// unit per byte (0..255). Plain string comparison then orders them exactly as
// bytes.Compare does, they make fast B-tree keys, and V8 stores them one byte
// per char. Conversion happens only at the API boundary.

const CHUNK = 8192;
// ignoreBOM keeps a leading EF BB BF as U+FEFF, which the ASCII test then rejects.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Bytes -> binary string. */
export function toBinary(b: Uint8Array): string {
  const n = b.length;
  if (n <= 16) {
    // Short keys: a plain loop beats any native call.
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
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
