// The etcdctl corpus runner: its normalizer, scenario parser, protobuf
// decoder and comparison on crafted inputs, then every corpus scenario on the
// simulated cluster; those in passing.ts must match their goldens.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { etcdctlRoot } from '../../src/terminal/commands/root.ts';
import { type CorpusFiles, formatResult, runOne, selectScenarios } from '../../src/terminal/corpus/corpus.ts';
import { Normalizer, b64decodeStrict } from '../../src/terminal/corpus/normalizer.ts';
import { PASSING } from '../../src/terminal/corpus/passing.ts';
import { decodeProtobufStream } from '../../src/terminal/corpus/protobuf.ts';
import { cpCompare, decodeBackslashReplace, pyG } from '../../src/terminal/corpus/pystr.ts';
import { ScenarioError, parseScenario } from '../../src/terminal/corpus/scenario.ts';
import { shlexSplit } from '../../src/terminal/corpus/shlex.ts';
import { canonicalOrder, collapseRepeats } from '../../src/terminal/corpus/table.ts';
import { isProtobuf, renderStream, resultLines } from '../../src/terminal/corpus/transcript.ts';
import { runScenario } from '../../src/terminal/corpus/runner.ts';
import type { CommandSpec } from '../../src/terminal/core/command.ts';
import { GLOBAL_FLAGS } from '../../src/terminal/core/globals.ts';

const ETCD0 = '2e1259d415f2a040';
const ETCD2 = '2943212f5e2cf73';
const CID = 'a351bc39333a7740';
const dec = (hex: string): string => BigInt('0x' + hex).toString();

