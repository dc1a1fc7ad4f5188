// Tables as etcdctl's tablewriter draws them (header centered, body cells
// right-aligned, one space padding), and the runner's output-order
// canonicalization (@sort) and repeat collapsing (@uniq).
import { cpLen, cpCompare, pySorted, pySortedLists } from './pystr.ts';

export function isBorder(line: string): boolean {
  return /^\+(-+\+)+$/.test(line);
}

/** The cells of a "| a | b |" row, without their one-space padding. */
export function splitRow(line: string): string[] {
  const parts = line.split('|');
  return parts.slice(1, -1).map((p) => (cpLen(p) >= 2 ? [...p].slice(1, -1).join('') : p));
}

function padLeft(s: string, w: number): string {
  return ' '.repeat(Math.max(0, w - cpLen(s))) + s;
}

export function renderTable(header: string[], rows: string[][]): string[] {
  const widths = header.map(cpLen);
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, cpLen(c))));
  const border = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const center = (s: string, w: number): string => {
    const gap = w - cpLen(s);
    const left = Math.floor(gap / 2);
    return ' '.repeat(Math.max(0, left)) + s + ' '.repeat(Math.max(0, gap - left));
  };
  const out = [border, '|' + header.map((h, i) => ' ' + center(h, widths[i]!) + ' ').join('|') + '|', border];
  for (const r of rows) out.push('|' + header.map((_, i) => ' ' + padLeft(r[i]!, widths[i]!) + ' ').join('|') + '|');
  out.push(border);
  return out;
}

/** [start, end] line ranges (inclusive) of tablewriter tables. */
export function findTables(lines: readonly string[]): [number, number][] {
  const found: [number, number][] = [];
  let i = 0;
  while (i < lines.length) {
    if (!isBorder(lines[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < lines.length && (lines[j + 1]!.startsWith('|') || isBorder(lines[j + 1]!))) j++;
    const borders: number[] = [];
    for (let k = i; k <= j; k++) if (isBorder(lines[k]!)) borders.push(k);
    if (borders.length >= 3 && borders[0] === i && borders[1] === i + 2 && borders[borders.length - 1] === j) found.push([i, j]);
    i = j + 1;
  }
  return found;
}

/** The top-level elements of a one-line JSON array (as text), or undefined. */
export function splitJsonArray(text: string): string[] | undefined {
  const s = text.trim();
  if (!(s.startsWith('[') && s.endsWith(']'))) return undefined;
  const items: string[] = [];
  let depth = 0;
  let cur = '';
  let inStr = false;
  let esc = false;
  for (const ch of s.slice(1, -1)) {
    if (inStr) {
      cur += ch;
      if (esc) esc = false;
      else if (ch === '\\') esc = true;
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') inStr = true;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      items.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur) items.push(cur);
  return items;
}

/** @uniq: consecutive identical non-empty lines collapse into one. */
export function collapseRepeats(text: string): string {
  const out: string[] = [];
  for (const l of text.split('\n')) {
    if (out.length > 0 && out[out.length - 1] === l && l) continue;
    out.push(l);
  }
  return out.join('\n');
}

/** @sort: table rows, JSON array elements, the "members" array, blank-line blocks, or lines. */
export function canonicalOrder(text: string): string {
  if (!text) return text;
  const trailing = text.endsWith('\n');
  let lines = (trailing ? text.slice(0, -1) : text).split('\n');
  const tables = findTables(lines);
  const only = lines[0]!;
  const arr = lines.length === 1 ? splitJsonArray(only) : undefined;
  if (tables.length > 0) {
    for (const [start, end] of tables) {
      const body = lines.slice(start + 3, end).filter((l) => !isBorder(l));
      lines.splice(start + 3, end - (start + 3), ...pySorted(body));
    }
  } else if (arr !== undefined) {
    lines = ['[' + pySorted(arr).join(',') + ']'];
  } else if (lines.length === 1 && only.startsWith('{') && only.includes('"members":[')) {
    // member add/list/remove json: the members array (member-ID order is random for added members).
    const i = only.indexOf('"members":[') + '"members":'.length;
    let depth = 0;
    let j = i;
    for (; j < only.length; j++) {
      if (only[j] === '[') depth++;
      else if (only[j] === ']') {
        depth--;
        if (depth === 0) break;
      }
    }
    const items = splitJsonArray(only.slice(i, j + 1)) ?? [];
    lines = [only.slice(0, i) + '[' + pySorted(items).join(',') + ']' + only.slice(j + 1)];
  } else if (lines.length > 1 && lines.some((l) => l === '')) {
    const blocks: string[][] = [];
    let cur: string[] = [];
    for (const l of lines) {
      cur.push(l);
      if (l === '') {
        blocks.push(cur);
        cur = [];
      }
    }
    if (cur.length > 0) blocks.push(cur);
    lines = pySortedLists(blocks).flat();
  } else {
    lines = [...lines].sort(cpCompare);
  }
  const out = lines.join('\n');
  return trailing ? out + '\n' : out;
}
