// A command line into words, as a POSIX shell would split it: '…' keeps
// everything, "…" expands $VAR and honours \" \\ \$, a bare backslash quotes
// the next character, unquoted expansions split on whitespace, and `cmd <<EOF`
// announces a here-document. Pipes, redirections and command substitution are
// refused with a clear message: the playground runs one command per line.

export interface HereDoc {
  marker: string;
  /** <<- strips leading tabs from body lines and the marker line. */
  stripTabs: boolean;
  /** A quoted marker ('EOF') leaves the body unexpanded. */
  quoted: boolean;
}

export type Lexed =
  /** Needs more lines: an open quote or a trailing backslash. */
  | { kind: 'incomplete' }
  | { kind: 'error'; message: string }
  | { kind: 'ok'; assignments: [string, string][]; words: string[]; heredoc?: HereDoc };

export type Lookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const SPECIAL = new Set(['|', '&', ';', '<', '>', '(', ')', '`']);

class WordBuilder {
  words: string[] = [];
  /** Whether each word began as NAME= typed literally (an assignment candidate). */
  assignable: boolean[] = [];
  private cur: string | undefined;
  private literalStart = true;

  /** Text that belongs to the current word (quoted or literal). */
  add(s: string, literal: boolean): void {
    if (this.cur === undefined) {
      this.cur = '';
      this.literalStart = true;
    }
    if (!literal && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(this.cur)) this.literalStart = false;
    this.cur += s;
  }

  /** An unquoted expansion: its whitespace separates words. */
  addSplit(value: string): void {
    value.split(/[ \t\n]+/).forEach((part, i) => {
      if (i > 0) this.end();
      if (part !== '') this.add(part, false);
    });
  }

  end(): void {
    if (this.cur === undefined) return;
    this.words.push(this.cur);
    this.assignable.push(this.literalStart && /^[A-Za-z_][A-Za-z0-9_]*=/.test(this.cur));
    this.cur = undefined;
  }
}

/** Reads $NAME, ${NAME}, $? at s[i] (s[i] === '$'); returns the value and the index after it. */
function expansion(s: string, i: number, lookup: Lookup): { value: string; next: number } | { error: string } | undefined {
  const rest = s.slice(i + 1);
  if (rest.startsWith('(')) return { error: 'command substitution $(…) is not supported in the playground shell' };
  if (rest.startsWith('?')) return { value: lookup('?') ?? '0', next: i + 2 };
  if (rest.startsWith('{')) {
    const close = rest.indexOf('}');
    const name = close > 0 ? rest.slice(1, close) : '';
    if (!NAME.test(name) || NAME.exec(name)![0] !== name) return { error: `\${${name}}: bad substitution` };
    return { value: lookup(name) ?? '', next: i + 2 + close };
  }
  const m = NAME.exec(rest);
  if (!m) return undefined; // a lone '$' is literal
  return { value: lookup(m[0]) ?? '', next: i + 1 + m[0].length };
}

