// Helpers shared by Mutex and Election (clientv3/concurrency key.go, 3.4):
// the session's key under a prefix, and waitDeletes, which waits until every
// key under the prefix created before a revision is gone.
import type { Callback } from '../../api/service.ts';
import type { RangeRequest, ResponseHeader } from '../../mvcc/rpc.ts';
import type { LeaseID } from '../../lease/types.ts';
import { leaseIdToInt64 } from '../../lease/id.ts';
import { utf8 } from '../../util/bytes.ts';
import { prefixEnd } from '../prefix.ts';
import type { Client } from '../client.ts';
import type { ClientWatch } from '../watch.ts';

/** Go's fmt.Sprintf("%s%x", pfx, lease): the int64 in hex, a minus sign for negatives. */
export function sessionKey(pfx: string, lease: LeaseID): string {
  return pfx + leaseIdToInt64(lease).toString(16);
}

/** clientv3.WithFirstCreate / WithLastCreate: the oldest (or newest) key under pfx. */
export function topByCreate(pfx: string, order: 'ASCEND' | 'DESCEND', maxCreateRevision?: number): RangeRequest {
  const key = utf8(pfx);
  return { key, rangeEnd: prefixEnd(key), sortTarget: 'CREATE', sortOrder: order, limit: 1, maxCreateRevision };
}

/** Lets a waiter be abandoned (Mutex unlock or a canceled campaign while waiting). */
export interface Waiting {
  canceled: boolean;
  watch?: ClientWatch;
}

/**
 * waitDeletes: repeatedly finds the newest key under pfx created at or before
 * maxCreateRev and watches it from the read's revision until it is deleted;
 * answers with the header of the read that found none.
 */
export function waitDeletes(client: Client, pfx: string, maxCreateRev: number, w: Waiting, cb: Callback<ResponseHeader>): void {
  if (w.canceled) return;
  client.get(topByCreate(pfx, 'DESCEND', maxCreateRev), (err, resp) => {
    if (w.canceled) return;
    if (err || !resp) return cb(err);
    const last = resp.kvs[0];
    if (!last) return cb(undefined, resp.header);
    // waitDelete: the watch starts at the read's revision, so a delete after it is never missed.
    const watch = client.watch({ key: last.key, startRevision: resp.header.revision }, (wr) => {
      if (w.canceled || watch.canceled) return;
      if (wr.canceled) {
        watch.cancel();
        return cb({ message: wr.cancelReason || 'lost watcher waiting for delete', code: 'Unknown', local: true });
      }
      if (wr.events.some((e) => e.type === 'DELETE')) {
        watch.cancel();
        waitDeletes(client, pfx, maxCreateRev, w, cb);
      }
    });
    w.watch = watch;
  });
}

/** Stops a wait: no callback after this. */
export function cancelWait(w: Waiting): void {
  w.canceled = true;
  w.watch?.cancel();
}
