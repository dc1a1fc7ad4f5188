// Validates the checker against histories with verdicts nobody on this project
// wrote: Porcupine's test data in <repo>/../shared/linearizability, whose
// expected.tsv gives the verdict of every file. Verdicts come from the checker,
// expectations from expected.tsv; a linearizable answer must also come with an
// order that an independent replay accepts.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  kvAppendModel,
  loadHistory,
  parseExpectedTsv,
  parseJepsenEtcdLog,
  parseKvEdn,
  registerModel,
  verifyLinearization,
  type CheckResult,
  type Model,
  type Operation,
} from '../../src/engine/check/index.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = resolve(repoRoot, '../shared/linearizability');
const expectations = parseExpectedTsv(readFileSync(join(dataDir, 'expected.tsv'), 'utf8'));

function historyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return historyFiles(full);
    return /\.(log|txt)$/.test(name) ? [relative(dataDir, full).split('\\').join('/')] : [];
  });
}

/** Check each partition's linearization by replaying it on its own sub-history. */
function expectValidLinearization<S, I, O>(model: Model<S, I, O>, ops: Operation<I, O>[], result: CheckResult): void {
  expect(result.linearization).toBeDefined();
  const plain: Model<S, I, O> = { ...model, partition: undefined };
  const covered = new Set<number>();
  for (const order of result.linearization!) {
    const sub = order.map((i) => ops[i]);
    const local = order.map((_, j) => j);
    expect(verifyLinearization(plain, sub, local)).toBeNull();
    for (const i of order) covered.add(i);
  }
  expect(covered.size).toBe(ops.length);
}

describe('shared/linearizability data set', () => {
  it('expected.tsv lists exactly the history files on disk', () => {
    const onDisk = historyFiles(dataDir).sort();
    expect(onDisk.length).toBe(109);
    expect(expectations.map((e) => e.file).sort()).toEqual(onDisk);
  });

  const timings: { file: string; ms: number }[] = [];

  for (const { file, expected } of expectations) {
    if (expected === 'skip-empty') {
      it.skip(`${file} (empty)`, () => {});
      continue;
    }
    it(`${file} is ${expected}`, () => {
      const text = readFileSync(join(dataDir, file), 'utf8');
      const t0 = performance.now();
      const result = loadHistory(text).check();
      timings.push({ file, ms: performance.now() - t0 });
      expect(result.verdict).toBe(expected);
      if (result.verdict === 'not-linearizable') {
        expect(result.witness).toBeDefined();
        expect(result.witness!.blocked.length).toBeGreaterThan(0);
        expect(result.witness!.prefix.length).toBeLessThan(result.witness!.partitionSize);
      } else if (file.startsWith('jepsen-etcd/')) {
        expectValidLinearization(registerModel, parseJepsenEtcdLog(text), result);
      } else {
        expectValidLinearization(kvAppendModel, parseKvEdn(text), result);
      }
    });
  }

  it('checks the whole set quickly', () => {
    const total = timings.reduce((a, t) => a + t.ms, 0);
    const slowest = [...timings].sort((a, b) => b.ms - a.ms).slice(0, 3);
    console.log(
      `linearizability data set: ${timings.length} files in ${Math.round(total)} ms; slowest: ${slowest
        .map((t) => `${t.file} ${Math.round(t.ms)} ms`)
        .join(', ')}`,
    );
    // Generous bound (about 10x what a 2-core machine needs) so only a real regression trips it.
    expect(total).toBeLessThan(30_000);
  });
});
