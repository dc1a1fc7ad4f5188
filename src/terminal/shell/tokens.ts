// The one shell tokenizer, shared by the page's shell (lexer.ts) and by the
// `sh -c` behind watch/lock exec commands (commands/stream/shell.ts). It
// splits a script the POSIX way: blanks separate words; '…' keeps everything;
// "…" honours \" \\ \$ \` and expands parameters; a bare backslash quotes the
// next character (backslash-newline joins lines); # starts a comment where a
// word could start. Words keep their parameters unexpanded (a script assigns
// before it reads), so each shell expands them with its own variables. `;`,
// newline, && and || separate commands, `<<` starts a here-document; `>` stays
// part of its word (sh -c reads fd redirections from the expanded words, the
// page's shell refuses them). What neither shell runs (pipes, background &,
// subshells, command substitution, < redirection) comes back as unexpected.

/** A piece of a word: literal text, or a parameter to expand; quoted pieces are not field-split. */
export type Part = { text: string; quoted: boolean } | { param: string; quoted: boolean };

export interface HereDoc {
  marker: string;
  /** <<- strips leading tabs from body lines and the marker line. */
  stripTabs: boolean;
  /** A quoted marker ('EOF') leaves the body unexpanded. */
  quoted: boolean;
}

/** Tokens carry the line they end on (sh reports errors by line). */
export type Token =
  | { word: Part[]; line: number }
  | { op: ';' | '\n' | '&&' | '||'; line: number }
  | { heredoc: HereDoc; line: number };

