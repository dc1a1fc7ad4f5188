// The pflag parser and Go value parsers: every flag form etcdctl accepts and
// pflag's exact error texts.
import { describe, expect, it } from 'vitest';
import type { FlagSpec } from '../../src/terminal/core/flags.ts';
import { goDurationString, parseGoDuration, parseInt64, parseUint64, readCsvRecord } from '../../src/terminal/core/goparse.ts';
import { goBackquoteList, goQuote, timeQuote } from '../../src/terminal/core/gostr.ts';
import { parseFlags } from '../../src/terminal/core/pflag.ts';

const SPECS: FlagSpec[] = [
  { name: 'prefix', kind: 'bool', def: 'false', usage: '' },
  { name: 'keys-only', shorthand: 'k', kind: 'bool', def: 'false', usage: '' },
  { name: 'write-out', shorthand: 'w', kind: 'string', def: 'simple', usage: '' },
  { name: 'limit', kind: 'int', def: '0', usage: '' },
  { name: 'count', kind: 'uint', def: '0', usage: '' },
  { name: 'dial-timeout', kind: 'duration', def: '2s', usage: '' },
  { name: 'endpoints', kind: 'stringSlice', def: '[127.0.0.1:2379]', usage: '' },
  { name: 'peer', kind: 'stringArray', def: '[]', usage: '' },
  { name: 'insecure', kind: 'bool', def: 'true', usage: '' },
];

function parse(...argv: string[]) {
  return parseFlags(SPECS, argv);
}

