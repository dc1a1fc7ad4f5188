// clientv3/concurrency Election (etcd 3.4), what `etcdctl elect` uses. A
// campaign is a Mutex lock whose key carries a value: the oldest key under
// the prefix is the leader and its value the proclamation. Proclaim and
// Resign are guarded by the leader key's create revision, so a candidate
// whose key was lost (lease expired) cannot overwrite a successor.
import type { Callback } from '../../api/service.ts';
import type { ResponseHeader } from '../../mvcc/rpc.ts';
import type { KeyValue } from '../../mvcc/types.ts';
import { utf8, fromUtf8 } from '../../util/bytes.ts';
import type { ClientWatch } from '../watch.ts';
import type { Session } from './session.ts';
import { type Waiting, cancelWait, sessionKey, topByCreate, waitDeletes } from './wait.ts';

/** concurrency.ErrElectionNotLeader. */
export const ErrElectionNotLeader = 'election: not leader';
/** concurrency.ErrElectionNoLeader. */
export const ErrElectionNoLeader = 'election: no leader';

/** What Leader and Observe report: the leader's key-value and the header it was read at. */
export interface LeaderResponse {
  header: ResponseHeader;
  kv: KeyValue;
}

/** A running Observe; cancel ends it. */
export interface Observer {
  cancel(): void;
}

export class Election {
  /** The prefix with its trailing "/", as NewElection stores it. */
  readonly keyPrefix: string;
  leaderKey = '';
  leaderRev = 0;
  /** Set while this election (believes it) holds or campaigns for leadership. */
  private leaderSession: Session | undefined;
  header: ResponseHeader | undefined;
  private waiting: Waiting | undefined;

  constructor(
    readonly session: Session,
    pfx: string,
  ) {
    this.keyPrefix = pfx + '/';
  }

  /** Campaign: puts the session's key with val (or re-proclaims an existing one) and waits to lead. */
  campaign(val: string, cb: Callback<ResponseHeader>): void {
    const s = this.session;
    const c = s.client;
    const k = sessionKey(this.keyPrefix, s.lease);
    const key = utf8(k);
    c.txn(
      {
        compare: [{ key, target: 'CREATE', result: 'EQUAL', createRevision: 0 }],
        success: [{ requestPut: { key, value: utf8(val), lease: s.lease } }],
        failure: [{ requestRange: { key } }],
      },
      (err, resp) => {
        if (err || !resp) return cb(err);
        this.leaderKey = k;
        this.leaderRev = resp.header.revision;
        this.leaderSession = s;
        const wait = (): void => {
          const w: Waiting = { canceled: false };
          this.waiting = w;
          waitDeletes(c, this.keyPrefix, this.leaderRev - 1, w, (werr) => {
            this.waiting = undefined;
            if (werr) {
              this.leaderSession = undefined;
              return cb(werr);
            }
            this.header = resp.header;
            cb(undefined, resp.header);
          });
        };
        if (resp.succeeded) return wait();
        // The session already campaigned: keep its place, update the value if it differs.
        const kv = resp.responses[0]!.responseRange!.kvs[0]!;
        this.leaderRev = kv.createRevision;
        if (fromUtf8(kv.value) === val) return wait();
        this.proclaim(val, (perr) => {
          if (perr) return this.resign(() => cb(perr));
          wait();
        });
      },
    );
  }

  /** Proclaim: a new value without another election; fails with ErrElectionNotLeader when the key is gone. */
  proclaim(val: string, cb: Callback<ResponseHeader>): void {
    const ls = this.leaderSession;
    if (!ls) return this.later(() => cb({ message: ErrElectionNotLeader, code: 'Unknown', local: true }));
    const key = utf8(this.leaderKey);
    this.session.client.txn(
      {
        compare: [{ key, target: 'CREATE', result: 'EQUAL', createRevision: this.leaderRev }],
        success: [{ requestPut: { key, value: utf8(val), lease: ls.lease } }],
      },
      (err, resp) => {
        if (err || !resp) return cb(err);
        if (!resp.succeeded) {
          this.leaderKey = '';
          return cb({ message: ErrElectionNotLeader, code: 'Unknown', local: true });
        }
        this.header = resp.header;
        cb(undefined, resp.header);
      },
    );
  }

  /** Resign: deletes the leader key if it is still ours (also abandons a campaign still waiting). */
  resign(cb: Callback<ResponseHeader | undefined>): void {
    if (this.waiting) cancelWait(this.waiting);
    this.waiting = undefined;
    if (!this.leaderSession) return this.later(() => cb(undefined, undefined));
    const key = utf8(this.leaderKey);
    const rev = this.leaderRev;
    this.leaderKey = '';
    this.leaderSession = undefined;
    this.session.client.txn(
      { compare: [{ key, target: 'CREATE', result: 'EQUAL', createRevision: rev }], success: [{ requestDeleteRange: { key } }] },
      (err, resp) => {
        if (err || !resp) return cb(err);
        this.header = resp.header;
        cb(undefined, resp.header);
      },
    );
  }

  /** Leader: the key with the lowest create revision under the prefix. */
  leader(cb: Callback<LeaderResponse>): void {
    this.session.client.get(topByCreate(this.keyPrefix, 'ASCEND'), (err, resp) => {
      if (err || !resp) return cb(err);
      const kv = resp.kvs[0];
      if (!kv) return cb({ message: ErrElectionNoLeader, code: 'Unknown', local: true });
      cb(undefined, { header: resp.header, kv });
    });
  }

  /**
   * Observe: reports the leader now (or the first one elected) and every
   * value it proclaims; when its key goes, the next leader. Ends on a client
   * error or cancel, as etcd closes the channel.
   */
  observe(cb: (r: LeaderResponse) => void): Observer {
    const c = this.session.client;
    let canceled = false;
    let watch: ClientWatch | undefined;
    const stop = (): void => {
      watch?.cancel();
      watch = undefined;
    };
    // Follows one leader's key from rev until it is deleted, then looks again.
    const follow = (kv: KeyValue, rev: number): void => {
      watch = c.watch({ key: kv.key, startRevision: rev + 1 }, (wr) => {
        if (canceled) return;
        if (wr.canceled) return stop();
        for (const ev of wr.events) {
          if (ev.type === 'DELETE') {
            stop();
            return round();
          }
          cb({ header: wr.header, kv: ev.kv });
        }
      });
    };
    const round = (): void => {
      if (canceled) return;
      c.get(topByCreate(this.keyPrefix, 'ASCEND'), (err, resp) => {
        if (canceled || err || !resp) return;
        const first = resp.kvs[0];
        if (first) {
          cb({ header: resp.header, kv: first });
          return follow(first, resp.header.revision);
        }
        // No leader yet: the first put under the prefix is the next one.
        const key = utf8(this.keyPrefix);
        watch = c.watch({ key, rangeEnd: topByCreate(this.keyPrefix, 'ASCEND').rangeEnd, startRevision: resp.header.revision }, (wr) => {
          if (canceled) return;
          if (wr.canceled) return stop();
          const put = wr.events.find((e) => e.type === 'PUT');
          if (!put) return;
          stop();
          const header = { ...wr.header, revision: put.kv.modRevision };
          cb({ header, kv: put.kv });
          follow(put.kv, header.revision);
        });
      });
    };
    round();
    return {
      cancel: () => {
        canceled = true;
        stop();
      },
    };
  }

  /** Runs fn from the event loop, so callbacks never run inside the caller. */
  private later(fn: () => void): void {
    this.session.client.net.after(0, fn);
  }
}
