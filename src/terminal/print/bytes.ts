// Byte-level helpers for printing: UTF-8, etcdctl's --hex form, Go's %q
// (strconv.Quote) and a builder for output that mixes text with raw bytes
// (keys and values are printed as stored, valid UTF-8 or not).

const encoder = new TextEncoder();

/** A string's UTF-8 bytes (command-line keys and values). */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Bytes as text, invalid sequences as U+FFFD (only for display, never for output). */
export function utf8Text(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

const HEX = '0123456789abcdef';

/** etcdctl's --hex form: every byte as `\xNN` (addHexPrefix of hex.EncodeToString). */
export function hexBytes(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += '\\x' + HEX[c >> 4] + HEX[c & 15];
  return s;
}

/** Decodes one UTF-8 rune at i: [code point, length], or [-1, 1] for an invalid byte (Go's RuneError). */
export function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c = b[i]!;
  if (c < 0x80) return [c, 1];
  let n: number;
  let cp: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) [n, cp, min] = [2, c & 0x1f, 0x80];
  else if (c >= 0xe0 && c <= 0xef) [n, cp, min] = [3, c & 0x0f, 0x800];
  else if (c >= 0xf0 && c <= 0xf4) [n, cp, min] = [4, c & 0x07, 0x10000];
  else return [-1, 1];
  if (i + n > b.length) return [-1, 1];
  for (let k = 1; k < n; k++) {
    const d = b[i + k]!;
    if ((d & 0xc0) !== 0x80) return [-1, 1];
    cp = (cp << 6) | (d & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [-1, 1];
  return [cp, n];
}

/** Go's unicode.IsPrint (approximated with Unicode categories; space is the only printable space). */
function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(cp));
}

/** Go's strconv.Quote of a byte string, the `%q` of fmt. */
export function goQuote(data: Uint8Array | string): string {
  const b = typeof data === 'string' ? utf8(data) : data;
  let out = '"';
  for (let i = 0; i < b.length; ) {
    const [cp, n] = decodeRune(b, i);
    if (cp < 0) {
      out += '\\x' + HEX[b[i]! >> 4] + HEX[b[i]! & 15];
      i += 1;
      continue;
    }
    i += n;
    if (cp === 0x22 || cp === 0x5c) out += '\\' + String.fromCharCode(cp);
    else if (isPrint(cp)) out += String.fromCodePoint(cp);
    else if (cp === 7) out += '\\a';
    else if (cp === 8) out += '\\b';
    else if (cp === 12) out += '\\f';
    else if (cp === 10) out += '\\n';
    else if (cp === 13) out += '\\r';
    else if (cp === 9) out += '\\t';
    else if (cp === 11) out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + HEX[cp >> 4] + HEX[cp & 15];
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** Output made of text and raw bytes, written in one go. */
export class ByteBuilder {
  private parts: Uint8Array[] = [];
  private size = 0;

  /** Appends text (as UTF-8) or raw bytes. */
  add(data: string | Uint8Array): this {
    const b = typeof data === 'string' ? utf8(data) : data;
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  /** fmt.Println of one operand: the data and a newline. */
  line(data: string | Uint8Array = ''): this {
    return this.add(data).add('\n');
  }

  get length(): number {
    return this.size;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