function norm(): Normalizer {
  const n = new Normalizer(23790, '/tmp/etcd-oracle-run.x');
  n.addMember(BigInt('0x' + ETCD0), 'etcd0');
  n.addMember(BigInt('0x' + ETCD2), 'etcd2');
  n.clusterId = BigInt('0x' + CID);
  return n;
}

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('normalizer', () => {
  it('replaces endpoints and peer URLs by member index', () => {
    const n = norm();
    expect(n.normText('127.0.0.1:23790 http://127.0.0.1:23801 localhost:23802 127.0.0.1:23809\n')).toBe(
      '<EP0> http://<PEER1> localhost:<PEER2_PORT> <PEER9>\n',
    );
    expect(n.normText('127.0.0.1:2379 127.0.0.1:23810 127.0.0.1:23789\n')).toBe('127.0.0.1:2379 127.0.0.1:23810 127.0.0.1:23789\n');
  });

  it('names member and cluster IDs, hex and decimal', () => {
    const n = norm();
    expect(n.normText(`${ETCD2}, started, etcd2\n`)).toBe('<MEMBER_ID_etcd2>, started, etcd2\n');
    expect(n.normText(`{"cluster_id":${dec(CID)},"member_id":${dec(ETCD0)}}`)).toBe('{"cluster_id":<CLUSTER_ID_DEC>,"member_id":<MEMBER_ID_etcd0_DEC>}');
    expect(n.normText(`cluster ${CID}\n`)).toBe('cluster <CLUSTER_ID>\n');
  });

  it('numbers lease IDs by first appearance, hex and decimal alike', () => {
    const n = norm();
    const a = '694d7d1d5bd9b40a';
    const b = '694d7d1d5bd9b40f';
    expect(n.normText(`lease ${b} granted\nlease ${a} granted\n`)).toBe('lease <LEASE_ID_1> granted\nlease <LEASE_ID_2> granted\n');
    expect(n.normText(`{"ID":${dec(a)}} ${b}`)).toBe('{"ID":<LEASE_ID_2_DEC>} <LEASE_ID_1>');
    expect(n.leaseHex(2)).toBe(a);
  });

  it('leaves revisions, counts and short or zero-prefixed numbers alone', () => {
    const n = norm();
    const keep = [
      '"revision":12345678901234', // 14 digits
      '"count":3,"mod_revision":17',
      '0000694d7d1d5bd9', // 16 hex digits starting 0000
      '{"member-id":"694d7d1d5bd9b40a"}', // a zap field ending in -id
      'abc694d7d1d5bd9b40a', // part of a longer word
      '<LEASE_ID_1>',
      'remaining(0s)',
      '"raft_index_x":5',
    ];
    for (const s of keep) expect(n.normText(s + '\n')).toBe(s + '\n');
    expect(n.leases.size).toBe(0);
  });

  it('replaces terms, indexes, sizes, hashes, remaining TTLs and durations', () => {
    const n = norm();
    expect(n.normText('{"raft_term":3,"raftIndex":12,"raftAppliedIndex":12,"dbSize":20480,"dbSizeInUse":16384,"raftTerm":3}')).toBe(
      '{"raft_term":<TERM>,"raftIndex":<RAFT_INDEX>,"raftAppliedIndex":<RAFT_INDEX>,"dbSize":<DB_SIZE>,"dbSizeInUse":<DB_SIZE>,"raftTerm":<TERM>}',
    );
    expect(n.normText('"RaftTerm" : 3\n"RaftIndex" : 9\n"DBSize" : 20480\n"Hash" : 77\n')).toBe(
      '"RaftTerm" : <TERM>\n"RaftIndex" : <RAFT_INDEX>\n"DBSize" : <DB_SIZE>\n"Hash" : <HASH_1>\n',
    );
    expect(n.normText('{"hash":99} {"hash":77}')).toBe('{"hash":<HASH_2>} {"hash":<HASH_1>}');
    expect(n.normText('lease 1 granted with TTL(60s), remaining(59s)\n')).toBe('lease 1 granted with TTL(60s), remaining(<REMAINING>s)\n');
    expect(n.normText('{"ttl":59,"granted-ttl":60,"keys":null} {"ttl":-1,"granted-ttl":0}')).toBe(
      '{"ttl":<REMAINING>,"granted-ttl":60,"keys":null} {"ttl":-1,"granted-ttl":0}',
    );
    expect(n.normText('ok, took = 2.123ms\n{"took":"1.5µs","ts":"2024-01-01T00:00:00.000Z"}\n')).toBe(
      'ok, took = <DURATION>\n{"took":"<DURATION>","ts":"<TS>"}\n',
    );
    expect(n.normText('127.0.0.1:23790, 3735928559\n')).toBe('<EP0>, <HASH_3>\n');
  });

  it('replaces simple endpoint status columns, UUIDs, capnslog timestamps and the tmp dir', () => {
    const n = norm();
    expect(n.normText(`127.0.0.1:23790, ${ETCD0}, 3.4.23, 20 kB, true, false, 2, 9, 9, \n`)).toBe(
      '<EP0>, <MEMBER_ID_etcd0>, 3.4.23, <DB_SIZE>, true, false, <TERM>, <RAFT_INDEX>, <RAFT_INDEX>, \n',
    );
    expect(n.normText('endpoint://client-0b1f8f3c-4a1e-4b8e-9c1a-0123456789ab/127.0.0.1:23790\n')).toBe('endpoint://client-<UUID>/<EP0>\n');
    expect(n.normText('2024-05-01 10:11:12.123456 C | pkg/flags: x\n')).toBe('<TIMESTAMP> C | pkg/flags: x\n');
    expect(n.normText('saved at /tmp/etcd-oracle-run.x/s.db\n')).toBe('saved at <TMP>/s.db\n');
  });

  it('re-renders tables whose cells changed width', () => {
    const n = norm();
    const t = [
      '+-----------------+------------------+-----------+',
      '|    ENDPOINT     |        ID        | RAFT TERM |',
      '+-----------------+------------------+-----------+',
      `| 127.0.0.1:23790 | ${ETCD0} |         2 |`,
      '+-----------------+------------------+-----------+',
      '',
    ].join('\n');
    expect(n.normText(t)).toBe(
      [
        '+----------+-------------------+-----------+',
        '| ENDPOINT |        ID         | RAFT TERM |',
        '+----------+-------------------+-----------+',
        '|    <EP0> | <MEMBER_ID_etcd0> |    <TERM> |',
        '+----------+-------------------+-----------+',
        '',
      ].join('\n'),
    );
  });

  it('puts lock keys with a lease ID in placeholder form', () => {
    const n = norm();
    const key = btoa('mylock/694d7d1d5bd9b40a');
    expect(n.normText(`{"key":"${key}"}`)).toBe('{"key":"<base64:mylock/<LEASE_ID_1>>"}');
    expect(b64decodeStrict('QQ=')).toBeUndefined();
    expect(b64decodeStrict('QUE=')).toEqual(enc('AA'));
  });

  it('unpads %16x member IDs only for members added at run time', () => {
    const n = norm();
    n.addMember(BigInt('0x2943212f5e2cf7'), 'etcd3', true);
    expect(n.normText('Member   2943212f5e2cf7 added\n')).toBe('Member <MEMBER_ID_etcd3> added\n');
    expect(n.normText(`Member  ${ETCD2} updated\n`)).toBe('Member  <MEMBER_ID_etcd2> updated\n');
  });
});

