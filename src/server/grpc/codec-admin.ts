// Lease, Cluster, Maintenance and Auth messages between proto-loader's
// objects and the engine's types (see codec-kv.ts for the conventions).
// Member and cluster IDs are uint64 on the wire, lease IDs int64; the engine
// keeps both as hex (ids.ts).
import type { ResponseHeader } from '../../engine/api/header.ts';
import type { MemberInfo } from '../../engine/api/cluster.ts';
import type { AlarmMember, AlarmResponse, StatusResponse } from '../../engine/api/maintenance.ts';
import type { AuthRoleGrantPermissionRequest, Permission } from '../../engine/auth/types.ts';
import type { LeaseTimeToLiveResponse } from '../../engine/lease/types.ts';
import { type Wire, headerToWire } from './codec-kv.ts';
import { leaseToWire, u64FromWire, u64ToWire } from './ids.ts';

const EMPTY = new Uint8Array(0);

function bytes(v: Wire): Uint8Array {
  return v instanceof Uint8Array ? v : EMPTY;
}

/** Any response whose only field is its header, plus those that add plain fields. */
export function withHeader(r: { header?: ResponseHeader }): Wire {
  return { ...r, header: headerToWire(r.header) };
}

// ---- Lease ----

export function leaseIdResponseToWire(r: { header?: ResponseHeader; ID: string }): Wire {
  return { ...r, header: headerToWire(r.header), ID: leaseToWire(r.ID) };
}

export function timeToLiveToWire(r: LeaseTimeToLiveResponse): Wire {
  return { header: headerToWire(r.header), ID: leaseToWire(r.ID), TTL: r.TTL, grantedTTL: r.grantedTTL, keys: r.keys };
}

// ---- Cluster ----

export function memberToWire(m: MemberInfo | undefined): Wire {
  if (!m) return null;
  return { ID: u64ToWire(m.ID), name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs, isLearner: m.isLearner };
}

export function membersToWire(r: { header: ResponseHeader; members: MemberInfo[]; member?: MemberInfo }): Wire {
  const out: Wire = { header: headerToWire(r.header), members: r.members.map(memberToWire) };
  if (r.member) out.member = memberToWire(r.member);
  return out;
}

// ---- Maintenance ----

export function statusToWire(r: StatusResponse): Wire {
  return { ...r, header: headerToWire(r.header), leader: u64ToWire(r.leader) };
}

function alarmMemberToWire(a: AlarmMember): Wire {
  return { memberID: u64ToWire(a.memberID), alarm: a.alarm };
}

/** etcd 3.4's applier answers alarms without a header (etcdctl alarm list -w json prints {}). */
export function alarmToWire(r: AlarmResponse): Wire {
  return { alarms: r.alarms.map(alarmMemberToWire) };
}

export function alarmFromWire(w: Wire): { action: Wire; memberID: string; alarm: Wire } {
  return { action: w.action ?? 'GET', memberID: u64FromWire(w.memberID), alarm: w.alarm ?? 'NONE' };
}

// ---- Auth ----

function permissionToWire(p: Permission): Wire {
  return { permType: p.permType, key: p.key, rangeEnd: p.rangeEnd };
}

export function roleGetToWire(r: { header?: ResponseHeader; perm: Permission[] }): Wire {
  return { header: headerToWire(r.header), perm: r.perm.map(permissionToWire) };
}

export function grantPermissionFromWire(w: Wire): AuthRoleGrantPermissionRequest {
  const p = w.perm ?? {};
  return { name: w.name ?? '', perm: { permType: p.permType ?? 'READ', key: bytes(p.key), rangeEnd: bytes(p.rangeEnd) } };
}

export function revokePermissionFromWire(w: Wire): { role: string; key: Uint8Array; rangeEnd: Uint8Array } {
  return { role: w.role ?? '', key: bytes(w.key), rangeEnd: bytes(w.rangeEnd) };
}
