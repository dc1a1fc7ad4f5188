// JSON reading as Go's encoding/json Decoder does it for etcd's gateway:
// one value at a time from a body that may hold several (stream requests),
// numbers kept as their literal text (int64 IDs past 2^53 stay exact), and
// syntax errors in Go's words ("invalid character 'x' looking for beginning
// of value", "unexpected EOF"), which the gateway returns to the client.

/** A number as written: converted later against the field's type. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

/** A JSON error with Go's text. */
export class GoJsonError extends Error {}

/** The input ended inside a value. */
export class JsonEOF extends GoJsonError {
  constructor() {
    super('unexpected EOF');
  }
}

/** Go's quoteChar: the offending character as the error names it. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

const invalid = (c: string, context: string): GoJsonError => new GoJsonError(`invalid character ${quoteChar(c)} ${context}`);

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

class Reader {
  pos: number;
  constructor(
    private readonly s: string,
    start: number,
  ) {
    this.pos = start;
  }

  private peek(): string | undefined {
    return this.s[this.pos];
  }

  private need(): string {
    const c = this.s[this.pos];
    if (c === undefined) throw new JsonEOF();
    return c;
  }

  skipSpace(): void {
    while (isSpace(this.peek())) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.s.length;
  }

  value(): JsonValue {
    this.skipSpace();
    const c = this.need();
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (c !== word[0]) continue;
      this.pos++;
      for (let i = 1; i < word.length; i++) {
        const d = this.need();
        if (d !== word[i]) throw invalid(d, `in literal ${word} (expecting ${quoteChar(word[i]!)})`);
        this.pos++;
      }
      return v;
    }
    throw invalid(c, 'looking for beginning of value');
  }

  private object(): { [key: string]: JsonValue } {
    this.pos++;
    const out: { [key: string]: JsonValue } = {};
    this.skipSpace();
    if (this.need() === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      const k = this.need();
      if (k !== '"') throw invalid(k, 'looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      const colon = this.need();
      if (colon !== ':') throw invalid(colon, 'after object key');
      this.pos++;
      out[key] = this.value();
      this.skipSpace();
      const next = this.need();
      this.pos++;
      if (next === '}') return out;
      if (next !== ',') throw invalid(next, 'after object key:value pair');
    }
  }

  private array(): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    this.skipSpace();
    if (this.need() === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipSpace();
      const next = this.need();
      this.pos++;
      if (next === ']') return out;
      if (next !== ',') throw invalid(next, 'after array element');
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.need();
      if (c === '"') {
        this.pos++;
        return JSON.parse(this.s.slice(start, this.pos)) as string;
      }
      if (c < ' ') throw invalid(c, 'in string literal');
      if (c === '\\') {
        this.pos++;
        const e = this.need();
        if (e === 'u') {
          for (let i = 0; i < 4; i++) {
            this.pos++;
            const h = this.need();
            if (!/[0-9a-fA-F]/.test(h)) throw invalid(h, 'in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(e)) {
          throw invalid(e, 'in string escape code');
        }
      }
      this.pos++;
    }
  }

  private number(): JsonNumber {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.pos));
    if (!m || m[0] === '-') {
      this.pos++;
      const c = this.need();
      throw invalid(c, 'in numeric literal');
    }
    this.pos += m[0].length;
    return new JsonNumber(m[0]);
  }
}

/**
 * The value starting at pos in text, and where it ends. JsonEOF when the
 * text ends inside it (a streaming body may still bring the rest).
 */
export function readValue(text: string, pos = 0): { value: JsonValue; end: number } {
  const r = new Reader(text, pos);
  const value = r.value();
  return { value, end: r.pos };
}

/** Whether only white space is left from pos. */
export function restIsBlank(text: string, pos: number): boolean {
  return new Reader(text, pos).atEnd();
}

/** Go's strict single-value parse (json.Unmarshal), as jsonpb uses for an int64 written as a string. */
export function parseWhole(text: string): JsonValue {
  const r = new Reader(text, 0);
  let v: JsonValue;
  try {
    v = r.value();
  } catch (e) {
    if (e instanceof JsonEOF) throw new GoJsonError('unexpected end of JSON input');
    throw e;
  }
  r.skipSpace();
  if (r.pos < text.length) throw invalid(text[r.pos]!, 'after top-level value');
  return v;
}