export type Tokenized =
  | { kind: 'ok'; tokens: Token[] }
  /** An open quote, or (interactive) a trailing backslash: more lines are needed. */
  | { kind: 'incomplete' }
  /** A character (or `$(`) that starts something neither shell runs. */
  | { kind: 'unexpected'; text: string; line: number }
  /** `${…}` that is not a parameter: closed or not. */
  | { kind: 'substitution'; name: string; closed: boolean }
  /** A here-document marker that is missing or unterminated. */
  | { kind: 'heredoc'; message: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const SPECIAL_PARAM = /^[0-9?#@*$]/;

export type ParamRead = { name: string; next: number } | { subst: string; closed: boolean } | { cmdsubst: true } | undefined;

/** A $-expansion at s[i] (s[i] === '$'): its name and the index after it; undefined for a literal '$'. */
export function readParam(s: string, i: number): ParamRead {
  const rest = s.slice(i + 1);
  if (rest.startsWith('(')) return { cmdsubst: true };
  if (rest.startsWith('{')) {
    const close = rest.indexOf('}');
    const name = close > 0 ? rest.slice(1, close) : rest.slice(1);
    const ok = (NAME.exec(name)?.[0] ?? SPECIAL_PARAM.exec(name)?.[0]) === name && name !== '';
    if (close < 0 || !ok) return { subst: name, closed: close >= 0 };
    return { name, next: i + 2 + close };
  }
  const m = NAME.exec(rest) ?? SPECIAL_PARAM.exec(rest);
  return m ? { name: m[0], next: i + 1 + m[0].length } : undefined;
}

/** Splits a script into tokens; interactive: a trailing backslash asks for more (sh -c keeps it). */
export function tokenize(src: string, interactive: boolean): Tokenized {
  const tokens: Token[] = [];
  let word: Part[] | undefined;
  let line = 1;
  const add = (p: Part): void => {
    (word ??= []).push(p);
  };
  const end = (): void => {
    if (word) tokens.push({ word, line });
    word = undefined;
  };
  /** A parameter at src[i]; returns the index after it, or a result that ends tokenizing. */
  const param = (i: number, quoted: boolean): number | Tokenized => {
    const p = readParam(src, i);
    if (p === undefined) {
      add({ text: '$', quoted });
      return i + 1;
    }
    if ('cmdsubst' in p) return { kind: 'unexpected', text: '$(', line };
    if ('subst' in p) return { kind: 'substitution', name: p.subst, closed: p.closed };
    add({ param: p.name, quoted });
    return p.next;
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const prev = word?.[word.length - 1];
    if (c === '\n' || c === ';') {
      end();
      tokens.push({ op: c, line });
      if (c === '\n') line++;
      i++;
    } else if (c === ' ' || c === '\t') {
      end();
      i++;
    } else if ((c === '&' || c === '|') && src[i + 1] === c) {
      end();
      tokens.push({ op: c === '&' ? '&&' : '||', line });
      i += 2;
    } else if (c === '&' && prev && 'text' in prev && !prev.quoted && prev.text.endsWith('>')) {
      add({ text: c, quoted: false }); // >&2
      i++;
    } else if (c === '<' && src[i + 1] === '<') {
      end();
      const r = heredocMarker(src, i + 2);
      if ('message' in r) return { kind: 'heredoc', message: r.message };
      tokens.push({ heredoc: r.doc, line });
      i = r.next;
    } else if ('|&()<`'.includes(c)) {
      return { kind: 'unexpected', text: c, line };
    } else if (c === '#' && !word) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === "'") {
      const close = src.indexOf("'", i + 1);
      if (close < 0) return { kind: 'incomplete' };
      add({ text: src.slice(i + 1, close), quoted: true });
      line += src.slice(i, close).split('\n').length - 1;
      i = close + 1;
    } else if (c === '"') {
      add({ text: '', quoted: true }); // "" is a word of its own
      i++;
      for (;;) {
        if (i >= src.length) return { kind: 'incomplete' };
        const d = src[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < src.length && '$`"\\\n'.includes(src[i + 1]!)) {
          if (src[i + 1] === '\n') line++;
          else add({ text: src[i + 1]!, quoted: true });
          i += 2;
        } else if (d === '\\' && i + 1 >= src.length) {
          return { kind: 'incomplete' };
        } else if (d === '$') {
          const r = param(i, true);
          if (typeof r !== 'number') return r;
          i = r;
        } else if (d === '`') {
          return { kind: 'unexpected', text: d, line };
        } else {
          if (d === '\n') line++;
          add({ text: d, quoted: true });
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= src.length) {
        if (interactive) return { kind: 'incomplete' };
        add({ text: c, quoted: true });
      } else if (src[i + 1] === '\n') line++;
      else add({ text: src[i + 1]!, quoted: true });
      i += 2;
    } else if (c === '$') {
      const r = param(i, false);
      if (typeof r !== 'number') return r;
      i = r;
    } else {
      add({ text: c, quoted: false });
      i++;
    }
  }
  end();
  return { kind: 'ok', tokens };
}

function heredocMarker(s: string, start: number): { doc: HereDoc; next: number } | { message: string } {
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
      if (close < 0) return { message: 'unterminated here-document marker' };
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
  if (marker === '') return { message: "syntax error near unexpected token `newline'" };
  return { doc: { marker, stripTabs, quoted }, next: i };
}

/**
 * A word's fields: quoted text stays whole, unquoted expansions split on
 * blanks (unless split is false, as for an assignment's value).
 */
export function expandWord(parts: readonly Part[], value: (name: string) => string, split = true): string[] {
  const fields: string[] = [];
  let cur = '';
  let has = false;
  for (const p of parts) {
    if ('text' in p) {
      cur += p.text;
      has = true;
      continue;
    }
    const v = value(p.param);
    if (p.quoted || !split) {
      cur += v;
      has = true;
      continue;
    }
    v.split(/[ \t\n]+/).forEach((piece, k) => {
      if (k > 0 && (has || cur !== '')) {
        fields.push(cur);
        cur = '';
        has = false;
      }
      if (piece !== '') {
        cur += piece;
        has = true;
      }
    });
  }
  if (has || cur !== '') fields.push(cur);
  return fields;
}

/** The text a word starts with before any quote or expansion (an assignment is NAME= typed so). */
export function literalPrefix(parts: readonly Part[]): string {
  let s = '';
  for (const p of parts) {
    if (!('text' in p) || p.quoted) break;
    s += p.text;
  }
  return s;
}
