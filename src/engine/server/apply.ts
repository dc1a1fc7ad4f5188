// etcd's applierV3 (etcdserver/apply.go, apply_auth.go, 3.4): applies one
// InternalRaftRequest to a member's stores and answers what etcd would.
//
// etcd stacks appliers: authApplierV3 (permission checks with the header's
// user and auth revision) over quotaApplierV3 (space quota) over the backend.
// An alarm swaps the stack: raising NOSPACE at run time replaces it with
// applierV3Capped over the bare backend, raising CORRUPT with
// applierV3Corrupt over the bare backend, and clearing either restores the
// full stack. So while an alarm raised at run time is in force, requests are
// applied WITHOUT auth checks - etcd 3.4.23 does exactly that. After a restart
// or a snapshot, restoreAlarms wraps the full stack instead (auth kept).
// ApplierChain records which layers are in force.
//
// The quota applier applies the write even when it does not fit and only then
// answers "database space exceeded": the entry is in the log, so every member
// must apply it alike whatever its own db size. The server raises the NOSPACE
// alarm after such an answer (statemachine.ts).
import type { AuthStore } from '../auth/store.ts';
import type { AuthInfo } from '../auth/types.ts';
import { checkDeleteRangeAuth, checkLeaseKeysAuth, checkPutAuth, checkRangeAuth, checkTxnAuth } from '../auth/request-perm.ts';
import type { ResponseHeader } from '../api/header.ts';
import type { Lessor } from '../lease/lessor.ts';
import type {
  LeaseCheckpointRequest,
  LeaseCheckpointResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
} from '../lease/types.ts';
import type { KVStore } from '../mvcc/kvstore.ts';
import { putCost, txnCost } from '../mvcc/quota.ts';
import type {
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
} from '../mvcc/rpc.ts';
import type { AlarmStore } from './alarms.ts';
import { applyAuth, isAuthRequest, needAdminPermission, type AuthResponse } from './apply-auth.ts';
import { type ApplyError, ErrCorrupt, ErrNoSpace, applyError, toApplyError } from './errors.ts';
import type { AlarmRequest, AlarmResponse, InternalRaftRequest } from './internal.ts';

/** etcd's leaseOverhead: what a lease grant costs against the quota. */
export const LEASE_OVERHEAD = 64;

/** Any response an applied request gets. */
type Response =
  | RangeResponse
  | PutResponse
  | DeleteRangeResponse
  | TxnResponse
  | CompactionResponse
  | LeaseGrantResponse
  | LeaseRevokeResponse
  | LeaseCheckpointResponse
  | AlarmResponse
  | AuthResponse;

/** A response as the applier hands it out: always with its header. */
export type ApplyResponse = Response & { header: ResponseHeader };

/**
 * etcd's applyResult. A client is answered err when it is set, else resp.
 * Both are set when a write was applied but did not fit the quota.
 */
export interface ApplyResult {
  resp?: ApplyResponse;
  err?: ApplyError;
}

/** What the individual appliers return: the header is filled in last. */
interface Answer {
  resp?: Response;
  err?: ApplyError;
}

/** Which of etcd's applier layers are in force. */
export interface ApplierChain {
  auth: boolean;
  quota: boolean;
  capped: boolean;
  corrupt: boolean;
}

/** The member state an applier works on. */
export interface ApplierDeps {
  kv: KVStore;
  lessor: Lessor;
  auth: AuthStore;
  alarms: AlarmStore;
  memberId: string;
  clusterId(): string;
  /** Virtual ms: lease grants and checkpoints on a primary lessor count from it. */
  now(): number;
  log?(level: 'I' | 'W' | 'E', pkg: string, text: string): void;
}

const FULL: ApplierChain = { auth: true, quota: true, capped: false, corrupt: false };

const noSpace = (): ApplyError => applyError(ErrNoSpace);
/** A quiet put's result: applied, with no response for anyone. */
const UNANSWERED: Answer = Object.freeze({});
const failed = (message: string): Answer => ({ err: applyError(message) });

export class ApplierV3 {
  chain: ApplierChain = { ...FULL };
  /** The entry being applied (headers carry its term; tokens its index). */
  private index = 0;
  private term = 0;
  /** The request's header: who sent it, as of which auth revision. */
  private hdr: InternalRaftRequest['header'] = { ID: '', username: '', authRevision: 0 };
  /** Whether this request is permission-checked: the auth layer is in the stack and auth is on. */
  private checks = false;
  /** Nobody takes this request's response (a member that did not propose it): a put skips building it. */
  private quiet = false;

