// The check-history CLI end to end: output lines, PASS/FAIL, summary, exit code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repoRoot, 'src/server/cli/check-history.ts');
const data = resolve(repoRoot, '../shared/linearizability');
const tmp = mkdtempSync(join(tmpdir(), 'check-history-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function runCli(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('check-history CLI', () => {
  it('prints one verdict line per file plus a witness for violations', () => {
    const { code, out } = runCli([join(data, 'jepsen-etcd/etcd_000.log'), join(data, 'kv/c01-ok.txt')]);
    expect(code).toBe(0);
    expect(out).toMatch(/etcd_000\.log: not-linearizable \(85 ops, \d+ ms\)\n {4}longest linearizable prefix: /);
    expect(out).toMatch(/kv\/c01-ok\.txt: linearizable \(58 ops, \d+ ms\)\n/);
    expect(out).not.toMatch(/passed/);
  });

  it('with --expect, judges each file, summarizes, and fails when a verdict differs', () => {
    const expect1 = join(tmp, 'expected.tsv');
    writeFileSync(
      expect1,
      [
        'jepsen-etcd/etcd_000.log\tnot-linearizable',
        'jepsen-etcd/etcd_002.log\tnot-linearizable', // wrong on purpose: it is linearizable
        'jepsen-etcd/etcd_095.log\tskip-empty',
      ].join('\n'),
    );
    const files = ['etcd_000.log', 'etcd_002.log', 'etcd_095.log'].map((f) => join(data, 'jepsen-etcd', f));
    const { code, out } = runCli(['--expect', expect1, ...files]);
    expect(out).toMatch(/etcd_000\.log: not-linearizable \(85 ops, \d+ ms\) PASS/);
    expect(out).toMatch(/etcd_002\.log: linearizable \(77 ops, \d+ ms\) FAIL \(expected not-linearizable\)/);
    expect(out).toMatch(/etcd_095\.log: skipped \(empty\) SKIP/);
    expect(out.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
    expect(code).toBe(1);
  });

  it('passes on the shared data set with its own expected.tsv', () => {
    const { code, out } = runCli(['--expect', join(data, 'expected.tsv'), join(data, 'kv')]);
    expect(out.trimEnd().split('\n').at(-1)).toBe('6 passed, 0 failed');
    expect(code).toBe(0);
  });

  it('answers unknown when the step budget is too small', () => {
    const { out } = runCli(['--max-steps', '10', join(data, 'kv/c50-ok.txt')]);
    expect(out).toMatch(/c50-ok\.txt: unknown \(1712 ops, \d+ ms\)/);
  });
});