describe('result lines', () => {
  it('escapes control characters and undecodable bytes, marks a missing final newline', () => {
    const n = norm();
    const out = new Uint8Array([...enc('a\x00b\t'), 0xff, ...enc('\né')]);
    expect(resultLines(n, out, enc(''), '0', {}, false)).toEqual(['1| a\\x00b\t\\xff', '1| é', '1\\ (no newline at end)', 'exit: 0']);
    expect(decodeBackslashReplace(bytes(0xe2, 0x82, 0x41, 0xef, 0xbb, 0xbf))).toBe('\\xe2\\x82A\ufeff');
  });

  it('replaces the check perf progress bar', () => {
    expect(renderStream(enc('\r 0 / 60 B   0.00%\r 12 / 60   20.00% 00m48s\r 60 / 60 100.00% 0s\nPASS\n\x1b[0m'), false)).toBe(
      '\\x0d 0 / 60 B   0.00%<PROGRESS BAR>\nPASS\n\\x1b[0m',
    );
  });

  it('cuts Go panic stack traces and marks @sort and @uniq', () => {
    const n = norm();
    const err = enc('panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n');
    expect(resultLines(n, enc(''), err, '2', {}, false)).toEqual(['2| panic: boom', '2| <Go panic stack trace elided by runner>', 'exit: 2']);
    expect(resultLines(n, enc('b\na\n'), enc(''), '0', { sort: true, uniq: true }, false)).toEqual([
      '# (runner: consecutive repeated lines collapsed by @uniq)',
      '# (runner: output order canonicalized by @sort)',
      '1| a',
      '1| b',
      'exit: 0',
    ]);
  });

  it('canonicalizes orders and collapses repeats like the runner', () => {
    expect(canonicalOrder('[{"b":1},{"a":[1,2]}]\n')).toBe('[{"a":[1,2]},{"b":1}]\n');
    expect(canonicalOrder('{"header":{},"members":[{"ID":2},{"ID":1}]}\n')).toBe('{"header":{},"members":[{"ID":1},{"ID":2}]}\n');
    expect(canonicalOrder('x\ny\n\na\nb\n\n')).toBe('a\nb\n\nx\ny\n\n');
    expect(collapseRepeats('a\na\n\n\nb')).toBe('a\n\n\nb');
    expect(cpCompare('\u{1F600}', '\uffff')).toBe(1);
  });

  it('detects -w protobuf the way the runner does', () => {
    expect(isProtobuf(['get', 'k', '-w', 'protobuf'])).toBe(true);
    expect(isProtobuf(['--write-out=protobuf'])).toBe(true);
    expect(isProtobuf(['-w', 'json'])).toBe(false);
  });
});

