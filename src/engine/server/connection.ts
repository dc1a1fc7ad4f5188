// A client's connection to one member: the EtcdService contract over that
// member's EtcdServer, so clients depend on src/engine/api, not on how the
// server works inside.
import type { Callback, EtcdService, MemberListResponse, RequestAuth, WatchStreamCallback, WatchStreamHandle } from '../api/service.ts';
import type { LeaseID, LeaseKeepAliveResponse, LeaseLeasesResponse, LeaseTimeToLiveRequest, LeaseTimeToLiveResponse } from '../lease/types.ts';
import type { CompactionRequest, CompactionResponse, DeleteRangeRequest, DeleteRangeResponse } from '../mvcc/rpc.ts';
import type { PutRequest, PutResponse, RangeRequest, RangeResponse, TxnRequest, TxnResponse } from '../mvcc/rpc.ts';
import type { LeaseGrantRequest, LeaseGrantResponse, LeaseRevokeRequest, LeaseRevokeResponse } from '../lease/types.ts';
import { memberList } from './cluster-api.ts';
import { leaseKeepAlive, leaseTimeToLive } from './lease-loop.ts';
import type { EtcdServer } from './server.ts';

export class MemberConnection implements EtcdService {
  constructor(readonly server: EtcdServer) {}

  range(r: RangeRequest, cb: Callback<RangeResponse>, auth?: RequestAuth): void {
    this.server.range(r, cb, auth);
  }
  put(r: PutRequest, cb: Callback<PutResponse>, auth?: RequestAuth): void {
    this.server.put(r, cb, auth);
  }
  deleteRange(r: DeleteRangeRequest, cb: Callback<DeleteRangeResponse>, auth?: RequestAuth): void {
    this.server.deleteRange(r, cb, auth);
  }
  txn(r: TxnRequest, cb: Callback<TxnResponse>, auth?: RequestAuth): void {
    this.server.txn(r, cb, auth);
  }
  compact(r: CompactionRequest, cb: Callback<CompactionResponse>, auth?: RequestAuth): void {
    this.server.compact(r, cb, auth);
  }
  leaseGrant(r: LeaseGrantRequest, cb: Callback<LeaseGrantResponse>, auth?: RequestAuth): void {
    this.server.leaseGrant(r, cb, auth);
  }
  leaseRevoke(r: LeaseRevokeRequest, cb: Callback<LeaseRevokeResponse>, auth?: RequestAuth): void {
    this.server.leaseRevoke(r, cb, auth);
  }
  leaseKeepAlive(id: LeaseID, cb: Callback<LeaseKeepAliveResponse>): void {
    leaseKeepAlive(this.server, id, cb);
  }
  leaseTimeToLive(r: LeaseTimeToLiveRequest, cb: Callback<LeaseTimeToLiveResponse>): void {
    leaseTimeToLive(this.server, r, cb);
  }
  /** LeaseLeases: etcd 3.4 answers from the serving member's own lessor (no forwarding). */
  leaseLeases(cb: Callback<LeaseLeasesResponse>): void {
    const s = this.server;
    s.complete(cb, undefined, { header: s.header(), leases: s.sm.lessor.leases().map((l) => ({ ID: l.ID })) });
  }
  memberList(cb: Callback<MemberListResponse>): void {
    memberList(this.server, cb);
  }
  watch(cb: WatchStreamCallback, auth?: RequestAuth): WatchStreamHandle {
    return this.server.watch(cb, auth);
  }
}
