// etcd's range permission cache (auth/range_perm_cache.go): a user's permissions from all
// of their roles, merged into one read set and one write set of key intervals, built on
// first use and dropped whenever users or roles change.

import { covers, intersects, pointInterval, sortIntervals, type KeyInterval } from './interval.ts';
import type { Role, User } from './types.ts';

/** unifiedRangePermissions: READWRITE grants land in both sets. */
export interface UnifiedRangePermissions {
  readPerms: KeyInterval[];
  writePerms: KeyInterval[];
}

/** What a request needs: READ (range, watch, txn compares) or WRITE (put, delete). */
export type PermissionCheck = 'READ' | 'WRITE';

function isFromKeyEnd(rangeEnd: Uint8Array): boolean {
  return rangeEnd.length === 1 && rangeEnd[0] === 0;
}

/**
 * getMergedPerms: a permission with an empty rangeEnd is the single key; rangeEnd "\0" is
 * open-ended (the empty end, +infinity). Roles the user names but that no longer exist
 * are skipped.
 */
export function getMergedPerms(user: User, getRole: (name: string) => Role | undefined): UnifiedRangePermissions {
  const readPerms: KeyInterval[] = [];
  const writePerms: KeyInterval[] = [];
  for (const roleName of user.roles) {
    const role = getRole(roleName);
    if (!role) continue;
    for (const perm of role.keyPermission) {
      const ivl: KeyInterval =
        perm.rangeEnd.length === 0
          ? pointInterval(perm.key)
          : { begin: perm.key, end: isFromKeyEnd(perm.rangeEnd) ? new Uint8Array(0) : perm.rangeEnd };
      if (perm.permType !== 'WRITE') readPerms.push(ivl);
      if (perm.permType !== 'READ') writePerms.push(ivl);
    }
  }
  return { readPerms: sortIntervals(readPerms), writePerms: sortIntervals(writePerms) };
}

/**
 * isRangeOpPermitted without the lookup: a single key (empty rangeEnd) needs some
 * permission containing it; a range [key, rangeEnd) must be covered completely, with
 * rangeEnd "\0" meaning every key from key on.
 */
export function isRangeOpPermitted(
  perms: UnifiedRangePermissions,
  key: Uint8Array,
  rangeEnd: Uint8Array,
  check: PermissionCheck,
): boolean {
  const set = check === 'READ' ? perms.readPerms : perms.writePerms;
  if (rangeEnd.length === 0) return intersects(set, pointInterval(key));
  const end = isFromKeyEnd(rangeEnd) ? new Uint8Array(0) : rangeEnd;
  return covers(set, { begin: key, end });
}

/** username -> merged permissions; cleared as a whole on every auth change. */
export class RangePermCache {
  private readonly byUser = new Map<string, UnifiedRangePermissions>();

  get(user: User, getRole: (name: string) => Role | undefined): UnifiedRangePermissions {
    let perms = this.byUser.get(user.name);
    if (!perms) {
      perms = getMergedPerms(user, getRole);
      this.byUser.set(user.name, perms);
    }
    return perms;
  }

  clear(): void {
    this.byUser.clear();
  }
}
