// The corpus as a whole: which scenarios to run, running one against its
// golden, and how results read. File access is passed in, so this runs in
// Node (cli.ts, tests) and in the page alike.
import { type Mismatch, firstMismatch, unifiedDiff } from './compare.ts';
import { type RunOptions, runScenario } from './runner.ts';
import { parseScenario } from './scenario.ts';

export interface CorpusFiles {
  /** Scenario names (file names without .txt). */
  scenarioNames(): string[];
  readScenario(name: string): string;
  /** The golden transcript, if there is one. */
  readGolden(name: string): string | undefined;
}

export interface ScenarioResult {
  name: string;
  status: 'PASS' | 'FAIL' | 'SKIP' | 'ERROR';
  transcript?: string;
  golden?: string;
  mismatch?: Mismatch;
  /** Why it was skipped or could not run. */
  reason?: string;
}

/** Names matching the patterns (a whole name or a prefix such as "06"); all when none are given. */
export function selectScenarios(all: readonly string[], patterns: readonly string[]): string[] {
  const names = [...all].sort();
  if (patterns.length === 0) return names;
  return names.filter((n) => patterns.some((p) => n === p || n === p.replace(/\.txt$/, '') || n.startsWith(p)));
}

/** Runs one scenario and compares it with its golden; @slow ones only when named explicitly. */
export async function runOne(files: CorpusFiles, name: string, opts: RunOptions & { explicit?: boolean }): Promise<ScenarioResult> {
  let transcript: string;
  let golden: string | undefined;
  try {
    const sc = parseScenario(files.readScenario(name), name + '.txt');
    if (sc.slow && !opts.explicit) return { name, status: 'SKIP', reason: 'slow (name it to run it)' };
    golden = files.readGolden(name);
    transcript = await runScenario(sc, name, opts);
  } catch (e) {
    return { name, status: 'ERROR', reason: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  if (golden === undefined) return { name, status: 'FAIL', transcript, reason: 'no golden' };
  const mismatch = firstMismatch(golden, transcript);
  return { name, status: mismatch ? 'FAIL' : 'PASS', transcript, golden, mismatch };
}

/** "PASS name" / "FAIL name" with the first differing line (and the diff when asked). */
export function formatResult(r: ScenarioResult, diff = false): string {
  if (r.status === 'PASS') return `PASS ${r.name}\n`;
  if (r.status === 'SKIP') return `SKIP ${r.name}: ${r.reason}\n`;
  if (r.status === 'ERROR') return `FAIL ${r.name}: runner error: ${r.reason}\n`;
  if (!r.mismatch) return `FAIL ${r.name}: ${r.reason}\n`;
  const { expected, got, command } = r.mismatch;
  const lines = [`FAIL ${r.name}`];
  if (command) lines.push(`  in:       ${command}`);
  lines.push(`  expected: ${expected ? `line ${expected.no}: ${expected.text}` : '(end of golden)'}`);
  lines.push(`  got:      ${got ? `line ${got.no}: ${got.text}` : '(end of output)'}`);
  let s = lines.join('\n') + '\n';
  if (diff) s += unifiedDiff(r.golden!, r.transcript!, [`golden/${r.name}.out`, `output/${r.name}.out`]);
  return s;
}
