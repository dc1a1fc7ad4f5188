// A command line of the page's shell into words: the shared tokenizer
// (tokens.ts) with this shell's variables expanded, leading NAME=value
// assignments apart, and `cmd <<EOF` announcing a here-document. Pipes,
// redirections, command lists and command substitution are refused with a
// clear message: the playground runs one command per line.
import { type HereDoc, type Part, expandWord, literalPrefix, readParam, tokenize } from './tokens.ts';

export type { HereDoc };

export type Lexed =
  /** Needs more lines: an open quote or a trailing backslash. */
  | { kind: 'incomplete' }
  | { kind: 'error'; message: string }
  | { kind: 'ok'; assignments: [string, string][]; words: string[]; heredoc?: HereDoc };

export type Lookup = (name: string) => string | undefined;

const UNSUPPORTED = 'pipes, redirections and command lists are not supported in the playground shell';
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

function unexpected(text: string): string {
  if (text === '$(') return 'command substitution $(…) is not supported in the playground shell';
  if (text === '`') return 'command substitution `…` is not supported in the playground shell';
  return `syntax error near \`${text}': ${UNSUPPORTED}`;
}

/** Splits text (possibly several lines joined with \n) into words. */
export function lex(text: string, lookup: Lookup): Lexed {
  const t = tokenize(text, true);
  if (t.kind === 'incomplete') return t;
  if (t.kind === 'unexpected') return { kind: 'error', message: unexpected(t.text) };
  if (t.kind === 'substitution') return { kind: 'error', message: `\${${t.name}${t.closed ? '}' : ''}: bad substitution` };
  if (t.kind === 'heredoc') return { kind: 'error', message: t.message };
  const value = (n: string): string => lookup(n) ?? (n === '?' ? '0' : '');
  const words: Part[][] = [];
  let heredoc: HereDoc | undefined;
  for (const tok of t.tokens) {
    if ('op' in tok) {
      // An unquoted newline only joins continued lines here.
      if (tok.op !== '\n') return { kind: 'error', message: unexpected(tok.op[0]!) };
    } else if ('heredoc' in tok) {
      if (heredoc) return { kind: 'error', message: 'only one here-document per command is supported' };
      heredoc = tok.heredoc;
    } else {
      if (tok.word.some((p) => 'text' in p && !p.quoted && p.text === '>')) return { kind: 'error', message: unexpected('>') };
      words.push(tok.word);
    }
  }
  let k = 0;
  const assignments: [string, string][] = [];
  for (; k < words.length && ASSIGNMENT.test(literalPrefix(words[k]!)); k++) {
    const w = expandWord(words[k]!, value, false).join('');
    const eq = w.indexOf('=');
    assignments.push([w.slice(0, eq), w.slice(eq + 1)]);
  }
  return { kind: 'ok', assignments, words: words.slice(k).flatMap((w) => expandWord(w, value)), heredoc };
}

/** Expands $VAR in a here-document body (unquoted marker): \$ \` \\ escape, quotes stay. */
export function expandHereDoc(body: string, lookup: Lookup): string {
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    const p = c === '$' ? readParam(body, i) : undefined;
    if (c === '\\' && i + 1 < body.length && '$`\\'.includes(body[i + 1]!)) {
      out += body[i + 1];
      i += 2;
    } else if (p && 'name' in p) {
      out += lookup(p.name) ?? (p.name === '?' ? '0' : '');
      i = p.next;
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
