// Random command lines (words, commands, flags, values, unicode) must always
// end as etcdctl would end: output and an exit code, never a JavaScript
// exception escaping a command or the command-line core.
import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../src/terminal/core/command.ts';
import { CommandExit } from '../../src/terminal/core/io.ts';
import { Shell, testRoot } from './cli-helpers.ts';

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Bug {
  argv: string[];
  error: string;
}

/** Wraps every run so that a JavaScript exception (a bug, not an etcdctl error) is recorded. */
function instrument(c: CommandSpec, bugs: Bug[], current: { argv: string[]; started: boolean }): void {
  const run = c.run;
  if (run) {
    c.run = async (ctx) => {
      current.started = true;
      try {
        await run(ctx);
      } catch (e) {
        if (e instanceof Error) bugs.push({ argv: current.argv, error: e.stack ?? e.message });
        throw e;
      }
    };
  }
  for (const s of c.subcommands ?? []) instrument(s, bugs, current);
}

function paths(c: CommandSpec, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const s of c.subcommands ?? []) {
    out.push([...prefix, s.name]);
    out.push(...paths(s, [...prefix, s.name]));
  }
  return out;
}

function flagNames(c: CommandSpec, deep = true, acc = new Set<string>()): Set<string> {
  for (const f of [...(c.flags ?? []), ...(c.persistentFlags ?? [])]) {
    acc.add(`--${f.name}`);
    if (f.shorthand) acc.add(`-${f.shorthand}`);
  }
  if (deep) for (const s of c.subcommands ?? []) flagNames(s, true, acc);
  return acc;
}

/** The flags of the command a path names, its own and the globals. */
function flagsOf(root: CommandSpec, path: string[]): string[] {
  let c = root;
  for (const w of path) c = c.subcommands?.find((s) => s.name === w) ?? c;
  return [...flagNames(c, false), ...flagNames(root, false), '-h'];
}

// Commands that wait for the server or for time in ways a fuzz run need not exercise.
const SLOW = new Set(['check', 'make-mirror', 'elect', 'lock', 'watch', 'keep-alive', 'snapshot', 'move-leader', 'defrag', 'member']);

describe('random command lines', () => {
  it('always end with an exit code, never a JavaScript exception', async () => {
    const root = testRoot();
    const bugs: Bug[] = [];
    const current = { argv: [] as string[], started: false };
    instrument(root, bugs, current);
    const sh = await new Shell(1, root).ready();
    const cmds = paths(root).filter((p) => !p.some((w) => SLOW.has(w)));
    const flags = [...flagNames(root)];
    const values = ['', '0', '1', '-1', 'true', 'false', 'json', 'fields', 'protobuf', 'table', 'simple', 'x', 'a,b', '5s', '1x', '0x10', '\u00e9', '日本', '\u0000', '"', "'", ' ', '99999999999999999999'];
    const words = ['foo', 'a', 'z', '', '-', '--', '---', '-=', '--=', '=', 'é', '🙂', '\t', 'h', 'help', 'lease', 'user', 'role', 'auth', 'read', 'readwrite'];
    const next = rng(20240531);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    for (let i = 0; i < 600; i++) {
      const argv: string[] = next() < 0.85 ? [...pick(cmds)] : [];
      const own = flagsOf(root, argv);
      const flag = (): string => (next() < 0.8 ? pick(own) : pick(flags));
      const extra = Math.floor(next() * 5);
      for (let k = 0; k < extra; k++) {
        const r = next();
        if (r < 0.35) argv.push(pick(words));
        else if (r < 0.5) argv.push(flag());
        else if (r < 0.8) argv.push(`${flag()}=${pick(values)}`);
        else argv.push(pick(values));
      }
      if (next() < 0.3) argv.splice(Math.floor(next() * (argv.length + 1)), 0, flag());
      if (argv.some((w) => SLOW.has(w))) continue;
      current.argv = argv;
      current.started = false;
      const r = await sh.run([...argv, '--command-timeout=1s', '--dial-timeout=1s'], pick(['', 'x\n', 'put a b\n\n\n']));
      if (r.code === 'running') {
        bugs.push({ argv, error: 'still running after 60 s' });
        continue;
      }
      expect(typeof r.code).toBe("number");
      if (process.env.FUZZ_DEBUG) console.log(JSON.stringify(argv), r.code, current.started, JSON.stringify(r.err.slice(0, 120)));
      if (!current.started && r.err.includes('panic:')) bugs.push({ argv, error: r.err });
    }
    expect(bugs).toEqual([]);
  });

  it('exits are CommandExit values', () => {
    expect(new CommandExit(3).code).toBe(3);
  });
});
