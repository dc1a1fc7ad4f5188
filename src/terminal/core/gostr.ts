// Go's ways of quoting a string in messages that etcdctl prints verbatim:
// strconv.Quote (%q), %#q (backquotes when possible), and the time
// package's own quote for durations.

/** unicode.IsPrint, close enough: letters, marks, numbers, punctuation, symbols and ' '. */
function isPrint(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

const ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"' };

/** strconv.Quote: a double-quoted Go string literal. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ESCAPES[ch]) out += ESCAPES[ch];
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd'; // a lone surrogate: invalid UTF-8 in Go
    else if (isPrint(ch)) out += ch;
    else if (cp < 0x80) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + '"';
}

/** strconv.CanBackquote. */
function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '`' || cp === 0xfeff || (cp < 0x20 && ch !== '\t') || cp === 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  }
  return true;
}

/** %#q of a string: `raw` when it can be, else strconv.Quote. */
export function goBackquote(s: string): string {
  return canBackquote(s) ? `\`${s}\`` : goQuote(s);
}

/** %#q of a []string: "[`a` `b`]". */
export function goBackquoteList(items: readonly string[]): string {
  return `[${items.map(goBackquote).join(' ')}]`;
}

/** The time package's quote (ParseDuration errors): non-ASCII and control bytes as \xNN. */
export function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x80 || cp < 0x20) {
      for (const byte of new TextEncoder().encode(ch)) out += `\\x${hex(byte, 2)}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return out + '"';
}

/** Go's %v of a []string: "[a b c]". */
export function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}
