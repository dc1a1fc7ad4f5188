// olekukonko/tablewriter as etcdctl configures it: a border line, the header
// centered (etcdctl passes it in upper case), a separator, body cells right
// aligned, one space of padding, a closing border.
//
// +---------+------------------+
// |   ID    |      STATUS      |
// +---------+------------------+
// | 8e9e05c |          started |
// +---------+------------------+

/** Terminal columns of a string (wide East Asian characters count two). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
    if (/\p{M}/u.test(ch)) continue;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x1f300 && cp <= 0x1faff) ||
      (cp >= 0x20000 && cp <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

/** The table as etcdctl prints it (ends with a newline). */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h) => displayWidth(h));
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(c))));
  const border = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const center = (s: string, w: number): string => {
    const gap = w - displayWidth(s);
    const left = Math.floor(gap / 2);
    return ' '.repeat(left) + s + ' '.repeat(gap - left);
  };
  const right = (s: string, w: number): string => ' '.repeat(w - displayWidth(s)) + s;
  const lines = [border, '|' + header.map((h, i) => ' ' + center(h, widths[i]!) + ' ').join('|') + '|', border];
  for (const r of rows) lines.push('|' + widths.map((w, i) => ' ' + right(r[i] ?? '', w) + ' ').join('|') + '|');
  lines.push(border);
  return lines.join('\n') + '\n';
}