/** Splits text (possibly several lines joined with \n) into words. */
export function lex(text: string, lookup: Lookup): Lexed {
  const b = new WordBuilder();
  let heredoc: HereDoc | undefined;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      b.end();
      i++;
    } else if (c === '#' && (i === 0 || /[ \t\n]/.test(text[i - 1]!))) {
      // A comment runs to the end of the line.
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl;
    } else if (c === '\\') {
      if (i + 1 >= n) return { kind: 'incomplete' };
      if (text[i + 1] !== '\n') b.add(text[i + 1]!, true);
      i += 2;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return { kind: 'incomplete' };
      b.add(text.slice(i + 1, close), false);
      i = close + 1;
    } else if (c === '"') {
      const r = doubleQuoted(text, i + 1, lookup);
      if ('incomplete' in r) return { kind: 'incomplete' };
      if ('error' in r) return { kind: 'error', message: r.error };
      b.add(r.value, false);
      i = r.next;
    } else if (c === '$') {
      const e = expansion(text, i, lookup);
      if (e && 'error' in e) return { kind: 'error', message: e.error };
      if (e) {
        b.addSplit(e.value);
        i = e.next;
      } else {
        b.add('$', true);
        i++;
      }
    } else if (c === '<' && text[i + 1] === '<') {
      b.end();
      const r = heredocMarker(text, i + 2);
      if ('error' in r) return { kind: 'error', message: r.error };
      if (heredoc) return { kind: 'error', message: 'only one here-document per command is supported' };
      heredoc = r.doc;
      i = r.next;
    } else if (SPECIAL.has(c)) {
      return { kind: 'error', message: `syntax error near \`${c}': pipes, redirections and command lists are not supported in the playground shell` };
    } else {
      b.add(c, true);
      i++;
    }
  }
  b.end();
  let k = 0;
  const assignments: [string, string][] = [];
  while (k < b.words.length && b.assignable[k]) {
    const w = b.words[k]!;
    const eq = w.indexOf('=');
    assignments.push([w.slice(0, eq), w.slice(eq + 1)]);
    k++;
  }
  return { kind: 'ok', assignments, words: b.words.slice(k), heredoc };
}

function doubleQuoted(
  s: string,
  start: number,
  lookup: Lookup,
): { value: string; next: number } | { incomplete: true } | { error: string } {
  let out = '';
  let i = start;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') return { value: out, next: i + 1 };
    if (c === '\\') {
      const d = s[i + 1];
      if (d === undefined) return { incomplete: true };
      if (d === '\n') i += 2;
      else if ('$`"\\'.includes(d)) {
        out += d;
        i += 2;
      } else {
        out += c;
        i++;
      }
    } else if (c === '$') {
      const e = expansion(s, i, lookup);
      if (e && 'error' in e) return e;
      if (e) {
        out += e.value;
        i = e.next;
      } else {
        out += c;
        i++;
      }
    } else if (c === '`') {
      return { error: 'command substitution `…` is not supported in the playground shell' };
    } else {
      out += c;
      i++;
    }
  }
  return { incomplete: true };
}

function heredocMarker(s: string, start: number): { doc: HereDoc; next: number } | { error: string } {
  let i = start;
  let stripTabs = false;
  if (s[i] === '-') {
    stripTabs = true;
    i++;
  }
  while (s[i] === ' ' || s[i] === '\t') i++;
  let marker = '';
  let quoted = false;
  while (i < s.length && !/[ \t\n;|&<>()]/.test(s[i]!)) {
    const c = s[i]!;
    if (c === "'" || c === '"') {
      const close = s.indexOf(c, i + 1);
      if (close < 0) return { error: 'unterminated here-document marker' };
      marker += s.slice(i + 1, close);
      quoted = true;
      i = close + 1;
    } else if (c === '\\' && i + 1 < s.length) {
      marker += s[i + 1];
      quoted = true;
      i += 2;
    } else {
      marker += c;
      i++;
    }
  }
  if (marker === '') return { error: "syntax error near unexpected token `newline'" };
  return { doc: { marker, stripTabs, quoted }, next: i };
}

/** Expands $VAR in a here-document body (unquoted marker): \$ \` \\ escape, quotes stay. */
export function expandHereDoc(body: string, lookup: Lookup): string {
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length && '$`\\'.includes(body[i + 1]!)) {
      out += body[i + 1];
      i += 2;
    } else if (c === '$') {
      const e = expansion(body, i, lookup);
      if (e && !('error' in e)) {
        out += e.value;
        i = e.next;
      } else {
        out += c;
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Quotes a word for the command line (completion inserts keys this way). */
export function quoteWord(w: string): string {
  if (w !== '' && /^[A-Za-z0-9_./:,=@%+-]+$/.test(w)) return w;
  return `'${w.replace(/'/g, `'\\''`)}'`;
}
