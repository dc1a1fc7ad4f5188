// etcdctl's zap log lines on stderr: its own production logger (epoch-seconds
// "ts") and clientv3's logger (ISO-8601 "ts"), with the world's virtual clock.
import type { CommandContext } from '../../core/context.ts';
import { unixMillis } from './common.ts';

/** A string as zap's JSON encoder writes it. */
export function zapString(s: string): string {
  return JSON.stringify(s);
}

/** zap's ISO8601TimeEncoder in UTC: 2006-01-02T15:04:05.000Z. */
export function isoTime(ctx: CommandContext): string {
  return new Date(unixMillis(ctx)).toISOString();
}

/** One info line of zap.NewProduction(): level, epoch ts, caller, msg, then the fields (JSON texts). */
export function zapInfo(ctx: CommandContext, caller: string, msg: string, fields: readonly (readonly [string, string])[] = []): void {
  const ts = String(unixMillis(ctx) / 1000);
  const extra = fields.map(([k, v]) => `,${zapString(k)}:${v}`).join('');
  ctx.err(`{"level":"info","ts":${ts},"caller":${zapString(caller)},"msg":${zapString(msg)}${extra}}\n`);
}