describe('protobuf decode_raw', () => {
  it('renders a response with its header term replaced', () => {
    // PutResponse{header{cluster_id=5e10, member_id=2, revision=7, raft_term=3}}
    const header = [0x08, 0x80, 0xe4, 0x97, 0xd0, 0x12, 0x10, 0x02, 0x18, 0x07, 0x20, 0x03];
    expect(decodeProtobufStream(bytes(0x0a, header.length, ...header))).toBe('<protobuf>\n1 {\n  1: 5000000000\n  2: 2\n  3: 7\n  4: <TERM>\n}\n');
  });

  it('treats a bare header (lease output) like one', () => {
    expect(decodeProtobufStream(bytes(0x08, 0x80, 0xe4, 0x97, 0xd0, 0x12, 0x20, 0x03))).toBe('<protobuf>\n1: 5000000000\n4: <TERM>\n');
    expect(decodeProtobufStream(bytes(0x08, 0x05, 0x20, 0x03))).toBe('<protobuf>\n1: 5\n4: 3\n');
  });

  it('shows printable bytes as strings and others as messages or escapes', () => {
    expect(decodeProtobufStream(bytes(0x0a, 0x03, ...enc('a"b')))).toBe('<protobuf>\n1: "a\\"b"\n');
    expect(decodeProtobufStream(bytes(0x12, 0x02, 0x08, 0x01))).toBe('<protobuf>\n2 {\n  1: 1\n}\n');
    expect(decodeProtobufStream(bytes(0x12, 0x02, 0xff, 0x00))).toBe('<protobuf>\n2: "\\xff\\x00"\n');
    expect(decodeProtobufStream(bytes(0x0d, 0x01, 0x00, 0x00, 0x00, 0x11, 1, 0, 0, 0, 0, 0, 0, 0))).toBe('<protobuf>\n1: 1\n2: 1\n');
  });

  it('falls back to newline splitting, then to hex', () => {
    // As one message the first "\n" (0x0a) would start a truncated field 1: split at newlines instead.
    expect(decodeProtobufStream(bytes(0x08, 0x01, 0x0a, 0x08, 0x02, 0x0a))).toBe('<protobuf message 1>\n1: 1\n<protobuf message 2>\n1: 2\n');
    expect(renderStream(bytes(0x07), true)).toBe('<hex>07\n');
  });
});

describe('scenario parsing', () => {
  it('reads commands, comments, heredocs, modifiers and directives', () => {
    const sc = parseScenario(
      ['@cluster 1', '@slow', '# a comment', '@sort', '@sleep 1', 'get foo', 'txn -i <<EOF', 'a', '', 'EOF', '@no-newline-stdin', '@bg w1 4 watch  foo  bar', '@wait w1', ''].join('\n'),
    );
    expect(sc.cluster).toBe(1);
    expect(sc.slow).toBe(true);
    const [c, sleep, get, txn, bg, wait] = sc.steps;
    expect(c).toMatchObject({ kind: 'comment', line: '# a comment' });
    expect(sleep).toMatchObject({ kind: 'directive', name: 'sleep', arg: '1' });
    expect(get).toMatchObject({ kind: 'cmd', cmd: 'get foo', opts: { sort: true }, stdin: undefined });
    expect(txn).toMatchObject({ kind: 'cmd', cmd: 'txn -i', stdin: 'a\n\n', stdinLines: ['a', ''], opts: {} });
    expect(bg).toMatchObject({ kind: 'bg', name: 'w1', timeout: 4, cmd: 'watch  foo  bar', opts: { 'no-newline-stdin': true } });
    expect(wait).toMatchObject({ kind: 'directive', name: 'wait', arg: 'w1' });
    expect(() => parseScenario('put a <<EOF\nx\n')).toThrow(ScenarioError);
  });

  it('splits command lines like shlex and formats like %g', () => {
    expect(shlexSplit(`put "a b" '' c\\ d "x\\"y\\z"`)).toEqual(['put', 'a b', '', 'c d', 'x"y\\z']);
    expect(() => shlexSplit('put "a')).toThrow();
    expect([4, 1.5, 0.25, 30, 1e6].map(pyG)).toEqual(['4', '1.5', '0.25', '30', '1e+06']);
  });
});

