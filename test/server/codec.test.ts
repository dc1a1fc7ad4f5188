// The raft entry codec: every request kind round-trips, byte fields carry any
// bytes (not only UTF-8), 64-bit IDs keep every bit, defaults are dropped as
// protobuf 3 drops them, and anything encode would not produce is refused.
import { describe, expect, it } from 'vitest';
import {
  CodecError,
  REQUEST_KINDS,
  decodeInternalRaftRequest,
  encodeInternalRaftRequest,
  peekRequestKind,
  requestKind,
  type InternalRaftRequest,
  type InternalRequests,
  type RequestKind,
} from '../../src/engine/server/index.ts';
import { SVARINT_MAX } from '../../src/engine/server/codec-io.ts';
import { DecodedEntries } from '../../src/engine/server/decoded-entries.ts';
import { FROM_KEY, b } from './helpers.ts';

/** Bytes that are not valid UTF-8 (a lone continuation byte, 0xff, NUL). */
const BIN_KEY = new Uint8Array([0x00, 0xff, 0x80, 0xc3, 0x28, 0xfe]);
const BIN_VALUE = new Uint8Array(300).map((_, i) => (i * 37 + 11) & 0xff);

const HEADER = { ID: 'f1e2d3c4b5a69788', username: 'alice', authRevision: 7 };

/** One non-trivial request of every kind. */
const SAMPLES: { [K in RequestKind]: InternalRequests[K] } = {
  range: {
    key: BIN_KEY,
    rangeEnd: FROM_KEY,
    limit: 10,
    revision: -1,
    sortOrder: 'DESCEND',
    sortTarget: 'VALUE',
    serializable: true,
    keysOnly: true,
    countOnly: true,
    minModRevision: 2,
    maxModRevision: 2 ** 40,
    minCreateRevision: 3,
    maxCreateRevision: 4,
  },
  put: { key: BIN_KEY, value: BIN_VALUE, lease: 'ffffffffffffffff', prevKv: true, ignoreValue: true, ignoreLease: true },
  deleteRange: { key: b('a'), rangeEnd: BIN_KEY, prevKv: true },
  txn: {
    compare: [
      { key: b('k'), target: 'MOD', result: 'LESS', modRevision: 5 },
      { key: b('k'), rangeEnd: b('l'), target: 'VALUE', result: 'NOT_EQUAL', value: BIN_VALUE },
      { key: b('k'), target: 'LEASE', result: 'GREATER', lease: '8000000000000000' },
      { key: b('k'), target: 'CREATE', createRevision: -3 },
      { key: b('k'), version: 9 },
    ],
    success: [
      { requestPut: { key: b('x'), value: b('y') } },
      { requestRange: { key: b('x') } },
      { requestDeleteRange: { key: b('x'), prevKv: true } },
      {
        requestTxn: {
          compare: [{ key: b('n'), version: 1 }],
          failure: [{ requestTxn: { success: [{ requestPut: { key: BIN_KEY } }] } }],
        },
      },
      {},
    ],
    failure: [{ requestRange: { key: b('z'), limit: 1 } }],
  },
  compaction: { revision: 12345, physical: true },
  leaseGrant: { TTL: 9_000_000_000, ID: '694d7d1e2a2b1c05' },
  leaseRevoke: { ID: 'fffffffffffffffb' },
  alarm: { action: 'DEACTIVATE', memberID: MEMBER_ID(), alarm: 'NOSPACE' },
  leaseCheckpoint: {
    checkpoints: [
      { ID: '1', remaining_TTL: 30 },
      { ID: 'ffffffffffffffff', remaining_TTL: 0 },
    ],
  },
  authEnable: {},
  authDisable: {},
  authenticate: { name: 'ünïcode', simpleToken: 'abcdefghijklmnop' },
  authUserAdd: { name: 'bob', password: 'pässwörd', options: { noPassword: false } },
  authUserDelete: { name: 'bob' },
  authUserGet: { name: '' },
  authUserChangePassword: { name: 'bob', password: 'new' },
  authUserGrantRole: { user: 'bob', role: 'r' },
  authUserRevokeRole: { name: 'bob', role: 'r' },
  authUserList: {},
  authRoleList: {},
  authRoleAdd: { name: 'r' },
  authRoleDelete: { role: 'r' },
  authRoleGet: { role: '日本' },
  authRoleGrantPermission: { name: 'r', perm: { permType: 'READWRITE', key: BIN_KEY, rangeEnd: FROM_KEY } },
  authRoleRevokePermission: { role: 'r', key: BIN_KEY, rangeEnd: new Uint8Array(0) },
};

function MEMBER_ID(): string {
  return '8e9e05c52164694d';
}

const reqOf = <K extends RequestKind>(kind: K, body: InternalRequests[K], header = HEADER): InternalRaftRequest =>
  ({ header, [kind]: body }) as InternalRaftRequest;

