// The KV requests' bytes inside a raft entry: range, put, delete range, txn
// (compares and request ops, nested to any depth) and compaction. Each message
// starts with a varint of presence flags, then its fields in a fixed order.
// Like protobuf 3, fields at their default (false, 0, empty bytes, the 0th
// enum value, no lease) are not written, so decoding leaves them out; the
// stores read an absent field as its default, so nothing changes in meaning.
import { NO_LEASE } from '../lease/types.ts';
import type {
  Compare,
  CompareResult,
  CompareTarget,
  CompactionRequest,
  DeleteRangeRequest,
  PutRequest,
  RangeRequest,
  RequestOp,
  SortOrder,
  SortTarget,
  TxnRequest,
} from '../mvcc/rpc.ts';
import { CodecError, type Reader, type Writer } from './codec-io.ts';

// Enums in their proto numbering: the index is the number.
const SORT_ORDERS: readonly SortOrder[] = ['NONE', 'ASCEND', 'DESCEND'];
const SORT_TARGETS: readonly SortTarget[] = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'];
const COMPARE_RESULTS: readonly CompareResult[] = ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'];
const COMPARE_TARGETS: readonly CompareTarget[] = ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'];

/** The proto number of an enum value; throws on a value the enum lacks. */
export function enumIndex<T extends string>(values: readonly T[], v: T, what: string): number {
  const i = values.indexOf(v);
  if (i < 0) throw new CodecError(`unknown ${what} ${JSON.stringify(v)}`);
  return i;
}

export function enumValue<T extends string>(values: readonly T[], i: number, what: string): T {
  const v = values[i];
  if (v === undefined) throw new CodecError(`unknown ${what} number ${i}`);
  return v;
}

const nonEmpty = (b: Uint8Array | undefined): b is Uint8Array => b !== undefined && b.length > 0;

// ---- RangeRequest ----

const R_END = 1;
const R_LIMIT = 2;
const R_REV = 4;
const R_ORDER = 8;
const R_TARGET = 16;
const R_SERIAL = 32;
const R_KEYS = 64;
const R_COUNT = 128;
const R_MINMOD = 256;
const R_MAXMOD = 512;
const R_MINCREATE = 1024;
const R_MAXCREATE = 2048;

export function writeRange(w: Writer, r: RangeRequest): void {
  let f = 0;
  if (nonEmpty(r.rangeEnd)) f |= R_END;
  if (r.limit) f |= R_LIMIT;
  if (r.revision) f |= R_REV;
  if (r.sortOrder !== undefined && r.sortOrder !== 'NONE') f |= R_ORDER;
  if (r.sortTarget !== undefined && r.sortTarget !== 'KEY') f |= R_TARGET;
  if (r.serializable) f |= R_SERIAL;
  if (r.keysOnly) f |= R_KEYS;
  if (r.countOnly) f |= R_COUNT;
  if (r.minModRevision) f |= R_MINMOD;
  if (r.maxModRevision) f |= R_MAXMOD;
  if (r.minCreateRevision) f |= R_MINCREATE;
  if (r.maxCreateRevision) f |= R_MAXCREATE;
  w.uvarint(f);
  w.bytes(r.key);
  if (f & R_END) w.bytes(r.rangeEnd!);
  if (f & R_LIMIT) w.svarint(r.limit!);
  if (f & R_REV) w.svarint(r.revision!);
  if (f & R_ORDER) w.u8(enumIndex(SORT_ORDERS, r.sortOrder!, 'sort order'));
  if (f & R_TARGET) w.u8(enumIndex(SORT_TARGETS, r.sortTarget!, 'sort target'));
  if (f & R_MINMOD) w.svarint(r.minModRevision!);
  if (f & R_MAXMOD) w.svarint(r.maxModRevision!);
  if (f & R_MINCREATE) w.svarint(r.minCreateRevision!);
  if (f & R_MAXCREATE) w.svarint(r.maxCreateRevision!);
}

