// Conditions on the commands the learner ran since the step began. A pattern
// is a command's words: the line must start with the same word and contain
// the others, in any order; `--flag=value` counts as `--flag value` and
// --write-out as -w. {name} placeholders are filled first.
import { fill } from '../remember.ts';
import type { RanCommand, StepContext } from '../types.ts';
import type { ConditionKind } from './kinds.ts';

const ALIASES: Record<string, string> = { '--write-out': '-w' };

function words(line: string): string[] {
  const out: string[] = [];
  for (const raw of line.trim().split(/\s+/)) {
    const w = raw.replace(/^(['"])(.*)\1$/, '$2');
    const eq = w.startsWith('-') ? w.indexOf('=') : -1;
    const parts = eq > 0 ? [w.slice(0, eq), w.slice(eq + 1)] : [w];
    out.push(...parts.map((p) => ALIASES[p] ?? p));
  }
  return out;
}

/** Whether line runs the pattern's command with all its words. */
export function matches(line: string, pattern: string): boolean {
  const have = words(line);
  const want = words(pattern);
  if (want.length === 0 || have[0] !== want[0]) return false;
  const rest = have.slice(1);
  return want.slice(1).every((w) => {
    const i = rest.indexOf(w);
    if (i >= 0) rest.splice(i, 1);
    return i >= 0;
  });
}

const find = (ctx: StepContext, pattern: unknown, ok: (r: RanCommand) => boolean, runs = ctx.ran): boolean => {
  const p = fill(String(pattern), ctx.world, ctx.memo);
  return runs.some((r) => ok(r) && matches(r.line, p));
};

export const COMMAND_KINDS: Record<string, ConditionKind> = {
  /** The command ran and succeeded. */
  ran: { options: [], test: (ctx, c) => find(ctx, c.ran, (r) => r.status === 0) },
  /** The command ran and failed (a timeout, an error from etcd). */
  ranFailed: { options: [], test: (ctx, c) => find(ctx, c.ranFailed, (r) => r.status !== undefined && r.status !== 0) },
  /** The command started (it may still run: a watch, a lock, keep-alive). */
  started: { options: [], test: (ctx, c) => find(ctx, c.started, () => true) },
  /** A matching command, started in this step or before, has ended (a keep-alive stopped with Ctrl-C). */
  ended: { options: [], test: (ctx, c) => find(ctx, c.ended, (r) => r.status !== undefined, ctx.all) },
};
