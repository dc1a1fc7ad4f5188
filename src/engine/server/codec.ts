// The bytes of an InternalRaftRequest: what a raft entry's data holds, and so
// what the WAL (later IndexedDB or files) stores. A compact hand-written
// binary format, not protobuf, but shaped like it:
//
//   0xE3                      format byte ("etcd v3"), so stray data is refused
//   kind                      one byte: which request field is set
//   header.ID                 8 bytes, big-endian uint64
//   header.username           varint length + UTF-8
//   header.authRevision       varint
//   body                      the request (codec-kv.ts for KV ones, below for the rest)
//
// Decoding is strict (unknown kinds, truncation and trailing bytes throw) and
// gives protobuf 3's view: fields at their default are absent (codec-kv.ts).
// Byte fields decode as views into the entry's data, which is never mutated.
import type { PermissionType } from '../auth/types.ts';
import { CodecError, Reader, Writer } from './codec-io.ts';
import {
  enumIndex,
  enumValue,
  readCompaction,
  readDeleteRange,
  readPut,
  readRange,
  readTxn,
  writeCompaction,
  writeDeleteRange,
  writePut,
  writeRange,
  writeTxn,
} from './codec-kv.ts';
import {
  type AlarmAction,
  type AlarmType,
  type InternalRaftRequest,
  type InternalRequests,
  type RequestID,
  type RequestKind,
  requestKind,
} from './internal.ts';

export { CodecError };

const FORMAT = 0xe3;

const ALARM_ACTIONS: readonly AlarmAction[] = ['GET', 'ACTIVATE', 'DEACTIVATE'];
const ALARM_TYPES: readonly AlarmType[] = ['NONE', 'NOSPACE', 'CORRUPT'];
const PERM_TYPES: readonly PermissionType[] = ['READ', 'WRITE', 'READWRITE'];

interface BodyCodec<K extends RequestKind> {
  /** The kind byte; numbered after raft_internal.proto's field numbers (1000 -> 20, 1100 -> 30, 1200 -> 40). */
  tag: number;
  write(w: Writer, r: InternalRequests[K]): void;
  read(rd: Reader): InternalRequests[K];
}

/** A request with nothing in it (auth enable/disable, user and role lists). */
const empty = <K extends RequestKind>(tag: number): BodyCodec<K> => ({
  tag,
  write() {},
  read: () => ({}) as InternalRequests[K],
});

const BODIES: { [K in RequestKind]: BodyCodec<K> } = {
  range: { tag: 3, write: writeRange, read: readRange },
  put: { tag: 4, write: writePut, read: readPut },
  deleteRange: { tag: 5, write: writeDeleteRange, read: readDeleteRange },
  txn: { tag: 6, write: writeTxn, read: readTxn },
  compaction: { tag: 7, write: writeCompaction, read: readCompaction },
  leaseGrant: {
    tag: 8,
    write(w, r) {
      w.svarint(r.TTL);
      w.id64(r.ID);
    },
    read: (rd) => ({ TTL: rd.svarint(), ID: rd.id64() }),
  },
  leaseRevoke: { tag: 9, write: (w, r) => w.id64(r.ID), read: (rd) => ({ ID: rd.id64() }) },
  alarm: {
    tag: 10,
    write(w, r) {
      w.u8(enumIndex(ALARM_ACTIONS, r.action, 'alarm action'));
      w.id64(r.memberID);
      w.u8(enumIndex(ALARM_TYPES, r.alarm, 'alarm type'));
    },
    read: (rd) => ({
      action: enumValue(ALARM_ACTIONS, rd.u8(), 'alarm action'),
      memberID: rd.id64(),
      alarm: enumValue(ALARM_TYPES, rd.u8(), 'alarm type'),
    }),
  },
  leaseCheckpoint: {
    tag: 11,
    write(w, r) {
      w.uvarint(r.checkpoints.length);
      for (const c of r.checkpoints) {
        w.id64(c.ID);
        w.svarint(c.remaining_TTL);
      }
    },
    read(rd) {
      const n = rd.uvarint();
      if (n * 9 > rd.buf.length - rd.pos) throw new CodecError('checkpoint list longer than the data');
      const checkpoints = [];
      for (let i = 0; i < n; i++) checkpoints.push({ ID: rd.id64(), remaining_TTL: rd.svarint() });
      return { checkpoints };
    },
  },
  authEnable: empty(20),
  authDisable: empty(21),
  authenticate: {
    tag: 22,
    write(w, r) {
      w.str(r.name);
      w.str(r.simpleToken);
    },
    read: (rd) => ({ name: rd.str(), simpleToken: rd.str() }),
  },
  authUserAdd: {
    tag: 30,
    write(w, r) {
      // bit 0: options present; bit 1: options.noPassword.
      w.u8((r.options ? 1 : 0) | (r.options?.noPassword ? 2 : 0));
      w.str(r.name);
      w.str(r.password);
    },
    read(rd) {
      const f = rd.u8();
      const r: InternalRequests['authUserAdd'] = { name: rd.str(), password: rd.str() };
      if (f & 1) r.options = { noPassword: (f & 2) !== 0 };
      return r;
    },
  },
  authUserDelete: { tag: 31, write: (w, r) => w.str(r.name), read: (rd) => ({ name: rd.str() }) },
  authUserGet: { tag: 32, write: (w, r) => w.str(r.name), read: (rd) => ({ name: rd.str() }) },
  authUserChangePassword: {
    tag: 33,
    write(w, r) {
      w.str(r.name);
      w.str(r.password);
    },
    read: (rd) => ({ name: rd.str(), password: rd.str() }),
  },
  authUserGrantRole: {
    tag: 34,
    write(w, r) {
      w.str(r.user);
      w.str(r.role);
    },
    read: (rd) => ({ user: rd.str(), role: rd.str() }),
  },
  authUserRevokeRole: {
    tag: 35,
    write(w, r) {
      w.str(r.name);
      w.str(r.role);
    },
    read: (rd) => ({ name: rd.str(), role: rd.str() }),
  },
  authUserList: empty(36),
  authRoleList: empty(37),
  authRoleAdd: { tag: 40, write: (w, r) => w.str(r.name), read: (rd) => ({ name: rd.str() }) },
  authRoleDelete: { tag: 41, write: (w, r) => w.str(r.role), read: (rd) => ({ role: rd.str() }) },
  authRoleGet: { tag: 42, write: (w, r) => w.str(r.role), read: (rd) => ({ role: rd.str() }) },
  authRoleGrantPermission: {
    tag: 43,
    write(w, r) {
      w.str(r.name);
      w.u8(enumIndex(PERM_TYPES, r.perm.permType, 'permission type'));
      w.bytes(r.perm.key);
      w.bytes(r.perm.rangeEnd);
    },
    read: (rd) => ({
      name: rd.str(),
      perm: { permType: enumValue(PERM_TYPES, rd.u8(), 'permission type'), key: rd.bytes(), rangeEnd: rd.bytes() },
    }),
  },
  authRoleRevokePermission: {
    tag: 44,
    write(w, r) {
      w.str(r.role);
      w.bytes(r.key);
      w.bytes(r.rangeEnd);
    },
    read: (rd) => ({ role: rd.str(), key: rd.bytes(), rangeEnd: rd.bytes() }),
  },
};

