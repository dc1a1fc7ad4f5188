// The shared printers: bytes (--hex, %q), Go encoding/json, protobuf wire
// bytes (checked against what real etcdctl 3.4.23 printed), tables, and the
// -w dispatch.
import { describe, expect, it } from 'vitest';
import type { ResponseHeader } from '../../src/engine/api/header.ts';
import type { RangeResponse, TxnResponse } from '../../src/engine/mvcc/rpc.ts';
import type { KeyValue } from '../../src/engine/mvcc/types.ts';
import type { CommandContext } from '../../src/terminal/core/context.ts';
import { CommandExit } from '../../src/terminal/core/io.ts';
import {
  ProtoWriter,
  display,
  goQuote,
  hexBytes,
  i64FromHex,
  jsonBytes,
  jsonObject,
  jsonString,
  oe,
  rangeFields,
  rangeJSON,
  rangePB,
  renderTable,
  txnFields,
  txnJSON,
  u64FromHex,
  utf8,
} from '../../src/terminal/print/index.ts';

const hex = (b: Uint8Array): string => [...b].map((c) => c.toString(16).padStart(2, '0')).join('');

// The IDs of a real cluster on ports 24790.. with token etcd-cluster.
const H: ResponseHeader = { clusterId: 'bf97a17e950d5cd8', memberId: '886b03c4ae679a15', revision: 3, raftTerm: 3 };
const KV: KeyValue = { key: utf8('k1'), createRevision: 2, modRevision: 3, version: 2, value: utf8('v1'), lease: '0' };
const RANGE: RangeResponse = { header: H, kvs: [KV], more: false, count: 1 };

describe('bytes', () => {
  it('prints --hex as \\xNN per byte', () => {
    expect(hexBytes(utf8('f1'))).toBe('\\x66\\x31');
    expect(hexBytes(new Uint8Array())).toBe('');
  });

  it('quotes like Go %q', () => {
    expect(goQuote('tab\tkey')).toBe('"tab\\tkey"');
    expect(goQuote('héllo ✓')).toBe('"héllo ✓"');
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote(Uint8Array.of(0x61, 0xff, 0x00, 0x7f))).toBe('"a\\xff\\x00\\x7f"');
    expect(goQuote('\u200b')).toBe('"\\u200b"');
  });
});

describe('Go encoding/json', () => {
  it('escapes HTML characters and invalid UTF-8 as Go does', () => {
    expect(jsonString('<&>')).toBe('"\\u003c\\u0026\\u003e"');
    expect(jsonString('a\u2028b\n\x01')).toBe('"a\\u2028b\\n\\u0001"');
    expect(jsonString(Uint8Array.of(0x61, 0xff))).toBe('"a\\ufffd"');
  });

  it('base64s bytes and leaves zero values out with omitempty', () => {
    expect(jsonBytes(utf8('v1'))).toBe('"djE="');
    expect(jsonObject([['a', oe.int(0)], ['b', oe.bytes(new Uint8Array())], ['c', oe.bool(false)], ['d', oe.int(5)]])).toBe('{"d":5}');
  });

  it('prints uint64 IDs and int64 lease IDs as decimals', () => {
    expect(u64FromHex('bf97a17e950d5cd8')).toBe('13805680747766176984');
    expect(i64FromHex('ffffffffffffffff')).toBe('-1');
    expect(i64FromHex('694d77aa9e38260f')).toBe('7587852521871779343');
  });

  it('marshals a RangeResponse as etcdctl -w json does', () => {
    expect(rangeJSON(RANGE)).toBe(
      '{"header":{"cluster_id":13805680747766176984,"member_id":9829954754940738069,"revision":3,"raft_term":3},' +
        '"kvs":[{"key":"azE=","create_revision":2,"mod_revision":3,"version":2,"value":"djE="}],"count":1}',
    );
    expect(rangeJSON({ header: H, kvs: [], more: true, count: 0 })).toBe(
      '{"header":{"cluster_id":13805680747766176984,"member_id":9829954754940738069,"revision":3,"raft_term":3},"more":true}',
    );
  });

  it('marshals txn responses with the oneof wrapper names', () => {
    const t: TxnResponse = {
      header: H,
      succeeded: false,
      responses: [{ responsePut: { header: { clusterId: '0', memberId: '0', revision: 3, raftTerm: 0 } } }],
    };
    expect(txnJSON(t)).toBe(
      '{"header":{"cluster_id":13805680747766176984,"member_id":9829954754940738069,"revision":3,"raft_term":3},' +
        '"responses":[{"Response":{"ResponsePut":{"header":{"revision":3}}}}]}',
    );
  });
});

