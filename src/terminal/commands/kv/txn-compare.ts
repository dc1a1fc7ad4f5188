// The comparison lines of `etcdctl txn` (parseCompare): `target("key") op "value"`,
// read with Go's fmt.Sscanf(rest, `%q) %s %q`), whose partial results show
// up in etcdctl's error messages. A Go panic of clientv3.Compare (unknown
// operator, a lease compare) is reported through `panic`.
import type { Compare, CompareResult } from '../../../engine/mvcc/rpc.ts';
import { goQuote } from '../../print/index.ts';
import { parseInt64 } from './ops.ts';

export interface CompareEnv {
  /** ExitWithError(ExitInvalidInput, msg). */
  invalid(message: string): never;
  /** A Go panic with this value. */
  panic(message: string): never;
}

/** A scan failure: Sscanf stops and reports how many operands it filled. */
class ScanStop {}

const enc = new TextEncoder();

/** strconv.Unquote of a double-quoted Go string literal, as bytes; undefined if malformed. */
export function unquote(lit: string): Uint8Array | undefined {
  if (lit.length < 2 || lit[0] !== '"' || lit[lit.length - 1] !== '"') return undefined;
  const body = [...lit.slice(1, -1)];
  const out: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"' || c === '\n') return undefined;
    if (c !== '\\') {
      out.push(...enc.encode(c));
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    if (e in simple) {
      out.push(simple[e]!);
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n).join('');
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return undefined;
      i += n;
      const v = parseInt(hex, 16);
      if (e === 'x') out.push(v);
      else if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined;
      else out.push(...enc.encode(String.fromCodePoint(v)));
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3).join('');
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
      i += 2;
      out.push(parseInt(oct, 8));
    } else return undefined;
  }
  return Uint8Array.from(out);
}

/** Go's fmt scanning over one string, only what `%q) %s %q` needs. */
class Scanner {
  private i = 0;
  private readonly r: string[];
  constructor(s: string) {
    this.r = [...s];
  }
  private peek(): string | undefined {
    return this.r[this.i];
  }
  private isSpace(c: string | undefined): boolean {
    return c !== undefined && /^[\t\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(c);
  }
  skipSpace(): void {
    while (this.isSpace(this.peek())) this.i++;
  }
  /** A literal rune of the format. */
  literal(c: string): void {
    if (this.peek() !== c) throw new ScanStop();
    this.i++;
  }
  /** A space of the format: one or more spaces, or the end of input. */
  space(): void {
    const c = this.peek();
    if (c !== undefined && !this.isSpace(c)) throw new ScanStop();
    this.skipSpace();
  }
  /** %q into a string: a "..." or `...` literal. */
  quoted(): Uint8Array {
    this.skipSpace();
    const q = this.peek();
    if (q === undefined) throw new ScanStop();
    this.i++;
    if (q === '`') {
      let s = '';
      for (;;) {
        const c = this.r[this.i++];
        if (c === undefined) throw new ScanStop();
        if (c === '`') return enc.encode(s);
        s += c;
      }
    }
    if (q !== '"') throw new ScanStop();
    let lit = '"';
    for (;;) {
      const c = this.r[this.i++];
      if (c === undefined) throw new ScanStop();
      lit += c;
      if (c === '\\') {
        const d = this.r[this.i++];
        if (d === undefined) throw new ScanStop();
        lit += d;
      } else if (c === '"') break;
    }
    const v = unquote(lit);
    if (!v) throw new ScanStop();
    return v;
  }
  /** %s: a space-delimited token. */
  token(): string {
    this.skipSpace();
    if (this.peek() === undefined) throw new ScanStop();
    let s = '';
    while (this.peek() !== undefined && !this.isSpace(this.peek())) s += this.r[this.i++];
    return s;
  }
}

const RESULTS: Record<string, CompareResult> = { '=': 'EQUAL', '!=': 'NOT_EQUAL', '>': 'GREATER', '<': 'LESS' };

/** parseCompare: one comparison line (already trimmed). */
export function parseCompare(line: string, env: CompareEnv): Compare {
  const paren = line.indexOf('(');
  if (paren < 0) env.invalid(`malformed comparison: ${line}`);
  const target = line.slice(0, paren);
  let key: Uint8Array = new Uint8Array();
  let op = '';
  let val: Uint8Array = new Uint8Array();
  let n = 0;
  const sc = new Scanner(line.slice(paren + 1));
  try {
    key = sc.quoted();
    n++;
    sc.literal(')');
    sc.space();
    op = sc.token();
    n++;
    val = sc.quoted();
    n++;
  } catch (e) {
    if (!(e instanceof ScanStop)) throw e;
  }
  if (n !== 3) env.invalid(`malformed comparison: ${line}; got ${target}(${goQuote(key)}) ${op} ${goQuote(val)}`);
  // clientv3.Compare checks the operator first, then the value's type.
  const compare = (c: Omit<Compare, 'result' | 'key'>): Compare => {
    const result = RESULTS[op];
    if (!result) env.panic('Unknown result op');
    return { ...c, key, result };
  };
  const int = (): number => {
    const v = parseInt64(new TextDecoder().decode(val), 10);
    if ('error' in v) return env.invalid(`invalid txn compare request: ${line}`);
    return Number(v.value);
  };
  switch (target) {
    case 'ver':
    case 'version':
      return compare({ target: 'VERSION', version: int() });
    case 'c':
    case 'create':
      return compare({ target: 'CREATE', createRevision: int() });
    case 'm':
    case 'mod':
      return compare({ target: 'MOD', modRevision: int() });
    case 'val':
    case 'value':
      return compare({ target: 'VALUE', value: val });
    case 'lease':
      // A string is not a lease ID: clientv3's mustInt64orLeaseID panics.
      compare({ target: 'LEASE' });
      return env.panic('bad value');
    default:
      return env.invalid(`malformed comparison: ${line} (unknown target ${target})`);
  }
}
