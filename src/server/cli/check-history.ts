// check-history [--expect expected.tsv] [--max-steps N] [--timeout-ms N] FILE|DIR...
// Checks recorded histories for linearizability (formats: Jepsen etcd register
// logs, Porcupine kv EDN, this project's JSON). Directories are walked recursively.
// With --expect, compares each verdict with the expected.tsv row whose path is a
// suffix of the file's path, prints PASS/FAIL per file, then "N passed, N failed",
// and exits 1 if anything failed.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  findExpectation,
  formatWitness,
  loadHistory,
  parseExpectedTsv,
  type CheckOptions,
  type Expectation,
  type Witness,
} from '../../engine/check/index.ts';

const HISTORY_EXT = /\.(log|txt|edn|json)$/;

function usage(message?: string): never {
  if (message) console.error(`check-history: ${message}`);
  console.error('usage: check-history [--expect expected.tsv] [--max-steps N] [--timeout-ms N] FILE|DIR...');
  process.exit(2);
}

function expand(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const full = join(path, name);
      return statSync(full).isDirectory() ? expand(full) : HISTORY_EXT.test(name) ? [full] : [];
    });
}

/** The witness, shortened for a terminal. */
function shortWitness(w: Witness): string {
  const short = { ...w, blocked: w.blocked.slice(0, 6) };
  const more = w.blocked.length - short.blocked.length;
  const text = formatWitness(short, 3) + (more > 0 ? `\n  ... ${more} more` : '');
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

function main(argv: string[]): number {
  let expectPath: string | undefined;
  let maxSteps: number | undefined;
  let timeoutMs: number | undefined;
  const inputs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) usage(`${a} needs a positive number`);
      return v;
    };
    if (a === '--expect') expectPath = argv[++i] ?? usage('--expect needs a file');
    else if (a === '--max-steps') maxSteps = num();
    else if (a === '--timeout-ms') timeoutMs = num();
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else inputs.push(a);
  }
  if (inputs.length === 0) usage('no input files');

  const expectations: Expectation[] | undefined = expectPath
    ? parseExpectedTsv(readFileSync(expectPath, 'utf8'))
    : undefined;
  const files = inputs.flatMap(expand);
  let passed = 0;
  let failed = 0;

  for (const file of files) {
    const expected = expectations ? findExpectation(expectations, file) : undefined;
    const judge = (ok: boolean, why = ''): string => {
      if (!expectations) return '';
      if (ok) passed++;
      else failed++;
      return ok ? ' PASS' : ` FAIL${why}`;
    };
    let line: string;
    let witness = '';
    try {
      const history = loadHistory(readFileSync(file, 'utf8'));
      if (history.format === 'empty' && expected?.expected === 'skip-empty') {
        console.log(`${file}: skipped (empty) SKIP`);
        continue;
      }
      const options: CheckOptions = { maxSteps };
      if (timeoutMs !== undefined) {
        const deadline = performance.now() + timeoutMs;
        options.shouldStop = () => performance.now() > deadline;
        options.pollEvery = 1024;
      }
      const t0 = performance.now();
      const result = history.check(options);
      const ms = Math.round(performance.now() - t0);
      line = `${file}: ${result.verdict} (${history.operations} ops, ${ms} ms)`;
      if (expectations) {
        line += expected
          ? judge(result.verdict === expected.expected, ` (expected ${expected.expected})`)
          : judge(false, ' (not in expectations)');
      }
      if (result.witness) witness = shortWitness(result.witness);
    } catch (e) {
      line = `${file}: error: ${(e as Error).message}${judge(false)}`;
      if (!expectations) failed++;
    }
    console.log(line);
    if (witness) console.log(witness);
  }
  if (expectations) console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

// Piping into `head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = main(process.argv.slice(2));