export function readRange(rd: Reader): RangeRequest {
  const f = rd.uvarint();
  const r: RangeRequest = { key: rd.bytes() };
  if (f & R_END) r.rangeEnd = rd.bytes();
  if (f & R_LIMIT) r.limit = rd.svarint();
  if (f & R_REV) r.revision = rd.svarint();
  if (f & R_ORDER) r.sortOrder = enumValue(SORT_ORDERS, rd.u8(), 'sort order');
  if (f & R_TARGET) r.sortTarget = enumValue(SORT_TARGETS, rd.u8(), 'sort target');
  if (f & R_SERIAL) r.serializable = true;
  if (f & R_KEYS) r.keysOnly = true;
  if (f & R_COUNT) r.countOnly = true;
  if (f & R_MINMOD) r.minModRevision = rd.svarint();
  if (f & R_MAXMOD) r.maxModRevision = rd.svarint();
  if (f & R_MINCREATE) r.minCreateRevision = rd.svarint();
  if (f & R_MAXCREATE) r.maxCreateRevision = rd.svarint();
  return r;
}

// ---- PutRequest ----

const P_VALUE = 1;
const P_LEASE = 2;
const P_PREV = 4;
const P_IGNORE_VALUE = 8;
const P_IGNORE_LEASE = 16;

export function writePut(w: Writer, r: PutRequest): void {
  let f = 0;
  if (nonEmpty(r.value)) f |= P_VALUE;
  if (r.lease !== undefined && r.lease !== NO_LEASE) f |= P_LEASE;
  if (r.prevKv) f |= P_PREV;
  if (r.ignoreValue) f |= P_IGNORE_VALUE;
  if (r.ignoreLease) f |= P_IGNORE_LEASE;
  w.u8(f);
  w.bytes(r.key);
  if (f & P_VALUE) w.bytes(r.value!);
  if (f & P_LEASE) w.id64(r.lease!);
}

export function readPut(rd: Reader): PutRequest {
  const f = rd.u8();
  const r: PutRequest = { key: rd.bytes() };
  if (f & P_VALUE) r.value = rd.bytes();
  if (f & P_LEASE) r.lease = rd.id64();
  if (f & P_PREV) r.prevKv = true;
  if (f & P_IGNORE_VALUE) r.ignoreValue = true;
  if (f & P_IGNORE_LEASE) r.ignoreLease = true;
  return r;
}

// ---- DeleteRangeRequest ----

const D_END = 1;
const D_PREV = 2;

export function writeDeleteRange(w: Writer, r: DeleteRangeRequest): void {
  let f = 0;
  if (nonEmpty(r.rangeEnd)) f |= D_END;
  if (r.prevKv) f |= D_PREV;
  w.u8(f);
  w.bytes(r.key);
  if (f & D_END) w.bytes(r.rangeEnd!);
}

export function readDeleteRange(rd: Reader): DeleteRangeRequest {
  const f = rd.u8();
  const r: DeleteRangeRequest = { key: rd.bytes() };
  if (f & D_END) r.rangeEnd = rd.bytes();
  if (f & D_PREV) r.prevKv = true;
  return r;
}

// ---- Compare ----
// One varint: result (2 bits), target (3 bits), then which fields follow.

const C_END = 1 << 5;
const C_VERSION = 1 << 6;
const C_CREATE = 1 << 7;
const C_MOD = 1 << 8;
const C_VALUE = 1 << 9;
const C_LEASE = 1 << 10;

function writeCompare(w: Writer, c: Compare): void {
  let f = enumIndex(COMPARE_RESULTS, c.result ?? 'EQUAL', 'compare result');
  f |= enumIndex(COMPARE_TARGETS, c.target ?? 'VERSION', 'compare target') << 2;
  if (nonEmpty(c.rangeEnd)) f |= C_END;
  if (c.version) f |= C_VERSION;
  if (c.createRevision) f |= C_CREATE;
  if (c.modRevision) f |= C_MOD;
  if (nonEmpty(c.value)) f |= C_VALUE;
  if (c.lease !== undefined && c.lease !== NO_LEASE) f |= C_LEASE;
  w.uvarint(f);
  w.bytes(c.key);
  if (f & C_END) w.bytes(c.rangeEnd!);
  if (f & C_VERSION) w.svarint(c.version!);
  if (f & C_CREATE) w.svarint(c.createRevision!);
  if (f & C_MOD) w.svarint(c.modRevision!);
  if (f & C_VALUE) w.bytes(c.value!);
  if (f & C_LEASE) w.id64(c.lease!);
}

