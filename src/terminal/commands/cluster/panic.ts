// What a Go panic in etcdctl looks like from outside (stderr, exit 2), for
// the few places where etcdctl 3.4 panics instead of failing cleanly; and
// Go's filepath.Join, for the paths etcdctl prints.
import type { CommandContext } from '../../core/context.ts';
import { unixMillis } from './common.ts';

/** Exit status of a Go program that panicked. */
export const ExitPanic = 2;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** capnslog's timestamp: "2006-01-02 15:04:05.000000" (UTC here). */
export function capnslogTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000`
  );
}

/**
 * Prints a panic and ends the process with status 2. `capnslog` is the
 * critical log line capnslog's Panicf writes first; `signal` marks a nil
 * dereference (the runtime adds a [signal SIGSEGV ...] line); `frame` names
 * the function in the one stack frame shown.
 */
export function goPanic(ctx: CommandContext, msg: string, o: { capnslog?: string; signal?: boolean; frame?: string } = {}): never {
  if (o.capnslog) ctx.err(`${capnslogTime(unixMillis(ctx))} C | ${o.capnslog}\n`);
  ctx.err(`panic: ${msg}\n`);
  if (o.signal) ctx.err('[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x0]\n');
  ctx.err('\ngoroutine 1 [running]:\n');
  if (o.frame) ctx.err(`go.etcd.io/etcd/etcdctl/ctlv3/command.${o.frame}(...)\n`);
  return ctx.exit(ExitPanic);
}

/** filepath.Join: the parts joined with "/" and cleaned ("" parts skipped). */
export function joinPath(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  return joined === '' ? '' : cleanPath(joined);
}

/** filepath.Clean. */
export function cleanPath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part === '..' && abs) continue;
    else out.push(part);
  }
  const s = (abs ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}
