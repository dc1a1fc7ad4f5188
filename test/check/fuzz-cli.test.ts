// The fuzz CLI end to end: one line per seed, the replay command of a failing
// seed, and the summary line "fuzz: N seeds, N ops, N faults injected, N violations".
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repoRoot, 'src/server/cli/fuzz.ts');

function runCli(args: string[]): { code: number | null; lines: string[] } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, lines: (r.stdout + r.stderr).trim().split('\n') };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('fuzz CLI', () => {
  it('prints a line per seed and a summary that adds them up', () => {
    const { code, lines } = runCli(['--seeds', '1..2', '--nodes', '3', '--faults', 'crash,crash-after-apply,partition', '--ops', '40']);
    expect(code).toBe(0);
    const seeds = lines.filter((l) => l.startsWith('seed '));
    expect(seeds).toHaveLength(2);
    const ops = seeds.map((l) => Number(/ (\d+) ops \(/.exec(l)![1]));
    const faults = seeds.map((l) => sum([.../faults \[([^\]]*)\]/.exec(l)![1]!.matchAll(/=(\d+)/g)].map((m) => Number(m[1]))));
    const last = lines.at(-1)!;
    expect(last).toMatch(/^fuzz: 2 seeds, \d+ ops, \d+ faults injected, 0 violations \(\d+\.\d s, \d+\.\d\d seeds\/s\)$/);
    expect(last).toContain(`, ${sum(ops)} ops, ${sum(faults)} faults injected,`);
    expect(sum(faults)).toBeGreaterThan(0);
  });

  it('counts a caught bug as a violation, prints how to replay it, and exits 1', () => {
    const { code, lines } = runCli(['--seeds', '1', '--nodes', '3', '--faults', 'crash-after-apply', '--ops', '80', '--bug', 'double-apply']);
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^seed 1: FAIL (mvcc-agreement|applied-twice|convergence): /);
    expect(lines).toContain('  replay: npm run fuzz -- --seeds 1 --nodes 3 --faults crash-after-apply --ops 80 --bug double-apply');
    expect(lines.at(-1)).toMatch(/^fuzz: 1 seeds, \d+ ops, \d+ faults injected, 1 violations /);
  });

  it('shrinks a failing seed to fewer fault kinds and operations that still fail, with its fault schedule', () => {
    const { lines } = runCli(['--seeds', '1', '--nodes', '3', '--faults', 'crash-after-apply,partition,pause', '--ops', '80', '--bug', 'double-apply']);
    const shrunk = lines.find((l) => l.startsWith('  shrunk '));
    expect(shrunk).toMatch(/^ {2}shrunk \(\d+ re-runs\): npm run fuzz -- --seeds 1 --nodes 3 --faults \S+ --ops \d+ --bug double-apply$/);
    const args = shrunk!.replace(/^.*npm run fuzz -- /, '').split(' ');
    const kinds = args[args.indexOf('--faults') + 1]!.split(',');
    expect(kinds.length).toBeLessThan(3);
    expect(Number(args[args.indexOf('--ops') + 1])).toBeLessThan(80);
    expect(lines.find((l) => l.startsWith('  schedule: '))).toMatch(/^ {2}schedule: \d+ms [a-z-]+(, \d+ms [a-z-]+)*$/);
    // The shrunk command replays a failure.
    const again = runCli(args);
    expect(again.code).toBe(1);
  });
});