  constructor(private readonly d: ApplierDeps) {}

  /** etcd's restoreAlarms, run at start and after a snapshot: the full stack, capped/corrupt on top. */
  restoreAlarms(): void {
    const a = this.d.alarms;
    this.chain = { ...FULL, capped: a.has('NOSPACE'), corrupt: a.has('CORRUPT') };
  }

  /** Applies r, carried by the entry at index in term. Never throws for a refused request. */
  apply(r: InternalRaftRequest, index: number, term: number, quiet = false): ApplyResult {
    this.index = index;
    this.term = term;
    this.quiet = quiet;
    this.hdr = r.header;
    // With auth off every check passes: skip them (the hot path).
    this.checks = this.chain.auth && this.d.auth.isAuthEnabled();
    if (this.checks && needAdminPermission(r)) {
      const err = this.d.auth.isAdminPermitted(this.ai);
      if (err) return { err: toApplyError(err) };
    }
    let res: Answer;
    try {
      res = this.dispatch(r);
    } catch (e) {
      return { err: toApplyError(e) };
    }
    const resp = res.resp;
    if (resp) {
      // Fill in the store's own header object rather than allocate another.
      const h = resp.header;
      if (h) {
        h.clusterId = this.d.clusterId();
        h.memberId = this.d.memberId;
        h.revision = this.d.kv.rev;
        h.raftTerm = this.term;
      } else {
        resp.header = this.header();
      }
    }
    return res as ApplyResult;
  }

  /** The request's user as the auth checks take it; made only when asked for (with auth off, nobody asks). */
  private get ai(): AuthInfo {
    return { username: this.hdr.username, revision: this.hdr.authRevision };
  }

  /** newHeader: ids, the KV store's revision now, and the raft term. */
  private header(): ResponseHeader {
    return { clusterId: this.d.clusterId(), memberId: this.d.memberId, revision: this.d.kv.rev, raftTerm: this.term };
  }

  private dispatch(r: InternalRaftRequest): Answer {
    if (r.put) return this.put(r.put);
    if (r.range) return this.range(r.range);
    if (r.deleteRange) return this.deleteRange(r.deleteRange);
    if (r.txn) return this.txn(r.txn);
    if (r.compaction) {
      if (this.chain.corrupt) return failed(ErrCorrupt);
      return { resp: this.d.kv.compact(r.compaction.revision) };
    }
    if (r.leaseGrant) return this.leaseGrant(r.leaseGrant);
    if (r.leaseRevoke) return this.leaseRevoke(r.leaseRevoke);
    if (r.leaseCheckpoint) return this.leaseCheckpoint(r.leaseCheckpoint);
    if (r.alarm) return this.alarm(r.alarm);
    if (isAuthRequest(r)) return { resp: applyAuth(this.d.auth, r, this.ai, this.chain.auth, this.index) };
    throw new Error('applierV3: request sets no known field');
  }

  /** The keys on a lease, which a user must be able to write to attach to or revoke it (checkLeasePuts). */
  private leaseKeys(id: string | undefined): Uint8Array[] {
    if (id === undefined || !this.d.auth.isAuthEnabled()) return [];
    return this.d.lessor.lookup(id)?.keys ?? [];
  }

  private put(p: PutRequest): Answer {
    const c = this.chain;
    if (c.corrupt) return failed(ErrCorrupt);
    if (c.capped) return failed(ErrNoSpace);
    if (this.checks) {
      const err = checkPutAuth(this.d.auth, this.ai, p, this.leaseKeys(p.lease));
      if (err) return { err: toApplyError(err) };
    }
    const fits = !c.quota || !this.d.kv.quotaExceeded(putCost(p));
    if (this.quiet) {
      this.d.kv.putQuietly(p);
      return fits ? UNANSWERED : { err: noSpace() };
    }
    const resp = this.d.kv.put(p);
    return fits ? { resp } : { resp, err: noSpace() };
  }

  private range(r: RangeRequest): Answer {
    const c = this.chain;
    if (c.corrupt) return failed(ErrCorrupt);
    if (this.checks) {
      const err = checkRangeAuth(this.d.auth, this.ai, r);
      if (err) return { err: toApplyError(err) };
    }
    return { resp: this.d.kv.range(r) };
  }