function roundTrip(r: InternalRaftRequest): InternalRaftRequest {
  return decodeInternalRaftRequest(encodeInternalRaftRequest(r));
}

describe('InternalRaftRequest codec', () => {
  it('has a sample for every kind, and every kind round-trips exactly', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...REQUEST_KINDS].sort());
    for (const kind of REQUEST_KINDS) {
      const r = reqOf(kind, SAMPLES[kind]);
      const back = roundTrip(r);
      expect(back, kind).toEqual(r);
      expect(requestKind(back)).toBe(kind);
      expect(peekRequestKind(encodeInternalRaftRequest(r))).toBe(kind);
      // Encoding is a function of the request: the same bytes again.
      expect(encodeInternalRaftRequest(back)).toEqual(encodeInternalRaftRequest(r));
    }
  });

  it('carries non-UTF-8 keys and values byte for byte', () => {
    const back = roundTrip(reqOf('put', { key: BIN_KEY, value: BIN_VALUE }));
    expect([...back.put!.key]).toEqual([...BIN_KEY]);
    expect([...back.put!.value!]).toEqual([...BIN_VALUE]);
    // Every byte value survives in both fields.
    const all = new Uint8Array(256).map((_, i) => i);
    const back2 = roundTrip(reqOf('put', { key: all, value: all.slice().reverse() }));
    expect([...back2.put!.key]).toEqual([...all]);
    expect([...back2.put!.value!]).toEqual([...all].reverse());
  });

  it('keeps every bit of 64-bit request, lease and member IDs', () => {
    for (const id of ['0', '1', 'ff', '100000000', 'ffffffff', '1ffffffff', '8000000000000000', 'ffffffffffffffff', '20000000000001']) {
      const back = roundTrip(reqOf('leaseRevoke', { ID: id }, { ...HEADER, ID: id }));
      expect(back.header.ID).toBe(id);
      expect(back.leaseRevoke!.ID).toBe(id);
      const alarm = roundTrip(reqOf('alarm', { action: 'GET', memberID: id, alarm: 'NONE' }));
      expect(alarm.alarm!.memberID).toBe(id);
    }
  });

  it('refuses IDs that are not canonical 64-bit hex', () => {
    for (const id of ['', '00', '0x1', 'FF', '1ffffffffffffffff', '12g']) {
      expect(() => encodeInternalRaftRequest(reqOf('leaseRevoke', { ID: id })), id).toThrow(CodecError);
    }
  });

  it('carries signed and large integers', () => {
    for (const n of [0, 1, -1, 127, 128, -128, 2 ** 31, -(2 ** 31), 2 ** 32 + 5, SVARINT_MAX, -SVARINT_MAX]) {
      const back = roundTrip(reqOf('compaction', { revision: n }));
      expect(back.compaction!.revision).toBe(n);
    }
    expect(roundTrip(reqOf('range', { key: b('k'), limit: -5, revision: 2 ** 50 })).range).toEqual({ key: b('k'), limit: -5, revision: 2 ** 50 });
    expect(() => encodeInternalRaftRequest(reqOf('compaction', { revision: 1.5 }))).toThrow(CodecError);
    expect(() => encodeInternalRaftRequest(reqOf('compaction', { revision: 2 ** 53 }))).toThrow(CodecError);
    const big = { ...HEADER, authRevision: Number.MAX_SAFE_INTEGER };
    expect(roundTrip(reqOf('authUserList', {}, big)).header.authRevision).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('drops fields at their default, as protobuf 3 does', () => {
    const r = reqOf('put', { key: b('k'), value: new Uint8Array(0), lease: '0', prevKv: false, ignoreValue: false });
    expect(roundTrip(r).put).toEqual({ key: b('k') });
    const rr = reqOf('range', { key: b('k'), rangeEnd: new Uint8Array(0), limit: 0, sortOrder: 'NONE', sortTarget: 'KEY', keysOnly: false });
    expect(roundTrip(rr).range).toEqual({ key: b('k') });
    const tx = reqOf('txn', { compare: [{ key: b('k'), result: 'EQUAL', target: 'VERSION', version: 0 }], success: [], failure: [] });
    expect(roundTrip(tx).txn).toEqual({ compare: [{ key: b('k') }] });
    expect(roundTrip(reqOf('authUserAdd', { name: 'u', password: '' })).authUserAdd).toEqual({ name: 'u', password: '' });
    expect(roundTrip(reqOf('authUserAdd', { name: 'u', password: '', options: { noPassword: true } })).authUserAdd!.options).toEqual({
      noPassword: true,
    });
    expect(roundTrip(reqOf('compaction', { revision: 3, physical: false })).compaction).toEqual({ revision: 3 });
  });

  it('is compact: a small put is a few dozen bytes', () => {
    const bytes = encodeInternalRaftRequest(reqOf('put', { key: b('foo'), value: b('bar') }, { ID: 'f1e2d3c4b5a69788', username: '', authRevision: 0 }));
    // format + kind + 8-byte ID + empty user + revision + flags + 2 x (len + 3 bytes)
    expect(bytes.length).toBe(2 + 8 + 1 + 1 + 1 + 4 + 4);
  });

  it('refuses requests with no field or two fields', () => {
    expect(() => encodeInternalRaftRequest({ header: HEADER })).toThrow('sets no request');
    expect(() => encodeInternalRaftRequest({ header: HEADER, put: { key: b('a') }, range: { key: b('a') } })).toThrow('sets both');
  });

  it('refuses truncated data, trailing bytes, unknown kinds and other formats', () => {
    const bytes = encodeInternalRaftRequest(reqOf('txn', SAMPLES.txn));
    for (let n = 0; n < bytes.length; n++) {
      expect(() => decodeInternalRaftRequest(bytes.subarray(0, n)), `prefix ${n}`).toThrow(CodecError);
    }
    expect(() => decodeInternalRaftRequest(new Uint8Array([...bytes, 0]))).toThrow('trailing');
    const badKind = bytes.slice();
    badKind[1] = 99;
    expect(() => decodeInternalRaftRequest(badKind)).toThrow('unknown request kind 99');
    expect(() => decodeInternalRaftRequest(b('hello'))).toThrow('not an internal raft request');
    expect(peekRequestKind(b('hello'))).toBeUndefined();
    // A string field holding invalid UTF-8 is corrupt, not replaced.
    const name = encodeInternalRaftRequest(reqOf('authRoleAdd', { name: 'xy' }, { ID: '1', username: '', authRevision: 0 }));
    name[name.length - 1] = 0xff;
    name[name.length - 2] = 0xc3;
    expect(() => decodeInternalRaftRequest(name)).toThrow();
  });

  it('keeps every encoded entry intact while later ones fill slabs, cross their ends and outgrow them', () => {
    // Sizes that fill several 64 KiB slabs, land on their ends, and pass the 1 KiB in-slab limit.
    const sizes = Array.from({ length: 600 }, (_, i) => [1, 7, 200, 900, 1000, 1100, 5000, 70_000][i % 8]!);
    const encoded = sizes.map((n, i) => {
      const value = new Uint8Array(n).map((_, j) => (i * 31 + j) & 0xff);
      const r: InternalRaftRequest = { header: { ...HEADER, ID: (i + 1).toString(16) }, put: { key: b(`k${i}`), value } };
      return { r, data: encodeInternalRaftRequest(r) };
    });
    for (const { r, data } of encoded) expect(decodeInternalRaftRequest(data)).toEqual(r);
  });

  it('decodes byte fields as views of the entry data (no copies)', () => {
    const bytes = encodeInternalRaftRequest(reqOf('put', { key: b('key'), value: BIN_VALUE }));
    const r = decodeInternalRaftRequest(bytes);
    expect(r.put!.value!.buffer).toBe(bytes.buffer);
  });
});

