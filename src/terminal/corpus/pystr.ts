// Python string semantics the corpus runner relies on, where JavaScript's
// differ: lengths and ordering by code point (not UTF-16 unit), splitlines,
// %g, and bytes.decode("utf-8", errors="backslashreplace").

/** len(s): code points. */
export function cpLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Python's str ordering (code point by code point). */
export function cpCompare(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** sorted(list of str). */
export function pySorted(xs: readonly string[]): string[] {
  return [...xs].sort(cpCompare);
}

/** sorted(list of list of str): lexicographic over the lists. */
export function pySortedLists(xs: readonly string[][]): string[][] {
  return [...xs].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = cpCompare(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  });
}

/** s.splitlines(True): Python's line boundaries, ends kept. */
export function splitlinesKeepends(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!'\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029'.includes(c)) continue;
    const end = c === '\r' && s[i + 1] === '\n' ? i + 2 : i + 1;
    out.push(s.slice(start, end));
    start = end;
    i = end - 1;
  }
  if (start < s.length) out.push(s.slice(start));
  return out;
}

/** '%g' % x. */
export function pyG(x: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = x.toPrecision(6);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

const hex2 = (b: number): string => '\\x' + b.toString(16).padStart(2, '0');

/** Length of the valid UTF-8 sequence at b[i] (as CPython accepts it), or 0. */
function seqLen(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    // No overlongs (E0 80..9F) and no surrogates (ED A0..BF).
    const ok1 = c === 0xe0 ? cont(1, 0xa0) : c === 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    return ok1 && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const ok1 = c === 0xf0 ? cont(1, 0x90) : c === 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    return ok1 && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** bytes.decode("utf-8", errors="backslashreplace"): each undecodable byte as \xNN. */
export function decodeBackslashReplace(b: Uint8Array): string {
  const dec = new TextDecoder('utf-8', { ignoreBOM: true });
  let out = '';
  let run = 0; // start of the current run of valid bytes
  let i = 0;
  while (i < b.length) {
    const n = seqLen(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += dec.decode(b.subarray(run, i)) + hex2(b[i]!);
    i++;
    run = i;
  }
  return out + dec.decode(b.subarray(run, i));
}

/** bytes.decode("utf-8", "replace"): each maximal invalid subpart becomes U+FFFD (what TextDecoder does). */
export function decodeReplace(b: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);
}