/**
 * requestKind, faster: walks the object's own keys (a header and one field)
 * instead of probing all 25 names.
 */
function kindOf(r: InternalRaftRequest): RequestKind {
  let kind: RequestKind | undefined;
  for (const k in r) {
    if (k === 'header' || (r as Record<string, unknown>)[k] === undefined) continue;
    if (!Object.hasOwn(BODIES, k) || kind !== undefined) return requestKind(r); // throws the precise error
    kind = k as RequestKind;
  }
  return kind ?? requestKind(r);
}

/** kind byte -> request kind. */
const KIND_OF_TAG: (RequestKind | undefined)[] = [];
for (const k of Object.keys(BODIES) as RequestKind[]) KIND_OF_TAG[BODIES[k].tag] = k;

// One writer for every entry encoded, into the shared slab: the engine is single-threaded.
const scratch = new Writer(4096, true);

/** The entry data for a request. Throws CodecError on a value the format cannot carry. */
export function encodeInternalRaftRequest(r: InternalRaftRequest): Uint8Array {
  const kind = kindOf(r);
  return encodeRequest(kind, r[kind]!, r.header.ID, r.header.username, r.header.authRevision);
}

/**
 * encodeInternalRaftRequest for a request given by its parts: what a server
 * proposes, without building the InternalRaftRequest first.
 */
export function encodeRequest<K extends RequestKind>(kind: K, body: InternalRequests[K], id: RequestID, username: string, authRevision: number): Uint8Array {
  const w = scratch;
  w.reset();
  w.u8(FORMAT);
  w.u8(BODIES[kind].tag);
  w.id64(id);
  w.str(username);
  w.uvarint(authRevision);
  (BODIES[kind] as BodyCodec<RequestKind>).write(w, body);
  return w.finish();
}

/** The request in an entry's data. Throws CodecError on anything encode would not produce. */
export function decodeInternalRaftRequest(data: Uint8Array): InternalRaftRequest {
  const rd = new Reader(data);
  if (rd.u8() !== FORMAT) throw new CodecError('not an internal raft request');
  const tag = rd.u8();
  const kind = KIND_OF_TAG[tag];
  if (kind === undefined) throw new CodecError(`unknown request kind ${tag}`);
  const header = { ID: rd.id64(), username: rd.str(), authRevision: rd.uvarint() };
  const body = BODIES[kind].read(rd);
  rd.end();
  // A literal per common kind: a computed key costs a runtime call for every entry.
  if (kind === 'put') return { header, put: body as InternalRequests['put'] };
  if (kind === 'txn') return { header, txn: body as InternalRequests['txn'] };
  if (kind === 'deleteRange') return { header, deleteRange: body as InternalRequests['deleteRange'] };
  return { header, [kind]: body } as InternalRaftRequest;
}

/** The kind of request in an entry's data without decoding the rest (undefined if it is not one). */
export function peekRequestKind(data: Uint8Array): RequestKind | undefined {
  if (data.length < 2 || data[0] !== FORMAT) return undefined;
  return KIND_OF_TAG[data[1]!];
}
