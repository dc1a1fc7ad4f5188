// Parser for expected.tsv (shared/linearizability): `file<TAB>expected<TAB>...`,
// '#' starts a comment line. Only the first two columns matter here.

export type ExpectedVerdict = 'linearizable' | 'not-linearizable' | 'skip-empty';

export interface Expectation {
  file: string;
  expected: ExpectedVerdict;
}

export function parseExpectedTsv(text: string): Expectation[] {
  const out: Expectation[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const [file, expected] = line.split('\t');
    if (expected !== 'linearizable' && expected !== 'not-linearizable' && expected !== 'skip-empty') {
      throw new Error(`expected.tsv line ${i + 1}: unknown verdict ${JSON.stringify(expected)}`);
    }
    out.push({ file, expected });
  });
  return out;
}

/** The expectation whose file path is a suffix of `path` (on a path-segment boundary). */
export function findExpectation(list: readonly Expectation[], path: string): Expectation | undefined {
  const p = path.replace(/\\/g, '/');
  let best: Expectation | undefined;
  for (const e of list) {
    if (p === e.file || p.endsWith(`/${e.file}`)) {
      if (!best || e.file.length > best.file.length) best = e;
    }
  }
  return best;
}
