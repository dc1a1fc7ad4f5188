// Conditions on the key space, watches, leases and files, as the leader's
// copy has them.
import { prefixEnd } from '../../model/watches.ts';
import { keyState, keysUnder, leaseIds, watchersOn } from '../probe.ts';
import type { Condition, StepContext } from '../types.ts';
import { memoOr, type ConditionKind } from './kinds.ts';

/** The watchers a condition means: on a key, or on a prefix with "prefix": true. */
function watchers(ctx: StepContext, c: Condition, key: string) {
  const ws = watchersOn(ctx.world, key);
  return c.prefix === true ? ws.filter((w) => w.end === prefixEnd(key)) : ws.filter((w) => w.end === undefined);
}

export const STORE_KINDS: Record<string, ConditionKind> = {
  /** {"key": K} exists; with "value", "absent": true, "minVersion": n or "lease": memo name. */
  key: {
    options: ['value', 'absent', 'minVersion', 'lease'],
    test: (ctx, c) => {
      const k = keyState(ctx.world, String(c.key));
      if (c.absent === true) return k === undefined;
      if (!k) return false;
      if (c.value !== undefined && k.value !== String(c.value)) return false;
      if (c.minVersion !== undefined && k.version < Number(c.minVersion)) return false;
      if (c.lease !== undefined && k.lease.toLowerCase() !== memoOr(ctx, c.lease).toLowerCase()) return false;
      return true;
    },
  },
  /** Exactly "count" keys start with the prefix; with "without": a memo entry naming a key that must be gone. */
  keysUnder: {
    options: ['count', 'without'],
    test: (ctx, c) => {
      const ks = keysUnder(ctx.world, String(c.keysUnder));
      if (c.without !== undefined && ks.some((k) => k.key === memoOr(ctx, c.without))) return false;
      return ks.length === Number(c.count ?? 1);
    },
  },
  /** At least n watchers on "on" (n = 0: none). */
  watchers: {
    options: ['on', 'prefix'],
    test: (ctx, c) => {
      const n = watchers(ctx, c, String(c.on)).length;
      return Number(c.watchers) === 0 ? n === 0 : n >= Number(c.watchers);
    },
  },
  /** A watcher on the key (or prefix, with "prefix" and "key") has been sent the key's latest change. */
  watchSaw: {
    options: ['prefix', 'key'],
    test: (ctx, c) => {
      const k = keyState(ctx.world, String(c.key ?? c.watchSaw));
      return k !== undefined && watchers(ctx, c, String(c.watchSaw)).some((w) => w.nextRev > k.mod);
    },
  },
  /** A lease exists that the memo entry "besides" (a lease list) did not have; stores its ID under the given name. */
  leaseGranted: {
    options: ['besides'],
    test: (ctx, c) => {
      const old = String(ctx.memo[String(c.besides)] ?? '').split(',');
      const fresh = leaseIds(ctx.world).find((id) => !old.includes(id));
      if (fresh) ctx.memo[String(c.leaseGranted)] = fresh;
      return fresh !== undefined;
    },
  },
  /** The remembered lease is gone (revoked or expired). */
  leaseGone: {
    options: [],
    test: (ctx, c) => {
      const id = ctx.memo[String(c.leaseGone)];
      return id !== undefined && !leaseIds(ctx.world).includes(String(id));
    },
  },
  /** A file or directory exists in the playground's file system (relative paths from /). */
  file: { options: [], test: (ctx, c) => ctx.world.fs.exists('/' + String(c.file).replace(/^\/+/, '')) },
};
