// npm run corpus -- [--scenarios DIR] [--golden DIR] [--out DIR] [--diff] [--keep-ids] [--seed N] [--start-ms MS] [NAME…]
// Runs corpus scenarios on the simulated cluster and compares them with the
// goldens. Node side only: it reads and writes the files for corpus.ts.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { etcdctlRoot } from '../commands/root.ts';
import { type CorpusFiles, formatResult, runOne, selectScenarios } from './corpus.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function usage(msg?: string): never {
  if (msg) process.stderr.write(`corpus: ${msg}\n`);
  process.stderr.write('usage: npm run corpus -- [--scenarios DIR] [--golden DIR] [--out DIR] [--diff] [--keep-ids] [--seed N] [--start-ms MS] [NAME|PREFIX…]\n');
  process.exit(2);
}

async function main(): Promise<void> {
  let scenarios = resolve(repo, '../shared/etcdctl-corpus/scenarios');
  let golden = resolve(repo, '../shared/etcdctl-corpus/golden');
  let out: string | undefined;
  let diff = false;
  let keepIds = false;
  let seed = 1;
  let startMs: number | undefined;
  const names: string[] = [];
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const val = (): string => args[++i] ?? usage(`${a} needs a value`);
    if (a === '--scenarios') scenarios = resolve(val());
    else if (a === '--golden') golden = resolve(val());
    else if (a === '--out') out = resolve(val());
    else if (a === '--diff') diff = true;
    else if (a === '--keep-ids') keepIds = true;
    else if (a === '--seed') seed = Number(val());
    else if (a === '--start-ms') startMs = Number(val());
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown flag ${a}`);
    else names.push(a);
  }
  const files: CorpusFiles = {
    scenarioNames: () => readdirSync(scenarios).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)),
    readScenario: (n) => readFileSync(join(scenarios, n + '.txt'), 'utf8'),
    readGolden: (n) => (existsSync(join(golden, n + '.out')) ? readFileSync(join(golden, n + '.out'), 'utf8') : undefined),
  };
  const selected = selectScenarios(files.scenarioNames(), names);
  if (selected.length === 0) usage(`no scenario matches ${names.join(' ')}`);
  if (out) mkdirSync(out, { recursive: true });
  const root = etcdctlRoot();
  let passed = 0;
  let failed = 0;
  for (const name of selected) {
    // Wall time is only reported (how fast the runner is), never simulated with.
    const t0 = performance.now();
    const r = await runOne(files, name, { root, seed, keepIds, startMs, explicit: names.length > 0 });
    if (out && r.transcript !== undefined) writeFileSync(join(out, name + '.out'), r.transcript);
    let line = formatResult(r, diff);
    if (r.status !== 'SKIP') line = line.replace('\n', `   (${((performance.now() - t0) / 1000).toFixed(1)}s)\n`);
    process.stdout.write(line);
    if (r.status === 'PASS') passed++;
    else if (r.status !== 'SKIP') failed++;
  }
  process.stdout.write(`corpus: ${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
