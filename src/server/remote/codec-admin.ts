// The client's side of the Lease, Cluster, Maintenance and Auth messages
// (see codec-kv.ts): lease IDs are int64 and member IDs uint64 on the wire,
// hex in the engine.
import type { MemberInfo, MemberListResponse } from '../../engine/api/cluster.ts';
import type { AlarmResponse, HashKVResponse, HashResponse, StatusResponse } from '../../engine/api/maintenance.ts';
import type * as a from '../../engine/auth/types.ts';
import type {
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseTimeToLiveResponse,
} from '../../engine/lease/types.ts';
import type { Wire } from '../grpc/codec-kv.ts';
import { leaseFromWire, num, u64FromWire } from '../grpc/ids.ts';
import { bytesFromWire, headerFromWire } from './codec-kv.ts';

// ---- Lease ----

export function leaseGrantFromWire(w: Wire): LeaseGrantResponse {
  return { header: headerFromWire(w.header), ID: leaseFromWire(w.ID), TTL: num(w.TTL), error: w.error ?? '' };
}

export function keepAliveFromWire(w: Wire): LeaseKeepAliveResponse {
  return { header: headerFromWire(w.header), ID: leaseFromWire(w.ID), TTL: num(w.TTL) };
}

export function timeToLiveFromWire(w: Wire): LeaseTimeToLiveResponse {
  return {
    header: headerFromWire(w.header),
    ID: leaseFromWire(w.ID),
    TTL: num(w.TTL),
    grantedTTL: num(w.grantedTTL),
    keys: (w.keys ?? []).map(bytesFromWire),
  };
}

export function leasesFromWire(w: Wire): LeaseLeasesResponse {
  return { header: headerFromWire(w.header), leases: (w.leases ?? []).map((l: Wire) => ({ ID: leaseFromWire(l.ID) })) };
}

// ---- Cluster ----

function memberFromWire(w: Wire): MemberInfo {
  return { ID: u64FromWire(w.ID), name: w.name ?? '', peerURLs: w.peerURLs ?? [], clientURLs: w.clientURLs ?? [], isLearner: !!w.isLearner };
}

export function membersFromWire(w: Wire): MemberListResponse & { member?: MemberInfo } {
  const r: MemberListResponse & { member?: MemberInfo } = { header: headerFromWire(w.header), members: (w.members ?? []).map(memberFromWire) };
  if (w.member) r.member = memberFromWire(w.member);
  return r;
}

// ---- Maintenance ----

export function statusFromWire(w: Wire): StatusResponse {
  return {
    header: headerFromWire(w.header),
    version: w.version ?? '',
    dbSize: num(w.dbSize),
    dbSizeInUse: num(w.dbSizeInUse),
    leader: u64FromWire(w.leader),
    raftIndex: num(w.raftIndex),
    raftTerm: num(w.raftTerm),
    raftAppliedIndex: num(w.raftAppliedIndex),
    errors: w.errors ?? [],
    isLearner: !!w.isLearner,
  };
}

export function hashFromWire(w: Wire): HashResponse {
  return { header: headerFromWire(w.header), hash: num(w.hash) };
}

export function hashKVFromWire(w: Wire): HashKVResponse {
  return { header: headerFromWire(w.header), hash: num(w.hash), compactRevision: num(w.compactRevision) };
}

export function alarmFromWire(w: Wire): AlarmResponse {
  return {
    header: headerFromWire(w.header),
    alarms: (w.alarms ?? []).map((m: Wire) => ({ memberID: u64FromWire(m.memberID), alarm: m.alarm ?? 'NONE' })),
  };
}

// ---- Auth ----

/** An Auth response: its header (when the member sent one) and its plain fields. */
export function authFromWire<T extends a.AuthResponseBase>(w: Wire): T {
  const r: Wire = { ...w };
  if (w.header) r.header = headerFromWire(w.header);
  else delete r.header;
  return r as T;
}

export function roleGetFromWire(w: Wire): a.AuthRoleGetResponse {
  const r = authFromWire<a.AuthRoleGetResponse>(w);
  r.perm = (w.perm ?? []).map((p: Wire) => ({ permType: p.permType ?? 'READ', key: bytesFromWire(p.key), rangeEnd: bytesFromWire(p.rangeEnd) }));
  return r;
}
