// Golden vs produced transcript. zap JSON warnings on stderr ("2| {"level":
// ...") are left out on both sides (an emulator may omit them); every other
// line must match exactly. Reports the first difference with line numbers
// and the command it belongs to, and renders a unified diff.

export interface Line {
  /** 1-based line number in its file. */
  no: number;
  text: string;
}

export interface Mismatch {
  expected: Line | undefined;
  got: Line | undefined;
  /** The "$ etcdctl ..." (or @wait) line the difference is under, from the golden. */
  command: string | undefined;
}

const isZapWarning = (l: string): boolean => l.startsWith('2| {"level":');

/** A transcript's lines that take part in the comparison. */
export function comparable(text: string): Line[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((t, i) => ({ no: i + 1, text: t })).filter((l) => !isZapWarning(l.text));
}

function commandAbove(lines: Line[], i: number): string | undefined {
  for (let k = Math.min(i, lines.length - 1); k >= 0; k--) {
    const t = lines[k]!.text;
    if (t.startsWith('$ etcdctl ') || t.startsWith('@wait ')) return t;
  }
  return undefined;
}

/** The first difference, or undefined when the transcripts match. */
export function firstMismatch(expected: string, got: string): Mismatch | undefined {
  const e = comparable(expected);
  const g = comparable(got);
  for (let i = 0; i < Math.max(e.length, g.length); i++) {
    if (e[i]?.text !== g[i]?.text) return { expected: e[i], got: g[i], command: commandAbove(e, i) };
  }
  return undefined;
}

/** One line of the edit script: kept (both sides), removed (golden only) or added (output only). */
type Op = { kind: ' ' | '-' | '+'; a?: Line; b?: Line };

/** Shortest edit script by LCS (transcripts are small: a few thousand lines at most). */
function editScript(a: Line[], b: Line[]): Op[] {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i]!.text === b[j]!.text ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i]!.text === b[j]!.text) ops.push({ kind: ' ', a: a[i++]!, b: b[j++]! });
    else if (i < n && (j >= m || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) ops.push({ kind: '-', a: a[i++]! });
    else ops.push({ kind: '+', b: b[j++]! });
  }
  return ops;
}

/** A unified diff (golden "-", produced "+") with context; hunk headers give real line numbers. */
export function unifiedDiff(expected: string, got: string, names: [string, string], context = 3): string {
  const ops = editScript(comparable(expected), comparable(got));
  const changed = ops.flatMap((o, k) => (o.kind !== ' ' ? [k] : []));
  if (changed.length === 0) return '';
  const out = [`--- ${names[0]}`, `+++ ${names[1]}`];
  for (let k = 0; k < changed.length; ) {
    const start = Math.max(0, changed[k]! - context);
    let end = changed[k]! + context;
    while (k + 1 < changed.length && changed[k + 1]! - context <= end + 1) end = changed[++k]! + context;
    k++;
    const hunk = ops.slice(start, Math.min(end, ops.length - 1) + 1);
    const as = hunk.filter((o) => o.a);
    const bs = hunk.filter((o) => o.b);
    out.push(`@@ -${as[0]?.a!.no ?? 0},${as.length} +${bs[0]?.b!.no ?? 0},${bs.length} @@`);
    for (const o of hunk) out.push(o.kind + (o.a ?? o.b)!.text);
  }
  return out.join('\n') + '\n';
}

/**
 * Whether two transcripts differ only where the corpus normalizer read a
 * hash two ways: it takes a hex hash made of digits alone for a decimal one
 * (`<HASH_n>` for `<HASH_n_HEX>`), and the table around it is then narrower.
 * Hashes of data that changes from run to run (lease IDs mix in the time)
 * fall that way now and then, on real etcd as here.
 */
export function sameUpToHashForm(expected: string, got: string): boolean {
  const hexForms = (text: string): number => text.match(/<HASH_\d+_HEX>/g)?.length ?? 0;
  // Only a transcript where a hex form was really read as decimal.
  if (hexForms(got) >= hexForms(expected)) return false;
  const canon = (text: string): string[] =>
    comparable(text).map((l) => {
      const t = l.text.replace(/<HASH_(\d+)_HEX>/g, '<HASH_$1>');
      // Table rows and borders: widths follow the hash's printed form.
      return /^\d\| [+|]/.test(t) ? t.replace(/-+/g, '-').replace(/ +/g, ' ') : t;
    });
  const e = canon(expected);
  const g = canon(got);
  return e.length === g.length && e.every((t, i) => t === g[i]);
}
