// Python's shlex.split (POSIX mode, no comments), which the corpus runner
// uses to turn a scenario line into an argv: quotes and backslashes as a
// POSIX shell reads them, no expansion of any kind.

export class ShlexError extends Error {}

const WHITESPACE = ' \t\r\n';

export function shlexSplit(s: string): string[] {
  const out: string[] = [];
  let tok = '';
  // A word exists once anything (even an empty quote pair) was read for it.
  let inWord = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (WHITESPACE.includes(c)) {
      if (inWord) out.push(tok);
      tok = '';
      inWord = false;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new ShlexError('No escaped character');
      tok += s[i + 1]!;
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new ShlexError('No closing quotation');
      tok += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= s.length) throw new ShlexError('No closing quotation');
        const d = s[i]!;
        if (d === '"') break;
        // Inside double quotes a backslash escapes only " and \ (shlex's escapedquotes).
        if (d === '\\' && i + 1 < s.length && (s[i + 1] === '"' || s[i + 1] === '\\')) {
          tok += s[i + 1]!;
          i += 2;
        } else {
          if (d === '\\' && i + 1 >= s.length) throw new ShlexError('No escaped character');
          tok += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else {
      tok += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) out.push(tok);
  return out;
}
