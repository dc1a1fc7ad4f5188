// The corpus runner's comparison of a transcript with its golden: zap
// warnings ignored, the first difference pointed at, scenario selection, and
// the one normalizer ambiguity accepted (a hex hash of digits alone read as
// a decimal one).
import { describe, expect, it } from 'vitest';
import { firstMismatch, sameUpToHashForm, unifiedDiff } from '../../src/terminal/corpus/compare.ts';
import { selectScenarios } from '../../src/terminal/corpus/corpus.ts';

describe('comparison', () => {
  it('ignores zap warnings on both sides and points at the first difference', () => {
    const golden = '$ etcdctl get a\n2| {"level":"warn","ts":"<TS>"}\n2| Error: x\nexit: 1\n';
    expect(firstMismatch(golden, '$ etcdctl get a\n2| Error: x\nexit: 1\n')).toBeUndefined();
    const m = firstMismatch(golden, '$ etcdctl get a\n2| Error: y\nexit: 1\n');
    expect(m).toMatchObject({ expected: { no: 3, text: '2| Error: x' }, got: { no: 2, text: '2| Error: y' }, command: '$ etcdctl get a' });
    expect(unifiedDiff(golden, '$ etcdctl get a\n2| Error: y\nexit: 1\n', ['g', 'o'])).toBe(
      '--- g\n+++ o\n@@ -1,3 +1,3 @@\n $ etcdctl get a\n-2| Error: x\n+2| Error: y\n exit: 1\n',
    );
  });

  it('selects scenarios by name or prefix', () => {
    expect(selectScenarios(['06-txn', '01-put', '10-lease'], ['1', '06-txn'])).toEqual(['06-txn', '10-lease']);
  });
});

describe('hashes the normalizer read two ways', () => {
  const table = (ph: string, dash: string, pad: string): string =>
    [
      '$ etcdctl snapshot status {{TMP}}/single.db -w table',
      `1| +-${dash}-+----------+------------+------------+`,
      `1| | ${pad}HASH${pad} | REVISION | TOTAL KEYS | TOTAL SIZE |`,
      `1| +-${dash}-+----------+------------+------------+`,
      `1| | ${ph} |        5 |         12 |  <DB_SIZE> |`,
      `1| +-${dash}-+----------+------------+------------+`,
      'exit: 0',
      '',
    ].join('\n');
  const golden = table('<HASH_2_HEX>', '-'.repeat(12), '    ');
  const digitsOnly = table('<HASH_2>', '-'.repeat(8), '  ');

  it('a hex hash of digits alone, taken for a decimal one, still matches', () => {
    expect(firstMismatch(golden, digitsOnly)).toBeDefined();
    expect(sameUpToHashForm(golden, digitsOnly)).toBe(true);
  });

  it('nothing else passes for it: another hash, another figure, or no hash-form difference at all', () => {
    expect(sameUpToHashForm(golden, digitsOnly.replace('<HASH_2>', '<HASH_3>'))).toBe(false);
    expect(sameUpToHashForm(golden, digitsOnly.replace('12 |', '13 |'))).toBe(false);
    expect(sameUpToHashForm(golden, golden.replace('        5 |', '  5 |'))).toBe(false);
  });
});
