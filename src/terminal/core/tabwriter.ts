// Go's text/tabwriter as etcdctl configures it for its help text
// (minwidth 0, tabwidth 8, padding 1, padchar '\t', no flags): cells are
// tab-terminated, a column block is a run of consecutive lines that have a
// cell in that column, and each cell is padded with tabs up to the block's
// widest cell plus one, rounded up to a multiple of 8.

export interface TabwriterOptions {
  minwidth: number;
  tabwidth: number;
  padding: number;
}

const ETCDCTL: TabwriterOptions = { minwidth: 0, tabwidth: 8, padding: 1 };

/** Width of a cell as tabwriter counts it: runes. */
function runeWidth(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Formats text (the whole output; a trailing partial line is kept as is). */
export function tabwrite(text: string, opts: TabwriterOptions = ETCDCTL): string {
  const lines = text.split('\n').map((l) => l.split('\t'));
  const widths: number[] = [];
  const out: string[] = lines.map(() => '');

  // Column widths of lines [line0, line1), recursively by column (tabwriter's format()).
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i]!.length - 1) continue;
      // A block: consecutive lines with a cell in this column.
      let width = opts.minwidth;
      let j = i;
      for (; j < line1 && column < lines[j]!.length - 1; j++) {
        width = Math.max(width, runeWidth(lines[j]![column]!) + opts.padding);
      }
      widths.push(width);
      for (let k = i; k < j; k++) writeCell(k, column, width);
      format(i, j);
      widths.pop();
      i = j - 1;
    }
  };

  const writeCell = (line: number, column: number, width: number): void => {
    const cell = lines[line]![column]!;
    const cellw = Math.ceil(width / opts.tabwidth) * opts.tabwidth;
    const pad = cellw - runeWidth(cell);
    out[line] += cell + '\t'.repeat(Math.ceil(pad / opts.tabwidth));
  };

  format(0, lines.length);
  return lines.map((cells, i) => out[i] + cells[cells.length - 1]).join('\n');
}