describe('protobuf', () => {
  it('encodes a RangeResponse byte for byte as etcdctl printed it', () => {
    expect(hex(rangePB(RANGE).finish())).toBe(
      '0a1a08d8b9b5a8e9afe8cbbf011095b49ef3caf8c0b58801180320031' + '20e0a026b311002180320022a0276312001',
    );
  });

  it('writes negative int64s as ten bytes and leaves zero scalars out', () => {
    expect(hex(new ProtoWriter().varint(6, -1).finish())).toBe('30ffffffffffffffffff01');
    expect(hex(new ProtoWriter().varint(1, 0).bool(2, false).bytes(3, '').finish())).toBe('');
    expect(hex(new ProtoWriter().message(1, new ProtoWriter()).finish())).toBe('0a00');
  });
});

describe('fields', () => {
  it('prints the header, pairs, More and Count', () => {
    expect(rangeFields(RANGE)).toBe(
      '"ClusterID" : 13805680747766176984\n"MemberID" : 9829954754940738069\n"Revision" : 3\n"RaftTerm" : 3\n' +
        '"Key" : "k1"\n"CreateRevision" : 2\n"ModRevision" : 3\n"Version" : 2\n"Value" : "v1"\n"Lease" : 0\n' +
        '"More" : false\n"Count" : 1\n',
    );
  });

  it('prints a txn with each response in turn', () => {
    const inner = { clusterId: '0', memberId: '0', revision: 3, raftTerm: 0 };
    const t: TxnResponse = { header: H, succeeded: true, responses: [{ responseDeleteRange: { header: inner, deleted: 0, prevKvs: [] } }] };
    expect(txnFields(t)).toContain('"Succeeded" : true\n"ClusterID" : 0\n"MemberID" : 0\n"Revision" : 3\n"RaftTerm" : 0\n"Deleted" : 0\n');
  });
});

describe('tables', () => {
  it('centers the header and right-aligns cells', () => {
    expect(renderTable(['ID', 'STATUS'], [['8e9e05c', 'started']])).toBe(
      '+---------+---------+\n|   ID    | STATUS  |\n+---------+---------+\n| 8e9e05c | started |\n+---------+---------+\n',
    );
  });
});

describe('display', () => {
  function fakeCtx(writeOut: string): { ctx: CommandContext; out: (string | Uint8Array)[]; err: string[] } {
    const out: (string | Uint8Array)[] = [];
    const err: string[] = [];
    const ctx = {
      globals: { writeOut },
      out: (d: string | Uint8Array) => out.push(d),
      fail: (code: number, msg: string) => {
        err.push(`Error: ${msg}\n`);
        throw new CommandExit(code);
      },
    } as unknown as CommandContext;
    return { ctx, out, err };
  }

  const renderers = { simple: () => 'OK\n', json: () => '{}', protobuf: () => new ProtoWriter().varint(1, 1) };

  it('adds a newline to JSON and writes protobuf raw', () => {
    const j = fakeCtx('json');
    display(j.ctx, renderers);
    expect(j.out).toEqual(['{}\n']);
    const p = fakeCtx('protobuf');
    display(p.ctx, renderers);
    expect(hex(p.out[0] as Uint8Array)).toBe('0801');
  });

  it('refuses an unknown format and a format the response lacks with exit 4', () => {
    for (const [f, msg] of [
      ['yaml', 'Error: unsupported output format\n'],
      ['table', 'Error: table not supported as output format\n'],
    ] as const) {
      const c = fakeCtx(f);
      expect(() => display(c.ctx, renderers)).toThrow(CommandExit);
      expect(c.err).toEqual([msg]);
    }
  });
});
