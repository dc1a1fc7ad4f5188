// Helpers shared by the cluster and maintenance commands: Go's number and
// duration formatting as etcdctl prints them, member-ID parsing, clients for
// one endpoint, and `--cluster` endpoint discovery.
import { Client } from '../../../engine/client/client.ts';
import type { CommandContext } from '../../core/context.ts';
import { ExitError } from '../../core/io.ts';
import { errorText, isRequestError } from '../../core/errors.ts';

/** strconv.ParseUint(s, 16, 64): the ID as unpadded lower-case hex (a NodeId), or Go's error text. */
export function parseHexId(s: string): { id: string } | { err: string } {
  const bad = (why: string): { err: string } => ({ err: `strconv.ParseUint: parsing ${JSON.stringify(s)}: ${why}` });
  if (!/^[0-9a-fA-F]+$/.test(s)) return bad('invalid syntax');
  const v = BigInt('0x' + s);
  if (v >= 1n << 64n) return bad('value out of range');
  return { id: v.toString(16) };
}

/** Go's %16x of a uint64 kept as hex: space-padded to 16 columns. */
export function hex16(id: string): string {
  return id.padStart(16, ' ');
}

/** go-humanize's Bytes (SI units, as etcdctl prints DB sizes). */
export function humanizeBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  // val = tenths/10; Go's %.0f rounds an exact half to even.
  const tenths = Math.floor((n / Math.pow(1000, e)) * 10 + 0.5);
  let q = Math.floor(tenths / 10);
  const r = tenths % 10;
  if (tenths < 100) return `${q}.${r} ${sizes[e]}`;
  if (r > 5 || (r === 5 && q % 2 === 1)) q++;
  return `${q} ${sizes[e]}`;
}

/** Go's %v of a []string: "[a b c]". */
export function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

/** An endpoint as the simulated cluster knows it (a bare host:port gets its scheme). */
export function dialable(ctx: CommandContext, ep: string): string {
  return ctx.dialable([ep])[0]!;
}

/** etcdctl's authCfgFromCmd: --user name[:password] and --password. */
function auth(ctx: CommandContext): { username?: string; password?: string } {
  const { user, password } = ctx.globals;
  if (user === '') return {};
  if (password !== '') return { username: user, password };
  const colon = user.indexOf(':');
  return colon < 0 ? { username: user } : { username: user.slice(0, colon), password: user.slice(colon + 1) };
}

/** A client of its own for some endpoints (etcdctl builds one per endpoint for health, move-leader). */
export function clientFor(ctx: CommandContext, endpoints: string[]): Client {
  const g = ctx.globals;
  const c = new Client(ctx.world.net, {
    endpoints: ctx.dialable(endpoints),
    commandTimeoutMs: g.commandTimeoutMs,
    dialTimeoutMs: g.dialTimeoutMs,
    ...auth(ctx),
  });
  ctx.onExit(() => c.close());
  return c;
}

/**
 * endpointsFromCluster: --endpoints as given, or with --cluster the client
 * URLs of every member, from a member list through --endpoints.
 */
export async function endpointsFromCluster(ctx: CommandContext): Promise<string[]> {
  if (!ctx.bool('cluster')) return [...ctx.globals.endpoints];
  const c = clientFor(ctx, [...ctx.globals.endpoints]);
  try {
    const resp = await ctx.call(c.memberList.bind(c));
    return resp.members.flatMap((m) => m.clientURLs);
  } catch (e) {
    if (!isRequestError(e)) throw e;
    return ctx.fail(ExitError, `failed to fetch endpoints from etcd cluster member list: ${errorText(e)}`);
  } finally {
    c.close();
  }
}

/** The machine's wall clock in Unix milliseconds (in the simulation: the cluster's start epoch plus its time). */
export function unixMillis(ctx: CommandContext): number {
  return ctx.world.unixMillis();
}
