// get, put, del and compaction through a session on a simulated cluster:
// argument handling, exit codes, where format errors happen, stdin values.
import { beforeEach, describe, expect, it } from 'vitest';
import { Shell } from './cli-helpers.ts';

let sh: Shell;

beforeEach(async () => {
  sh = await new Shell(3).ready();
});

describe('put and get', () => {
  it('puts and reads back, --prefix, --keys-only, --print-value-only', async () => {
    expect(await sh.run(['put', 'k1', 'v1'])).toEqual({ out: 'OK\n', err: '', code: 0 });
    await sh.run(['put', 'k2', 'v2']);
    expect((await sh.run(['get', 'k', '--prefix'])).out).toBe('k1\nv1\nk2\nv2\n');
    expect((await sh.run(['get', 'k', '--prefix', '--keys-only'])).out).toBe('k1\n\nk2\n\n');
    expect((await sh.run(['get', 'k1', '--print-value-only'])).out).toBe('v1\n');
    expect((await sh.run(['get', 'k1', '--hex'])).out).toBe('\\x6b\\x31\n\\x76\\x31\n');
  });

  it('reads the value from stdin when only the key is given, and needs one', async () => {
    expect((await sh.run(['put', 'k'], 'a\nb\n')).code).toBe(0);
    expect((await sh.run(['get', 'k', '--print-value-only'])).out).toBe('a\nb\n\n');
    expect(await sh.run(['put', 'k'])).toEqual({
      out: '',
      err: 'Error: put command needs 1 argument and input from stdin or 2 arguments\n',
      code: 128,
    });
    expect((await sh.run(['put', 'e', ''])).code).toBe(0);
  });

  it('takes dash values after -- and ignores a third argument', async () => {
    expect((await sh.run(['put', '--', 'dk', '-dv'])).code).toBe(0);
    expect((await sh.run(['get', 'dk'])).out).toBe('dk\n-dv\n');
    expect((await sh.run(['put', 'a', 'b', 'c'])).code).toBe(0);
    expect((await sh.run(['get', 'a'])).out).toBe('a\nb\n');
    await sh.run(['put', 'b', '2']);
    expect((await sh.run(['get', 'a', 'b', 'zzz'])).out).toBe('a\nb\n');
  });

  it('performs the put before failing on -w table, but not on -w yaml', async () => {
    expect(await sh.run(['put', 't', '1', '-w', 'table'])).toEqual({ out: '', err: 'Error: table not supported as output format\n', code: 4 });
    expect(await sh.run(['put', 'y', '1', '-w', 'yaml'])).toEqual({ out: '', err: 'Error: unsupported output format\n', code: 4 });
    expect((await sh.run(['get', 't'])).out).toBe('t\n1\n');
    expect((await sh.run(['get', 'y'])).out).toBe('');
  });

  it('checks get arguments in etcdctl order', async () => {
    const err = async (argv: string[]): Promise<[string, number | string]> => {
      const r = await sh.run(argv);
      return [r.err, r.code];
    };
    expect(await err(['get'])).toEqual(['Error: get command needs one argument as key and an optional argument as range_end\n', 128]);
    expect(await err(['get', 'k', '--prefix', '--from-key', '-w', 'yaml'])).toEqual([
      'Error: `--prefix` and `--from-key` cannot be set at the same time, choose one\n',
      128,
    ]);
    expect(await err(['get', 'k', '--consistency=x'])).toEqual(['Error: unknown consistency flag "x"\n', 4]);
    expect(await err(['get', 'k', '--sort-by=BOGUS'])).toEqual(['Error: bad sort target BOGUS\n', 4]);
    expect(await err(['get', 'k', '--order=UP'])).toEqual(['Error: bad sort order UP\n', 4]);
    expect(await err(['get', 'k', '--print-value-only', '-w', 'json'])).toEqual(['Error: print-value-only is only for `--write-out=simple`\n', 128]);
  });

  it('sorts and limits', async () => {
    for (const [k, v] of [['k1', 'c'], ['k2', 'a'], ['k3', 'b']]) await sh.run(['put', k!, v!]);
    expect((await sh.run(['get', 'k', '--prefix', '--sort-by=value', '--keys-only'])).out).toBe('k2\n\nk3\n\nk1\n\n');
    expect((await sh.run(['get', 'k', '--prefix', '--order=DESCEND', '--limit=1', '--keys-only'])).out).toBe('k3\n\n');
    expect((await sh.run(['get', 'k', '--prefix', '--limit=1', '-w', 'json'])).out).toContain('"more":true,"count":3}');
  });

  it('parses --lease as hex and reports a bad one', async () => {
    expect(await sh.run(['put', 'k', 'v', '--lease=nothex'])).toEqual({
      out: '',
      err: 'Error: bad lease ID (strconv.ParseInt: parsing "nothex": invalid syntax), expecting ID in Hex\n',
      code: 128,
    });
    expect((await sh.run(['put', 'k', 'v', '--lease=1234abcd'])).err).toBe('Error: etcdserver: requested lease not found\n');
  });
});

describe('del', () => {
  it('prints the count and the deleted pairs', async () => {
    await sh.run(['put', 'p/1', 'x']);
    await sh.run(['put', 'p/2', 'y']);
    expect((await sh.run(['del', 'p/', '--prefix', '--prev-kv'])).out).toBe('2\np/1\nx\np/2\ny\n');
    expect((await sh.run(['del', 'nosuch'])).out).toBe('0\n');
  });

  it('refuses bad argument counts with exit 128', async () => {
    for (const argv of [['del'], ['del', 'a', 'b', 'c'], ['del', '--prefix']]) {
      expect(await sh.run(argv)).toEqual({
        out: '',
        err: 'Error: del command needs one argument as key and an optional argument as range_end\n',
        code: 128,
      });
    }
  });
});

describe('compaction', () => {
  it('compacts and prints plain text in every format', async () => {
    await sh.run(['put', 'c', '1']);
    await sh.run(['put', 'c', '2']);
    expect(await sh.run(['compaction', '2', '-w', 'json'])).toEqual({ out: 'compacted revision 2\n', err: '', code: 0 });
    expect((await sh.run(['get', 'c', '--rev=1'])).err).toBe('Error: etcdserver: mvcc: required revision has been compacted\n');
  });

  it('checks its argument', async () => {
    expect(await sh.run(['compaction'])).toEqual({ out: '', err: 'Error: compaction command needs 1 argument\n', code: 128 });
    expect(await sh.run(['compaction', 'abc'])).toEqual({ out: '', err: 'Error: strconv.ParseInt: parsing "abc": invalid syntax\n', code: 1 });
    expect((await sh.run(['compaction', '99999999999999999999'])).err).toBe(
      'Error: strconv.ParseInt: parsing "99999999999999999999": value out of range\n',
    );
  });
});
