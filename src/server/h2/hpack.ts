// HPACK (RFC 7541) for the HTTP/2 server: a complete decoder (static and
// dynamic tables, Huffman strings) for the clients' header blocks, and an
// encoder that writes every field as a literal that is never indexed, so
// the client's dynamic table stays empty and each block stands on its own.
// Names and values are latin1 strings: one char per octet.

/** RFC 7541 Appendix A. */
const STATIC: [string, string][] = [
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''], ['etag', ''],
  ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''], ['if-modified-since', ''],
  ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''], ['last-modified', ''], ['link', ''],
  ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''], ['proxy-authorization', ''], ['range', ''],
  ['referer', ''], ['refresh', ''], ['retry-after', ''], ['server', ''], ['set-cookie', ''],
  ['strict-transport-security', ''], ['transfer-encoding', ''], ['user-agent', ''], ['vary', ''], ['via', ''],
  ['www-authenticate', ''],
];

/**
 * Huffman code lengths of symbols 0..256 (256 is EOS), RFC 7541 Appendix B,
 * one letter each ('a' = 5 bits). The code is canonical: codes follow from
 * the lengths, assigned in (length, symbol) order.
 */
const LENGTHS =
  'isxxxxxxxtzxxzxxxxxxxxzxxxxxxxxxbffhibdgffdgdbbbaaabbbbbbbcdkbhfibccccccccccccccccccccccdcdioijbkabababbbaccbbbabcbaabccccckgjix' +
  'prpprrrsrssssststtrstssssqrsrsstrqprrssqsrrtqrssqqrqsrssprrrsrrsvvporsruvvvwwvtuoqvwwvwtqqvvxwwwptpqrqqsrruuttvsvwvvwwwwwxwwwwwvz';

/** Canonical decoding tables: per length, the first code, how many codes, and where its symbols start. */
const HUFF = (() => {
  const lens = [...LENGTHS].map((c) => c.charCodeAt(0) - 97 + 5);
  const symbols = lens.map((_, s) => s).sort((a, b) => lens[a]! - lens[b]! || a - b);
  const first = new Array<number>(31).fill(0);
  const count = new Array<number>(31).fill(0);
  const offset = new Array<number>(31).fill(0);
  for (const l of lens) count[l]!++;
  let code = 0;
  let at = 0;
  for (let l = 1; l <= 30; l++) {
    code = (code + count[l - 1]!) * 2;
    first[l] = code;
    offset[l] = at;
    at += count[l]!;
  }
  return { symbols, first, count, offset };
})();

function huffmanDecode(b: Buffer): string {
  const out: number[] = [];
  let code = 0;
  let len = 0;
  for (const byte of b) {
    for (let bit = 7; bit >= 0; bit--) {
      code = code * 2 + ((byte >> bit) & 1);
      len++;
      const i = code - HUFF.first[len]!;
      if (i >= 0 && i < HUFF.count[len]!) {
        const sym = HUFF.symbols[HUFF.offset[len]! + i]!;
        if (sym === 256) throw new Error('hpack: EOS in string');
        out.push(sym);
        code = 0;
        len = 0;
      } else if (len >= 30) {
        throw new Error('hpack: bad huffman code');
      }
    }
  }
  // What is left must be padding: fewer than 8 bits, all ones (a prefix of EOS).
  if (len >= 8 || code !== 2 ** len - 1) throw new Error('hpack: bad huffman padding');
  return Buffer.from(out).toString('latin1');
}

/**
 * Huffman strings decoded before. Clients send some values Huffman-coded
 * on every request without indexing them (nghttp2 never indexes :path), so
 * the same few strings come again and again; the cache is bounded.
 */
const decoded = new Map<string, string>();
const DECODED_MAX = 1024;

function huffmanCached(raw: Buffer): string {
  const key = raw.toString('latin1');
  let s = decoded.get(key);
  if (s === undefined) {
    s = huffmanDecode(raw);
    if (decoded.size >= DECODED_MAX) decoded.clear();
    decoded.set(key, s);
  }
  return s;
}

