// The Go parsers behind pflag's value types, with their error texts:
// strconv.ParseBool, strconv.ParseInt/ParseUint with base 0 (0x, 0o, 0b,
// leading-0 octal, underscores), time.ParseDuration, and the one-record
// encoding/csv read that string slices use.
import { goQuote, timeQuote } from './gostr.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

export function parseBool(s: string): Parsed<boolean> {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return ok(true);
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return ok(false);
  return fail(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
}

/** strconv's underscoreOK: underscores only between digits (a base prefix counts as one). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  let hexDigits = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s[1]!.toLowerCase())) {
    i = 2;
    saw = '0';
    hexDigits = s[1]!.toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hexDigits && c.toLowerCase() >= 'a' && c.toLowerCase() <= 'f')) saw = '0';
    else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

/** The unsigned value of s (no sign) in base 0, or undefined on bad syntax. */
function baseZero(s: string): bigint | undefined {
  if (s === '') return undefined;
  let base = 10;
  let digits = s;
  if (s[0] === '0') {
    const p = s.length >= 3 ? s[1]!.toLowerCase() : '';
    if (p === 'x' || p === 'o' || p === 'b') [base, digits] = [{ x: 16, o: 8, b: 2 }[p], s.slice(2)];
    else [base, digits] = [8, s.slice(1)];
  }
  let v = 0n;
  let underscores = false;
  for (const ch of digits.toLowerCase()) {
    if (ch === '_') {
      underscores = true;
      continue;
    }
    const d = /^[0-9a-z]$/.test(ch) ? parseInt(ch, 36) : NaN;
    if (Number.isNaN(d) || d >= base) return undefined;
    v = v * BigInt(base) + BigInt(d);
  }
  if (underscores && !underscoreOK(s)) return undefined;
  return v;
}

/** strconv.ParseInt(s, 0, 64). */
export function parseInt64(s: string): Parsed<number> {
  const fn = 'strconv.ParseInt';
  const neg = s.startsWith('-');
  const body = s.startsWith('-') || s.startsWith('+') ? s.slice(1) : s;
  const v = body === '' ? undefined : baseZero(body);
  if (v === undefined) return fail(`${fn}: parsing ${goQuote(s)}: invalid syntax`);
  const signed = neg ? -v : v;
  if (signed > 2n ** 63n - 1n || signed < -(2n ** 63n)) return fail(`${fn}: parsing ${goQuote(s)}: value out of range`);
  return ok(Number(signed));
}

/** strconv.ParseUint(s, 0, 64): no sign allowed. */
export function parseUint64(s: string): Parsed<number> {
  const fn = 'strconv.ParseUint';
  const v = s === '' || s.startsWith('-') || s.startsWith('+') ? undefined : baseZero(s);
  if (v === undefined) return fail(`${fn}: parsing ${goQuote(s)}: invalid syntax`);
  if (v > 2n ** 64n - 1n) return fail(`${fn}: parsing ${goQuote(s)}: value out of range`);
  return ok(Number(v));
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n, // U+00B5
  'μs': 1000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** time.ParseDuration, in milliseconds (fractions of a ms kept). */
export function parseGoDuration(orig: string): Parsed<number> {
  const invalid = (): Parsed<number> => fail(`time: invalid duration ${timeQuote(orig)}`);
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return ok(0);
  if (s === '') return invalid();
  let total = 0n;
  const max = 2n ** 63n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (!(s[0] === '.' || (s[0]! >= '0' && s[0]! <= '9'))) return invalid();
    const [whole, intPart, fracPart] = [m[0], m[1]!, m[2]];
    if (intPart === '' && (fracPart === undefined || fracPart === '')) return invalid();
    s = s.slice(whole.length);
    let i = 0;
    while (i < s.length && s[i] !== '.' && !(s[i]! >= '0' && s[i]! <= '9')) i++;
    if (i === 0) return fail(`time: missing unit in duration ${timeQuote(orig)}`);
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNIT_NS[u];
    if (unit === undefined) return fail(`time: unknown unit ${timeQuote(u)} in duration ${timeQuote(orig)}`);
    const v = BigInt(intPart || '0');
    if (v > max / unit) return invalid();
    let part = v * unit;
    if (fracPart) {
      // Only as many fraction digits as can matter.
      const f = fracPart.slice(0, 18);
      part += (BigInt(f) * unit) / 10n ** BigInt(f.length);
    }
    total += part;
    if (total > max) return invalid();
  }
  if (!neg && total > max - 1n) return invalid();
  const ms = Number(total) / 1e6;
  return ok(neg ? -ms : ms);
}

/** encoding/csv reading one record (pflag's stringSlice values); "" is no items. */
export function readCsvRecord(s: string): Parsed<string[]> {
  if (s === '') return ok([]);
  const line = s.split('\n')[0]!.replace(/\r$/, '');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return fail(`parse error on line 1, column ${line.length + 1}: extraneous or missing " in quoted-field`);
        v += line.slice(j, q);
        if (line[q + 1] === '"') {
          v += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      if (j < line.length && line[j] !== ',') return fail(`parse error on line 1, column ${j}: extraneous or missing " in quoted-field`);
      fields.push(v);
      if (j >= line.length) break;
      i = j + 1;
    } else {
      const c = line.indexOf(',', i);
      const v = c < 0 ? line.slice(i) : line.slice(i, c);
      const bare = v.indexOf('"');
      if (bare >= 0) return fail(`parse error on line 1, column ${i + bare + 1}: bare " in non-quoted-field`);
      fields.push(v);
      if (c < 0) break;
      i = c + 1;
    }
  }
  return ok(fields);
}

/** time.Duration.String of a duration given in ms: "5s", "1m30s", "1.5ms", "0s". */
export function goDurationString(ms: number): string {
  let ns = BigInt(Math.round(ms * 1e6));
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  if (neg) ns = -ns;
  const frac = (v: bigint, digits: number): string => {
    const scale = 10n ** BigInt(digits);
    const f = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '');
    return `${v / scale}${f ? `.${f}` : ''}`;
  };
  let out: string;
  if (ns < 1000n) out = `${ns}ns`;
  else if (ns < 1_000_000n) out = `${frac(ns, 3)}µs`;
  else if (ns < 1_000_000_000n) out = `${frac(ns, 6)}ms`;
  else {
    const h = ns / 3_600_000_000_000n;
    const m = (ns / 60_000_000_000n) % 60n;
    const s = frac(ns % 60_000_000_000n, 9);
    out = h > 0n ? `${h}h${m}m${s}s` : m > 0n ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? `-${out}` : out;
}
