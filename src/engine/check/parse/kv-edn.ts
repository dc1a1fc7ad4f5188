// Parser for Porcupine's kv histories: one flat EDN map per line, e.g.
//   {:process 3, :type :invoke, :f :append, :key "7", :value "x 3 12 y"}
// Line order is the clock: times are 1-based line numbers. See
// shared/linearizability/README.md.
import type { KvInput, KvOutput } from '../models/kv-append.ts';
import type { Operation } from '../types.ts';

type EdnScalar = string | number | null | { keyword: string };

/** Parse one flat map of keywords to scalars (strings, numbers, nil, keywords). */
export function parseEdnMap(line: string): Map<string, EdnScalar> {
  const out = new Map<string, EdnScalar>();
  let i = 0;
  const skip = (): void => {
    while (i < line.length && /[\s,]/.test(line[i])) i++;
  };
  const word = (): string => {
    const start = i;
    while (i < line.length && !/[\s,{}[\]"]/.test(line[i])) i++;
    return line.slice(start, i);
  };
  const value = (): EdnScalar => {
    if (line[i] === '"') {
      let s = '';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\') {
          i++;
          const c = line[i];
          s += c === 'n' ? '\n' : c === 't' ? '\t' : c;
        } else s += line[i];
        i++;
      }
      if (line[i] !== '"') throw new Error('unterminated string');
      i++;
      return s;
    }
    const w = word();
    if (w === 'nil') return null;
    if (w.startsWith(':') && w.length > 1) return { keyword: w.slice(1) };
    if (/^-?\d+(\.\d+)?$/.test(w)) return Number(w);
    throw new Error(`unsupported EDN value ${JSON.stringify(w)}`);
  };
  skip();
  if (line[i] !== '{') throw new Error('expected {');
  i++;
  for (;;) {
    skip();
    if (line[i] === '}') break;
    if (i >= line.length) throw new Error('unterminated map');
    const k = word();
    if (!k.startsWith(':')) throw new Error(`expected a keyword key, got ${JSON.stringify(k)}`);
    skip();
    out.set(k.slice(1), value());
  }
  return out;
}

function keyword(v: EdnScalar | undefined, what: string): string {
  if (v && typeof v === 'object') return v.keyword;
  throw new Error(`${what} must be a keyword`);
}

function str(v: EdnScalar | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'object') return v.keyword;
  return String(v);
}

interface Pending {
  input: KvInput;
  call: number;
}

/**
 * `:ok` completions end at their line. `:info` (or no completion) means unknown:
 * return +Infinity; gets without a value are dropped as they constrain nothing.
 */
export function parseKvEdn(text: string): Operation<KvInput, KvOutput>[] {
  const ops: Operation<KvInput, KvOutput>[] = [];
  const pending = new Map<number, Pending>();
  const lines = text.split(/\r?\n/);
  const push = (client: number, p: Pending, output: KvOutput, ret: number): void => {
    if (p.input.op === 'get' && output.status !== undefined && output.status !== 'ok') return;
    ops.push({ clientId: client, input: p.input, call: p.call, output, return: ret });
  };
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    let m: Map<string, EdnScalar>;
    try {
      m = parseEdnMap(lines[i]);
    } catch (e) {
      throw new Error(`line ${i + 1}: ${(e as Error).message}`, { cause: e });
    }
    const client = m.get('process');
    if (typeof client !== 'number') throw new Error(`line ${i + 1}: :process must be a number`);
    const type = keyword(m.get('type'), `line ${i + 1}: :type`);
    const f = keyword(m.get('f'), `line ${i + 1}: :f`);
    if (type === 'invoke') {
      if (f !== 'get' && f !== 'put' && f !== 'append') throw new Error(`line ${i + 1}: unknown :f :${f}`);
      const input: KvInput = { op: f, key: str(m.get('key')) ?? '' };
      if (f !== 'get') input.value = str(m.get('value')) ?? '';
      pending.set(client, { input, call: i + 1 });
      continue;
    }
    const p = pending.get(client);
    if (!p || p.input.op !== f) throw new Error(`line ${i + 1}: :${type} without a matching :invoke :${f}`);
    pending.delete(client);
    if (type === 'ok') {
      push(client, p, p.input.op === 'get' ? { value: str(m.get('value')) ?? '' } : {}, i + 1);
    } else if (type === 'fail') {
      push(client, p, { status: 'fail' }, i + 1);
    } else if (type === 'info') {
      push(client, p, { status: 'unknown' }, Infinity);
    } else {
      throw new Error(`line ${i + 1}: unknown :type :${type}`);
    }
  }
  for (const [client, p] of pending) push(client, p, { status: 'unknown' }, Infinity);
  ops.sort((a, b) => a.call - b.call);
  return ops;
}
