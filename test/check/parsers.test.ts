// History parsers: the exact semantics shared/linearizability/README.md gives
// (timed-out reads dropped, :info = unknown with return +Infinity, ...).
import { describe, expect, it } from 'vitest';
import {
  detectFormat,
  findExpectation,
  loadHistory,
  parseExpectedTsv,
  parseJepsenEtcdLog,
  parseJsonHistory,
  parseKvEdn,
  serializeJsonHistory,
  type JsonHistory,
} from '../../src/engine/check/index.ts';

describe('jepsen etcd log', () => {
  const log = [
    'INFO  jepsen.util - 0\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 1\t:invoke\t:write\t3',
    'INFO  jepsen.util - 0\t:ok\t:read\tnil',
    'INFO  jepsen.util - 2   :invoke   :cas   [3 0]', // spaces instead of tabs
    'INFO  jepsen.util - 1\t:info\t:write\t:timed-out',
    'INFO  jepsen.util - 2\t:fail\t:cas\t[3 0]',
    'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 3\t:fail\t:read\t:timed-out',
    'INFO  jepsen.util - 4\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 4\t:ok\t:read\t3',
    'INFO  jepsen.util - 5\t:invoke\t:cas\t[1 2]',
    '',
  ].join('\n');

  it('pairs invocations with completions; line numbers are the clock', () => {
    const ops = parseJepsenEtcdLog(log);
    expect(ops).toEqual([
      { clientId: 0, input: { type: 'read' }, call: 1, output: { status: 'ok', value: null }, return: 3 },
      { clientId: 1, input: { type: 'write', value: 3 }, call: 2, output: { status: 'unknown' }, return: Infinity },
      { clientId: 2, input: { type: 'cas', from: 3, to: 0 }, call: 4, output: { status: 'fail' }, return: 6 },
      // the timed-out read (client 3) is dropped
      { clientId: 4, input: { type: 'read' }, call: 9, output: { status: 'ok', value: 3 }, return: 10 },
      // never completed: unknown
      { clientId: 5, input: { type: 'cas', from: 1, to: 2 }, call: 11, output: { status: 'unknown' }, return: Infinity },
    ]);
  });

  it('rejects malformed logs', () => {
    expect(() => parseJepsenEtcdLog('INFO  jepsen.util - 0\t:ok\t:read\t1')).toThrow(/without a matching/);
    expect(() => parseJepsenEtcdLog('hello')).toThrow(/not a jepsen.util event/);
    expect(() => parseJepsenEtcdLog('INFO  jepsen.util - 0\t:invoke\t:cas\t3\nINFO  jepsen.util - 0\t:ok\t:cas\t3')).toThrow(
      /cas needs/,
    );
  });
});

describe('kv EDN history', () => {
  const text = [
    '{:process 0, :type :invoke, :f :append, :key "7", :value "x 0 1 y"}',
    '{:process 1, :type :invoke, :f :get, :key "7", :value nil}',
    '{:process 0, :type :ok, :f :append, :key "7", :value "x 0 1 y"}',
    '{:process 1, :type :ok, :f :get, :key "7", :value "x 0 1 y"}',
    '{:process 2, :type :invoke, :f :put, :key "a\\"b", :value "v"}',
    '{:process 2, :type :info, :f :put, :key "a\\"b", :value "v"}',
  ].join('\n');

  it('parses each map and pairs invoke with completion', () => {
    expect(parseKvEdn(text)).toEqual([
      { clientId: 0, input: { op: 'append', key: '7', value: 'x 0 1 y' }, call: 1, output: {}, return: 3 },
      { clientId: 1, input: { op: 'get', key: '7' }, call: 2, output: { value: 'x 0 1 y' }, return: 4 },
      { clientId: 2, input: { op: 'put', key: 'a"b', value: 'v' }, call: 5, output: { status: 'unknown' }, return: Infinity },
    ]);
  });

  it('rejects what it does not understand', () => {
    expect(() => parseKvEdn('{:process 0, :type :invoke, :f :cas, :key "1", :value nil}')).toThrow(/unknown :f/);
    expect(() => parseKvEdn('{:process 0, :type :invoke')).toThrow(/line 1/);
  });
});

describe('JSON history', () => {
  it('round-trips, with null standing for an unknown return', () => {
    const h: JsonHistory = {
      model: 'etcd',
      initialRevision: 5,
      operations: [
        { clientId: 1, call: 0, return: Infinity, input: { type: 'put', key: 'k', value: 'v' }, output: { type: 'unknown' } },
      ],
    };
    const text = serializeJsonHistory(h);
    expect(text).toContain('"return":null');
    expect(parseJsonHistory(text)).toEqual(h);
  });

  it('is checked with the model it names', () => {
    const text = JSON.stringify({
      model: 'etcd',
      operations: [
        { clientId: 0, call: 0, return: 1, input: { type: 'put', key: 'k', value: 'v' }, output: { type: 'put', revision: 2 } },
        { clientId: 1, call: 2, return: 3, input: { type: 'get', key: 'k' }, output: { type: 'get', revision: 1, kvs: [] } },
      ],
    });
    const loaded = loadHistory(text);
    expect(loaded).toMatchObject({ format: 'json', model: 'etcd', operations: 2 });
    expect(loaded.check().verdict).toBe('not-linearizable');
  });

  it('rejects bad input', () => {
    expect(() => parseJsonHistory('{"model":"nope","operations":[]}')).toThrow(/model/);
    expect(() => parseJsonHistory('{"model":"kv","operations":[{"call":"x"}]}')).toThrow(/call/);
  });
});

describe('format detection and expectations', () => {
  it('recognizes each format', () => {
    expect(detectFormat('')).toBe('empty');
    expect(detectFormat('INFO  jepsen.util - 0\t:invoke\t:read\tnil')).toBe('jepsen-etcd');
    expect(detectFormat('{:process 0}')).toBe('kv-edn');
    expect(detectFormat('{"model":"kv"}')).toBe('json');
    expect(() => detectFormat('hello')).toThrow(/unrecognized/);
    expect(loadHistory('').check().verdict).toBe('linearizable');
  });

  it('reads expected.tsv and matches paths by suffix on segment boundaries', () => {
    const list = parseExpectedTsv(
      '# file\texpected\n' + 'jepsen-etcd/etcd_000.log\tnot-linearizable\t85\n' + 'kv/c01-ok.txt\tlinearizable\n',
    );
    expect(list).toEqual([
      { file: 'jepsen-etcd/etcd_000.log', expected: 'not-linearizable' },
      { file: 'kv/c01-ok.txt', expected: 'linearizable' },
    ]);
    expect(findExpectation(list, '../shared/linearizability/kv/c01-ok.txt')?.expected).toBe('linearizable');
    expect(findExpectation(list, 'kv/c01-ok.txt')?.expected).toBe('linearizable');
    expect(findExpectation(list, 'xkv/c01-ok.txt')).toBeUndefined();
    expect(() => parseExpectedTsv('a\tmaybe')).toThrow(/unknown verdict/);
  });
});