describe('runner mechanics (a stand-in etcdctl)', () => {
  const cmd = (name: string, run: CommandSpec['run']): CommandSpec => ({ name, use: name, short: name, run });
  const root: CommandSpec = {
    name: 'etcdctl',
    use: '',
    short: 'stand-in',
    persistentFlags: GLOBAL_FLAGS,
    subcommands: [
      cmd('echo', async (ctx) => ctx.out(ctx.globals.endpoints.join(',') + ' ' + ctx.args.join(' ') + '\n')),
      cmd('cat', async (ctx) => ctx.out(await ctx.stdin.readAll())),
      cmd('sleep', async (ctx) => {
        await ctx.sleep(Number(ctx.args[0]) * 1000);
        ctx.out('slept\n');
      }),
      cmd('forever', async (ctx) => {
        ctx.out('started\n');
        await ctx.forever();
      }),
      cmd('fail', async (ctx) => ctx.fail(Number(ctx.args[0]), 'bad')),
    ],
  };

  it('substitutes placeholders, feeds stdin, times out, stops background commands and drives the cluster', async () => {
    const sc = parseScenario(
      [
        '# mechanics',
        'echo {{EP0}} {{PEER1}} {{EP2_PORT}} {{MEMBER_ID_etcd1}} {{CLUSTER_ID}} {{TMP}}/x',
        'echo --endpoints={{EP1}} x',
        'cat <<EOF',
        'a',
        '',
        'EOF',
        '@no-newline-stdin',
        'cat <<EOF',
        'x',
        'EOF',
        '@bg f 3 forever',
        '@bg s 3 sleep 1',
        '@timeout 2',
        'sleep 5',
        'fail 5',
        '@wait f',
        '@kill etcd2',
        '@kill etcd2',
        '@restart etcd2',
        '@make-leader etcd1',
        '@wait-healthy',
        '@sleep 0.5',
      ].join('\n'),
    );
    const t = await runScenario(sc, 'mech', { root });
    expect(t).toBe(
      [
        '# scenario: mech',
        '',
        '# mechanics',
        '$ etcdctl echo {{EP0}} {{PEER1}} {{EP2_PORT}} {{MEMBER_ID_etcd1}} {{CLUSTER_ID}} {{TMP}}/x',
        '1| <EP0> <EP0> http://<PEER1> 23792 <MEMBER_ID_etcd1> <CLUSTER_ID> <TMP>/x',
        'exit: 0',
        '',
        '$ etcdctl echo --endpoints={{EP1}} x',
        '1| <EP1> x',
        'exit: 0',
        '',
        '$ etcdctl cat',
        '0| a',
        '0|',
        '1| a',
        '1|',
        'exit: 0',
        '',
        '$ etcdctl cat',
        '0| x',
        '0\\ (no newline at end)',
        '1| x',
        '1\\ (no newline at end)',
        'exit: 0',
        '',
        '$ etcdctl forever &   [background f, stopped after 3s]',
        '',
        '$ etcdctl sleep 1 &   [background s, stopped after 3s]',
        '',
        '$ etcdctl sleep 5',
        'exit: killed by runner after timeout',
        '',
        '$ etcdctl fail 5',
        '2| Error: bad',
        'exit: 5',
        '',
        '@wait f   # output of: etcdctl forever',
        '1| started',
        'exit: terminated by runner (SIGTERM at timeout)',
        '',
        '@kill etcd2 -> ok',
        '',
        '@kill etcd2 -> FAILED',
        '',
        '@restart etcd2 -> ok',
        '',
        '@make-leader etcd1 -> ok',
        '',
        '@wait-healthy  -> ok',
        '',
        '@sleep 0.5',
        '',
        '@wait s   # output of: etcdctl sleep 1',
        '1| slept',
        'exit: 0',
        '',
      ].join('\n'),
    );
  });
});

// ---- the corpus itself ----

const CORPUS = resolve(__dirname, '../../../shared/etcdctl-corpus');
const files: CorpusFiles = {
  scenarioNames: () => readdirSync(join(CORPUS, 'scenarios')).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)),
  readScenario: (n) => readFileSync(join(CORPUS, 'scenarios', n + '.txt'), 'utf8'),
  readGolden: (n) => (existsSync(join(CORPUS, 'golden', n + '.out')) ? readFileSync(join(CORPUS, 'golden', n + '.out'), 'utf8') : undefined),
};

describe.skipIf(!existsSync(join(CORPUS, 'scenarios')))('etcdctl corpus', () => {
  const root = etcdctlRoot();
  for (const name of existsSync(join(CORPUS, 'scenarios')) ? selectScenarios(files.scenarioNames(), []) : []) {
    const guarded = PASSING.includes(name);
    it(`${name}${guarded ? '' : ' (not yet passing)'}`, async () => {
      const r = await runOne(files, name, { root });
      if (r.status === 'SKIP') return;
      expect(r.status, formatResult(r)).not.toBe('ERROR');
      if (guarded) expect(r.status, formatResult(r, true)).toBe('PASS');
    });
  }
});
