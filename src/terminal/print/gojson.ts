// Go encoding/json (json.Marshal, Go 1.19) as etcdctl's json printer uses it
// on the gogo-generated etcdserverpb structs. Values are built as JSON text:
// `obj` takes [name, value] pairs and drops undefined values, which is how
// `omitempty` is expressed (see the `oe` helpers). Field names are the
// structs' json tags (snake_case proto names), or the Go field name where
// the struct has no tag (oneof wrappers: "Response", "ResponsePut", ...).
import { decodeRune, utf8 } from './bytes.ts';

/** JSON text of one value. */
export type Json = string;

const HEX = '0123456789abcdef';

/** A Go string as encoding/json writes it: HTML-safe escapes, invalid UTF-8 as \ufffd. */
export function jsonString(s: string | Uint8Array): Json {
  const b = typeof s === 'string' ? utf8(s) : s;
  let out = '"';
  for (let i = 0; i < b.length; ) {
    const [cp, n] = decodeRune(b, i);
    i += n;
    if (cp < 0) out += '\\ufffd';
    else if (cp === 0x22) out += '\\"';
    else if (cp === 0x5c) out += '\\\\';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp === 0x09) out += '\\t';
    else if (cp < 0x20 || cp === 0x3c || cp === 0x3e || cp === 0x26) out += '\\u00' + HEX[cp >> 4] + HEX[cp & 15];
    else if (cp === 0x2028 || cp === 0x2029) out += '\\u' + cp.toString(16);
    else out += String.fromCodePoint(cp);
  }
  return out + '"';
}

/** []byte: standard base64 in quotes (nil and empty alike, unless omitted). */
export function jsonBytes(b: Uint8Array): Json {
  let bin = '';
  for (const c of b) bin += String.fromCharCode(c);
  return '"' + btoa(bin) + '"';
}

/** An integer (number, bigint or decimal text). */
export function jsonInt(n: number | bigint | string): Json {
  return typeof n === 'string' ? n : String(n);
}

export function jsonBool(b: boolean): Json {
  return b ? 'true' : 'false';
}

/** A struct: fields in declaration order; undefined values are left out. */
export function jsonObject(fields: readonly (readonly [string, Json | undefined])[]): Json {
  const parts: string[] = [];
  for (const [k, v] of fields) if (v !== undefined) parts.push(jsonString(k) + ':' + v);
  return '{' + parts.join(',') + '}';
}

/** A slice; a nil slice marshals as null (use `oe.array` for omitempty). */
export function jsonArray(items: readonly Json[] | undefined): Json {
  return items === undefined ? 'null' : '[' + items.join(',') + ']';
}

/** uint64 IDs kept as hex strings (member, cluster IDs) → decimal JSON number text. */
export function u64FromHex(hex: string): string {
  return BigInt('0x' + (hex || '0')).toString();
}

/** int64 kept as the hex of its bit pattern (lease IDs) → signed decimal text. */
export function i64FromHex(hex: string): string {
  return BigInt.asIntN(64, BigInt('0x' + (hex || '0'))).toString();
}

/** omitempty: undefined for Go's zero values, the JSON text otherwise. */
export const oe = {
  int(n: number | bigint | string): Json | undefined {
    return n === 0 || n === 0n || n === '0' ? undefined : jsonInt(n);
  },
  u64hex(hex: string): Json | undefined {
    return oe.int(u64FromHex(hex));
  },
  i64hex(hex: string): Json | undefined {
    return oe.int(i64FromHex(hex));
  },
  bool(b: boolean | undefined): Json | undefined {
    return b ? 'true' : undefined;
  },
  string(s: string | undefined): Json | undefined {
    return s ? jsonString(s) : undefined;
  },
  bytes(b: Uint8Array | undefined): Json | undefined {
    return b && b.length > 0 ? jsonBytes(b) : undefined;
  },
  array(items: readonly Json[] | undefined): Json | undefined {
    return items && items.length > 0 ? jsonArray(items) : undefined;
  },
  /** A pointer to a struct: omitted when nil. */
  object(v: Json | undefined): Json | undefined {
    return v;
  },
};