describe('decodings shared by the members of a simulated cluster', () => {
  const put = (value: string): Uint8Array => encodeInternalRaftRequest({ header: HEADER, put: { key: b('k'), value: b(value) } });

  it('the same entry bytes at an index decode once; other bytes there decode anew', () => {
    const d = new DecodedEntries(8);
    const data = put('one');
    const first = d.request(5, data);
    expect(d.request(5, data)).toBe(first);
    // Equal bytes in another array are another entry (say, another cluster's): decoded again, equal.
    const copy = data.slice();
    const again = d.request(5, copy);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    // An index that lands on the same slot replaces it.
    const other = put('two');
    expect(d.request(13, other).put!.value).toEqual(b('two'));
    expect(d.request(5, copy)).not.toBe(again);
  });

  it('a decoding is let go once every member has taken it', () => {
    const d = new DecodedEntries(8, () => 3);
    const data = put('one');
    const first = d.request(5, data);
    expect(d.request(5, data)).toBe(first);
    expect(d.request(5, data)).toBe(first);
    // The three members have it: a fourth taker (a member restarted since) decodes it anew.
    expect(d.request(5, data)).not.toBe(first);
    // A lone member keeps nothing.
    const alone = new DecodedEntries(8, () => 1);
    expect(alone.request(5, data)).not.toBe(alone.request(5, data));
  });

  it('bytes that do not decode throw as decoding does, and are not remembered', () => {
    const d = new DecodedEntries();
    const bad = new Uint8Array([9, 9, 9]);
    expect(() => d.request(1, bad)).toThrow(CodecError);
    expect(() => d.request(1, bad)).toThrow(CodecError);
  });
});