  private deleteRange(r: DeleteRangeRequest): Answer {
    const c = this.chain;
    if (c.corrupt) return failed(ErrCorrupt);
    if (this.checks) {
      const err = checkDeleteRangeAuth(this.d.auth, this.ai, r);
      if (err) return { err: toApplyError(err) };
    }
    return { resp: this.d.kv.deleteRange(r) };
  }

  private txn(r: TxnRequest): Answer {
    const c = this.chain;
    if (c.corrupt) return failed(ErrCorrupt);
    // Capped: a txn that could put is refused; deletes and reads still run.
    if (c.capped && txnCost(r) > 0) return failed(ErrNoSpace);
    if (this.checks) {
      const err = checkTxnAuth(this.d.auth, this.ai, r);
      if (err) return { err: toApplyError(err) };
    }
    const fits = !c.quota || !this.d.kv.quotaExceeded(txnCost(r));
    const resp = this.d.kv.txn(r);
    return fits ? { resp } : { resp, err: noSpace() };
  }

  private leaseGrant(r: LeaseGrantRequest): Answer {
    const c = this.chain;
    if (c.corrupt) return failed(ErrCorrupt);
    if (c.capped) return failed(ErrNoSpace);
    const fits = !c.quota || !this.d.kv.quotaExceeded(LEASE_OVERHEAD);
    const res = this.d.lessor.grant(r.ID, r.TTL, this.d.now());
    if (!res.ok) return failed(res.error);
    const resp: LeaseGrantResponse = { header: this.header(), ID: res.value.ID, TTL: res.value.TTL, error: '' };
    return fits ? { resp } : { resp, err: noSpace() };
  }

  private leaseRevoke(r: LeaseRevokeRequest): Answer {
    const c = this.chain;
    if (c.corrupt) return failed(ErrCorrupt);
    if (this.checks) {
      const err = checkLeaseKeysAuth(this.d.auth, this.ai, this.leaseKeys(r.ID));
      if (err) return { err: toApplyError(err) };
    }
    // The lessor deletes the lease's keys through the store in one txn: one revision.
    const res = this.d.lessor.revoke(r.ID);
    if (!res.ok) return failed(res.error);
    return { resp: { header: this.header() } };
  }

  private leaseCheckpoint(r: LeaseCheckpointRequest): Answer {
    const now = this.d.now();
    for (const cp of r.checkpoints) this.d.lessor.checkpoint(cp.ID, cp.remaining_TTL, now);
    return { resp: { header: this.header() } };
  }

  /** applierV3backend.Alarm: GET lists, ACTIVATE/DEACTIVATE change the list and maybe the stack. */
  private alarm(ar: AlarmRequest): Answer {
    const alarms = this.d.alarms;
    const oldCount = alarms.get(ar.alarm).length;
    const resp: AlarmResponse = { header: this.header(), alarms: [] };
    switch (ar.action) {
      case 'GET':
        resp.alarms = alarms.get(ar.alarm);
        break;
      case 'ACTIVATE': {
        const m = alarms.activate(ar.memberID, ar.alarm);
        resp.alarms.push(m);
        if (!(oldCount === 0 && alarms.get(m.alarm).length === 1)) break;
        this.d.log?.('W', 'etcdserver', `alarm ${m.alarm} raised by peer ${m.memberID}`);
        // The new applier wraps the bare backend: etcd passes the backend applier itself.
        if (m.alarm === 'NOSPACE') this.chain = { auth: false, quota: false, capped: true, corrupt: false };
        else if (m.alarm === 'CORRUPT') this.chain = { auth: false, quota: false, capped: false, corrupt: true };
        else this.d.log?.('E', 'etcdserver', `unimplemented alarm activation (${m.alarm})`);
        break;
      }
      case 'DEACTIVATE': {
        const m = alarms.deactivate(ar.memberID, ar.alarm);
        if (!m) break;
        resp.alarms.push(m);
        if (!(oldCount > 0 && alarms.get(ar.alarm).length === 0)) break;
        if (m.alarm === 'NOSPACE' || m.alarm === 'CORRUPT') {
          this.d.log?.('I', 'etcdserver', `alarm disarmed ${m.alarm} of member ${m.memberID}`);
          this.chain = { ...FULL };
        } else {
          this.d.log?.('E', 'etcdserver', `unimplemented alarm deactivation (${m.alarm})`);
        }
        break;
      }
    }
    return { resp };
  }
}
