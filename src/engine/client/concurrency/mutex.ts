// clientv3/concurrency Mutex (etcd 3.4), what `etcdctl lock` uses. Each
// session puts its own key `${pfx}/${lease hex}` (with its lease, so a dead
// client's key expires); the oldest key by create revision holds the lock,
// and each waiter watches only the key just older than its own, so one delete
// wakes one waiter (no thundering herd).
import type { Callback } from '../../api/service.ts';
import type { Compare, DeleteRangeResponse, ResponseHeader } from '../../mvcc/rpc.ts';
import { utf8 } from '../../util/bytes.ts';
import type { Session } from './session.ts';
import { type Waiting, cancelWait, sessionKey, topByCreate, waitDeletes } from './wait.ts';

export class Mutex {
  /** The prefix with its trailing "/", as NewMutex stores it. */
  readonly pfx: string;
  /** This session's key once lock() has run ("\0" after unlock, as etcd resets it). */
  myKey = '\0';
  /** Create revision of myKey (-1: none). */
  myRev = -1;
  /** Header of the acquisition. */
  header: ResponseHeader | undefined;
  private waiting: Waiting | undefined;

  constructor(
    readonly session: Session,
    pfx: string,
  ) {
    this.pfx = pfx + '/';
  }

  /**
   * Lock: creates myKey if the session has none (reusing it if it does), then
   * waits for every older key to go. The callback gets the acquisition header.
   */
  lock(cb: Callback<ResponseHeader>): void {
    const c = this.session.client;
    const lease = this.session.lease;
    this.myKey = sessionKey(this.pfx, lease);
    const key = utf8(this.myKey);
    const getOwner = { requestRange: topByCreate(this.pfx, 'ASCEND') };
    c.txn(
      {
        compare: [{ key, target: 'CREATE', result: 'EQUAL', createRevision: 0 }],
        success: [{ requestPut: { key, value: new Uint8Array(), lease } }, getOwner],
        failure: [{ requestRange: { key } }, getOwner],
      },
      (err, resp) => {
        if (err || !resp) return cb(err);
        this.myRev = resp.succeeded ? resp.header.revision : resp.responses[0]!.responseRange!.kvs[0]!.createRevision;
        const owner = resp.responses[1]!.responseRange!.kvs[0];
        // Nobody older: the lock is ours with this one round trip.
        if (!owner || owner.createRevision === this.myRev) {
          this.header = resp.header;
          return cb(undefined, resp.header);
        }
        const w: Waiting = { canceled: false };
        this.waiting = w;
        waitDeletes(c, this.pfx, this.myRev - 1, w, (werr, hdr) => {
          this.waiting = undefined;
          if (werr || !hdr) {
            // Give up our place in line, as etcd does when the wait fails.
            this.unlock(() => cb(werr));
            return;
          }
          this.header = hdr;
          cb(undefined, hdr);
        });
      },
    );
  }

  /** Unlock: deletes myKey (also abandons a lock() still waiting). */
  unlock(cb: Callback<DeleteRangeResponse>): void {
    if (this.waiting) cancelWait(this.waiting);
    this.waiting = undefined;
    this.session.client.del({ key: utf8(this.myKey) }, (err, resp) => {
      if (err) return cb(err);
      this.myKey = '\0';
      this.myRev = -1;
      cb(undefined, resp);
    });
  }

  /** IsOwner: a txn guard that holds only while this mutex's key is still the one it acquired with (fencing). */
  isOwner(): Compare {
    return { key: utf8(this.myKey), target: 'CREATE', result: 'EQUAL', createRevision: this.myRev };
  }

  /** Key: the lock's own key, which etcdctl lock prints on acquiring. */
  key(): string {
    return this.myKey;
  }
}