function readCompare(rd: Reader): Compare {
  const f = rd.uvarint();
  const c: Compare = { key: rd.bytes() };
  const result = enumValue(COMPARE_RESULTS, f & 3, 'compare result');
  const target = enumValue(COMPARE_TARGETS, (f >> 2) & 7, 'compare target');
  if (result !== 'EQUAL') c.result = result;
  if (target !== 'VERSION') c.target = target;
  if (f & C_END) c.rangeEnd = rd.bytes();
  if (f & C_VERSION) c.version = rd.svarint();
  if (f & C_CREATE) c.createRevision = rd.svarint();
  if (f & C_MOD) c.modRevision = rd.svarint();
  if (f & C_VALUE) c.value = rd.bytes();
  if (f & C_LEASE) c.lease = rd.id64();
  return c;
}

// ---- RequestOp and TxnRequest ----

const OP_NONE = 0;
const OP_RANGE = 1;
const OP_PUT = 2;
const OP_DELETE = 3;
const OP_TXN = 4;

function writeOp(w: Writer, op: RequestOp): void {
  if (op.requestRange) {
    w.u8(OP_RANGE);
    writeRange(w, op.requestRange);
  } else if (op.requestPut) {
    w.u8(OP_PUT);
    writePut(w, op.requestPut);
  } else if (op.requestDeleteRange) {
    w.u8(OP_DELETE);
    writeDeleteRange(w, op.requestDeleteRange);
  } else if (op.requestTxn) {
    w.u8(OP_TXN);
    writeTxn(w, op.requestTxn);
  } else {
    // An empty oneof: etcd's validation refuses it, but it can be proposed.
    w.u8(OP_NONE);
  }
}

function readOp(rd: Reader): RequestOp {
  const tag = rd.u8();
  switch (tag) {
    case OP_NONE:
      return {};
    case OP_RANGE:
      return { requestRange: readRange(rd) };
    case OP_PUT:
      return { requestPut: readPut(rd) };
    case OP_DELETE:
      return { requestDeleteRange: readDeleteRange(rd) };
    case OP_TXN:
      return { requestTxn: readTxn(rd) };
    default:
      throw new CodecError(`unknown request op ${tag}`);
  }
}

function writeList<T>(w: Writer, xs: readonly T[] | undefined, f: (w: Writer, x: T) => void): void {
  const n = xs?.length ?? 0;
  w.uvarint(n);
  for (let i = 0; i < n; i++) f(w, xs![i]!);
}

function readList<T>(rd: Reader, f: (rd: Reader) => T): T[] | undefined {
  const n = rd.uvarint();
  if (n === 0) return undefined;
  // Each element takes at least one byte: refuse counts the data cannot hold.
  if (n > rd.buf.length - rd.pos) throw new CodecError('list longer than the data');
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(f(rd));
  return out;
}

export function writeTxn(w: Writer, r: TxnRequest): void {
  writeList(w, r.compare, writeCompare);
  writeList(w, r.success, writeOp);
  writeList(w, r.failure, writeOp);
}

export function readTxn(rd: Reader): TxnRequest {
  const r: TxnRequest = {};
  const compare = readList(rd, readCompare);
  const success = readList(rd, readOp);
  const failure = readList(rd, readOp);
  if (compare) r.compare = compare;
  if (success) r.success = success;
  if (failure) r.failure = failure;
  return r;
}

// ---- CompactionRequest ----

export function writeCompaction(w: Writer, r: CompactionRequest): void {
  w.u8(r.physical ? 1 : 0);
  w.svarint(r.revision);
}

export function readCompaction(rd: Reader): CompactionRequest {
  const physical = rd.u8() === 1;
  const r: CompactionRequest = { revision: rd.svarint() };
  if (physical) r.physical = true;
  return r;
}