function error(...argv: string[]): string {
  try {
    parse(...argv);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('pflag forms', () => {
  it('has defaults and marks nothing changed', () => {
    const p = parse();
    expect(p.values.get('write-out')).toBe('simple');
    expect(p.values.get('dial-timeout')).toBe(2000);
    expect(p.values.get('endpoints')).toEqual(['127.0.0.1:2379']);
    expect(p.values.get('insecure')).toBe(true);
    expect(p.changed.size).toBe(0);
  });

  it('takes --name=value, --name value, -s value, -svalue and -s=value', () => {
    expect(parse('--write-out=json').values.get('write-out')).toBe('json');
    expect(parse('--write-out', 'json').values.get('write-out')).toBe('json');
    expect(parse('-w', 'json').values.get('write-out')).toBe('json');
    expect(parse('-wjson').values.get('write-out')).toBe('json');
    expect(parse('-w=json').values.get('write-out')).toBe('json');
    expect(parse('--write-out=').values.get('write-out')).toBe('');
  });

  it('treats bool flags as switches that take =value only', () => {
    const p = parse('--prefix', 'x');
    expect(p.values.get('prefix')).toBe(true);
    expect(p.args).toEqual(['x']);
    expect(parse('--prefix=false').values.get('prefix')).toBe(false);
    expect(parse('--insecure=F').values.get('insecure')).toBe(false);
    expect(parse('-k=0').values.get('keys-only')).toBe(false);
  });

  it('groups shorthands; a value-taking one ends the group', () => {
    const p = parse('-kwjson');
    expect(p.values.get('keys-only')).toBe(true);
    expect(p.values.get('write-out')).toBe('json');
    const q = parse('-kw', 'fields');
    expect(q.values.get('write-out')).toBe('fields');
  });

  it('intersperses flags and arguments; `--` ends the flags', () => {
    const p = parse('a', '--prefix', 'b', '--', '-c', '--limit=3');
    expect(p.args).toEqual(['a', 'b', '-c', '--limit=3']);
    expect(p.argsLenAtDash).toBe(2);
    expect(p.values.get('limit')).toBe(0);
    expect(parse('-', 'x').args).toEqual(['-', 'x']);
  });

  it('appends repeated slices and arrays; csv splits slices', () => {
    expect(parse('--endpoints=a,b', '--endpoints', 'c').values.get('endpoints')).toEqual(['a', 'b', 'c']);
    expect(parse('--endpoints=').values.get('endpoints')).toEqual([]);
    expect(parse('--endpoints="a,b",c').values.get('endpoints')).toEqual(['a,b', 'c']);
    expect(parse('--peer=a,b', '--peer=c').values.get('peer')).toEqual(['a,b', 'c']);
  });

  it('parses ints with Go base prefixes and durations with units', () => {
    expect(parse('--limit=0x10').values.get('limit')).toBe(16);
    expect(parse('--limit=010').values.get('limit')).toBe(8);
    expect(parse('--limit=-0b11').values.get('limit')).toBe(-3);
    expect(parse('--limit=1_000').values.get('limit')).toBe(1000);
    expect(parse('--dial-timeout=1m30s').values.get('dial-timeout')).toBe(90_000);
    expect(parse('--dial-timeout=1.5ms').values.get('dial-timeout')).toBe(1.5);
    expect(parse('--dial-timeout=-1s').values.get('dial-timeout')).toBe(-1000);
    expect(parse('--dial-timeout=0').values.get('dial-timeout')).toBe(0);
  });
});

describe('pflag errors', () => {
  it('reports unknown flags and shorthands', () => {
    expect(error('--foo')).toBe('unknown flag: --foo');
    expect(error('--foo=1')).toBe('unknown flag: --foo');
    expect(error('-z')).toBe("unknown shorthand flag: 'z' in -z");
    expect(error('-kz')).toBe("unknown shorthand flag: 'z' in -z");
    expect(error('-zk')).toBe("unknown shorthand flag: 'z' in -zk");
    expect(error('-é')).toBe("unknown shorthand flag: 'Ã' in -é");
    expect(error('---x')).toBe('bad flag syntax: ---x');
    expect(error('--=x')).toBe('bad flag syntax: --=x');
  });

  it('reports missing values', () => {
    expect(error('--limit')).toBe('flag needs an argument: --limit');
    expect(error('-w')).toBe("flag needs an argument: 'w' in -w");
    expect(error('-kw')).toBe("flag needs an argument: 'w' in -w");
  });

  it('reports bad values with the flag and the parser message', () => {
    expect(error('--prefix=maybe')).toBe('invalid argument "maybe" for "--prefix" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
    expect(error('-k=2')).toBe('invalid argument "2" for "-k, --keys-only" flag: strconv.ParseBool: parsing "2": invalid syntax');
    expect(error('--limit=abc')).toBe('invalid argument "abc" for "--limit" flag: strconv.ParseInt: parsing "abc": invalid syntax');
    expect(error('--limit=99999999999999999999')).toBe(
      'invalid argument "99999999999999999999" for "--limit" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range',
    );
    expect(error('--count=-1')).toBe('invalid argument "-1" for "--count" flag: strconv.ParseUint: parsing "-1": invalid syntax');
    expect(error('--dial-timeout=abc')).toBe('invalid argument "abc" for "--dial-timeout" flag: time: invalid duration "abc"');
    expect(error('--dial-timeout=1')).toBe('invalid argument "1" for "--dial-timeout" flag: time: missing unit in duration "1"');
    expect(error('--dial-timeout=1x')).toBe('invalid argument "1x" for "--dial-timeout" flag: time: unknown unit "x" in duration "1x"');
    expect(error('--endpoints="a')).toBe(
      'invalid argument "\\"a" for "--endpoints" flag: parse error on line 1, column 3: extraneous or missing " in quoted-field',
    );
  });
});

describe('Go parsers and quoting', () => {
  it('parses and rejects integers like strconv with base 0', () => {
    expect(parseInt64('0o17')).toEqual({ ok: true, value: 15 });
    expect(parseInt64('1__0').ok).toBe(false);
    expect(parseInt64('_1').ok).toBe(false);
    expect(parseInt64('0x').ok).toBe(false);
    expect(parseInt64('').ok).toBe(false);
    expect(parseInt64('-9223372036854775808').ok).toBe(true);
    expect(parseUint64('18446744073709551616')).toEqual({ ok: false, error: 'strconv.ParseUint: parsing "18446744073709551616": value out of range' });
  });

  it('parses durations and prints them like time.Duration', () => {
    expect(parseGoDuration('.5s')).toEqual({ ok: true, value: 500 });
    expect(parseGoDuration('1µs')).toEqual({ ok: true, value: 0.001 });
    expect(parseGoDuration('.s').ok).toBe(false);
    expect(parseGoDuration('').ok).toBe(false);
    expect(goDurationString(5000)).toBe('5s');
    expect(goDurationString(90_000)).toBe('1m30s');
    expect(goDurationString(3_600_000)).toBe('1h0m0s');
    expect(goDurationString(1.5)).toBe('1.5ms');
    expect(goDurationString(0)).toBe('0s');
  });

  it('reads csv records', () => {
    expect(readCsvRecord('a,"b ""c""",d')).toEqual({ ok: true, value: ['a', 'b "c"', 'd'] });
    expect(readCsvRecord('"a"b')).toEqual({ ok: false, error: 'parse error on line 1, column 3: extraneous or missing " in quoted-field' });
    expect(readCsvRecord('a"b')).toEqual({ ok: false, error: 'parse error on line 1, column 2: bare " in non-quoted-field' });
  });

  it('quotes like Go', () => {
    expect(goQuote('a"b\\\n\t\x01é')).toBe('"a\\"b\\\\\\n\\t\\x01é"');
    expect(goQuote('\u00a0')).toBe('"\\u00a0"');
    expect(goBackquoteList(['a', 'b`c'])).toBe('[`a` "b`c"]');
    expect(timeQuote('1é')).toBe('"1\\xc3\\xa9"');
  });
});