export type HeaderField = [name: string, value: string];

/** The static table as fields (read-only: nobody writes into a decoded field). */
const STATIC_FIELDS: readonly HeaderField[] = STATIC;

/** One connection's decoder: its dynamic table follows the peer encoder's. */
export class HpackDecoder {
  private table: HeaderField[] = [];
  private size = 0;
  private maxSize = 4096;
  /** The block being decoded and the read position in it. */
  private block: Buffer = Buffer.alloc(0);
  private pos = 0;

  decode(block: Buffer): HeaderField[] {
    const out: HeaderField[] = [];
    this.block = block;
    this.pos = 0;
    while (this.pos < block.length) {
      const b = block[this.pos]!;
      if (b & 128) {
        out.push(this.entry(this.int(7)));
      } else if (b & 64) {
        const idx = this.int(6);
        const name = idx === 0 ? this.str() : this.entry(idx)[0];
        const field: HeaderField = [name, this.str()];
        out.push(field);
        this.insert(field);
      } else if (b & 32) {
        this.maxSize = this.int(5);
        // The client may not grow the table past the 4096 octets our SETTINGS allow (the default).
        if (this.maxSize > 4096) throw new Error('hpack: table size past the limit');
        this.evict();
      } else {
        const idx = this.int(4);
        const name = idx === 0 ? this.str() : this.entry(idx)[0];
        out.push([name, this.str()]);
      }
    }
    return out;
  }

  private int(prefixBits: number): number {
    const block = this.block;
    const mask = (1 << prefixBits) - 1;
    let v = block[this.pos++]! & mask;
    if (v < mask) return v;
    let m = 1;
    for (;;) {
      if (this.pos >= block.length) throw new Error('hpack: truncated integer');
      const b = block[this.pos++]!;
      v += (b & 127) * m;
      m *= 128;
      if ((b & 128) === 0) return v;
      if (m > 2 ** 28) throw new Error('hpack: integer too large');
    }
  }

  private str(): string {
    const block = this.block;
    if (this.pos >= block.length) throw new Error('hpack: truncated string');
    const huffman = (block[this.pos]! & 128) !== 0;
    const n = this.int(7);
    if (this.pos + n > block.length) throw new Error('hpack: truncated string');
    const raw = block.subarray(this.pos, this.pos + n);
    this.pos += n;
    return huffman ? huffmanCached(raw) : raw.toString('latin1');
  }

  private entry(idx: number): HeaderField {
    if (idx >= 1 && idx <= STATIC.length) return STATIC_FIELDS[idx - 1]!;
    const e = this.table[idx - STATIC.length - 1];
    if (!e) throw new Error(`hpack: index ${idx} out of range`);
    return e;
  }

  private insert(f: HeaderField): void {
    this.table.unshift(f);
    this.size += 32 + f[0].length + f[1].length;
    this.evict();
  }

  private evict(): void {
    while (this.size > this.maxSize && this.table.length > 0) {
      const e = this.table.pop()!;
      this.size -= 32 + e[0].length + e[1].length;
    }
  }
}

function encodeInt(out: number[], first: number, prefixBits: number, v: number): void {
  const mask = (1 << prefixBits) - 1;
  if (v < mask) {
    out.push(first | v);
    return;
  }
  out.push(first | mask);
  v -= mask;
  while (v >= 128) {
    out.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** Every field as "literal without indexing, new name", no Huffman: self-contained and table-neutral. */
export function encodeHeaders(fields: readonly HeaderField[]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    const n = Buffer.from(name, 'latin1');
    const v = Buffer.from(value, 'latin1');
    const head: number[] = [0];
    encodeInt(head, 0, 7, n.length);
    parts.push(Buffer.from(head), n);
    const vh: number[] = [];
    encodeInt(vh, 0, 7, v.length);
    parts.push(Buffer.from(vh), v);
  }
  return Buffer.concat(parts);
}
