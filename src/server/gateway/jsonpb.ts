// Messages between the gateway's JSON and the gRPC codecs' objects, as
// etcd 3.4's grpc-gateway (jsonpb, OrigName) writes and reads them: proto
// field names out, proto or camelCase names in, 64-bit integers as decimal
// strings, bytes as standard base64, enums by name, and zero values left
// out. Input errors carry Go's texts (json: cannot unmarshal ...).
import type { Wire } from '../grpc/codec-kv.ts';
import { type JsonValue, GoJsonError, JsonNumber, parseWhole } from './go-json.ts';
import type { FieldShape, Schema } from './schema.ts';

const INT64 = new Set(['TYPE_INT64', 'TYPE_SINT64', 'TYPE_SFIXED64']);
const UINT64 = new Set(['TYPE_UINT64', 'TYPE_FIXED64']);
const INT32 = new Set(['TYPE_INT32', 'TYPE_SINT32', 'TYPE_SFIXED32']);
const UINT32 = new Set(['TYPE_UINT32', 'TYPE_FIXED32']);

// ---- out ----

function isZero(f: FieldShape, v: unknown, schema: Schema): boolean {
  if (v === undefined || v === null) return true;
  if (f.type === 'TYPE_MESSAGE') return false;
  if (f.type === 'TYPE_ENUM') return v === 0 || schema.enumOf(f.ref).byName.get(String(v)) === 0;
  if (v instanceof Uint8Array) return v.length === 0;
  return v === 0 || v === '0' || v === '' || v === false || v === 0n;
}

function scalarOut(f: FieldShape, v: unknown, schema: Schema): unknown {
  if (INT64.has(f.type) || UINT64.has(f.type)) return String(v);
  if (f.type === 'TYPE_BYTES') {
    const b = v as Uint8Array;
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  }
  if (f.type === 'TYPE_ENUM') return typeof v === 'number' ? (schema.enumOf(f.ref).byNumber.get(v) ?? v) : v;
  if (f.type === 'TYPE_MESSAGE') return messageOut(schema, f.ref, v as Wire);
  return v;
}

/** A codec's message (camelCase fields) as the JSON object etcd's gateway prints. */
export function messageOut(schema: Schema, type: string, w: Wire): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (w === null || w === undefined) return out;
  for (const f of schema.message(type).fields) {
    const v = w[f.wire];
    if (f.repeated) {
      const arr = (v ?? []) as unknown[];
      if (arr.length > 0) out[f.name] = arr.map((x) => scalarOut(f, x, schema));
    } else if (!isZero(f, v, schema)) {
      out[f.name] = scalarOut(f, v, schema);
    }
  }
  return out;
}

// ---- in ----

/** encoding/json's name for what a JSON value is, in "cannot unmarshal X". */
function kindOf(v: JsonValue): string {
  if (v instanceof JsonNumber) return 'number';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object' && v !== null) return 'object';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

const cannot = (what: string, goType: string): GoJsonError => new GoJsonError(`json: cannot unmarshal ${what} into Go value of type ${goType}`);

const B64 = /[A-Za-z0-9+/]/;

/** base64.StdEncoding.DecodeString, with its error offsets. */
export function goBase64(s: string): Buffer {
  const t = s.replace(/[\r\n]/g, '');
  const bad = (i: number): GoJsonError => new GoJsonError(`illegal base64 data at input byte ${i}`);
  let i = 0;
  while (i < t.length) {
    for (let j = 0; j < 4; j++) {
      if (i === t.length) {
        if (j === 0) break;
        throw bad(i - j);
      }
      const c = t[i++]!;
      if (c === '=') {
        if (j < 2) throw bad(i - 1);
        if (j === 2) {
          if (i === t.length) throw bad(t.length);
          if (t[i] !== '=') throw bad(i);
          i++;
        }
        if (i < t.length) throw bad(i);
        return Buffer.from(t, 'base64');
      }
      if (!B64.test(c)) throw bad(i - 1);
    }
  }
  return Buffer.from(t, 'base64');
}

function integerIn(f: FieldShape, v: JsonValue): string | number {
  const goType = INT64.has(f.type) ? 'int64' : UINT64.has(f.type) ? 'uint64' : INT32.has(f.type) ? 'int32' : 'uint32';
  // jsonpb takes a 64-bit integer written as a string by parsing what is inside the quotes.
  const n = typeof v === 'string' ? parseWhole(v) : v;
  if (!(n instanceof JsonNumber)) throw cannot(kindOf(n), goType);
  const bits = goType.endsWith('64') ? 64 : 32;
  const signed = !goType.startsWith('u');
  let big: bigint | undefined;
  if (/^-?\d+$/.test(n.text)) big = BigInt(n.text);
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  if (big === undefined || big < min || big > max) throw cannot(`number ${n.text}`, goType);
  return bits === 64 ? big.toString() : Number(big);
}

function scalarIn(schema: Schema, f: FieldShape, v: JsonValue): unknown {
  if (INT64.has(f.type) || UINT64.has(f.type) || INT32.has(f.type) || UINT32.has(f.type)) return integerIn(f, v);
  switch (f.type) {
    case 'TYPE_BOOL':
      if (typeof v !== 'boolean') throw cannot(kindOf(v), 'bool');
      return v;
    case 'TYPE_STRING':
      if (typeof v !== 'string') throw cannot(kindOf(v), 'string');
      return v;
    case 'TYPE_BYTES':
      if (typeof v !== 'string') throw cannot(kindOf(v), '[]uint8');
      return goBase64(v);
    case 'TYPE_DOUBLE':
    case 'TYPE_FLOAT':
      if (!(v instanceof JsonNumber)) throw cannot(kindOf(v), 'float64');
      return Number(v.text);
    case 'TYPE_ENUM': {
      const e = schema.enumOf(f.ref);
      if (typeof v === 'string') {
        if (!e.byName.has(v)) throw new GoJsonError(`unknown value ${JSON.stringify(v)} for enum ${e.goName}`);
        return v;
      }
      if (v instanceof JsonNumber && /^-?\d+$/.test(v.text)) return e.byNumber.get(Number(v.text)) ?? Number(v.text);
      throw cannot(kindOf(v), 'int32');
    }
    case 'TYPE_MESSAGE':
      return messageIn(schema, f.ref, v);
    default:
      throw new GoJsonError(`unsupported field type ${f.type}`);
  }
}

/** A JSON request as the object the gRPC codecs read (camelCase names, int64 as strings, bytes as Buffers). */
export function messageIn(schema: Schema, type: string, v: JsonValue): Wire {
  const out: Wire = {};
  if (v === null) return out;
  if (typeof v !== 'object' || v instanceof JsonNumber || Array.isArray(v)) throw cannot(kindOf(v), 'map[string]json.RawMessage');
  const shape = schema.message(type);
  for (const [k, x] of Object.entries(v)) {
    const f = shape.byJsonName.get(k);
    // jsonpb leaves unknown fields alone, as etcd's gateway does.
    if (!f || x === null) continue;
    if (f.repeated) {
      if (!Array.isArray(x)) throw cannot(kindOf(x), '[]json.RawMessage');
      out[f.wire] = x.map((e) => scalarIn(schema, f, e));
    } else {
      out[f.wire] = scalarIn(schema, f, x);
    }
  }
  return out;
}
