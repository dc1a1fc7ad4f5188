// etcdserverpb.InternalRaftRequest (etcdserver/etcdserverpb/raft_internal.proto,
// etcd 3.4): what one raft entry carries. The serving member stamps a header
// (request ID, and who is asking at which auth revision) and sets exactly one
// request field; every member applies it. Field names are camelCase versions
// of the proto's; the obsolete v2 fields (ID, v2) are left out.
//
// IDs that are uint64 in etcd (the request ID, member IDs) are unpadded
// lower-case hex strings here, as raft's NodeId and the lease package's LeaseID
// already are: a JS number cannot hold every uint64, and strings serve as Map
// keys. The request ID comes from the member's idutil generator
// (lease/idgen.ts IdGenerator.next()), so it is deterministic per run.
import type {
  AuthDisableRequest,
  AuthEnableRequest,
  AuthRoleAddRequest,
  AuthRoleDeleteRequest,
  AuthRoleGetRequest,
  AuthRoleGrantPermissionRequest,
  AuthRoleListRequest,
  AuthRoleRevokePermissionRequest,
  AuthUserAddRequest,
  AuthUserChangePasswordRequest,
  AuthUserDeleteRequest,
  AuthUserGetRequest,
  AuthUserGrantRoleRequest,
  AuthUserListRequest,
  AuthUserRevokeRoleRequest,
  InternalAuthenticateRequest,
} from '../auth/types.ts';
import type { AlarmRequest } from '../api/maintenance.ts';
import type { LeaseCheckpointRequest, LeaseGrantRequest, LeaseRevokeRequest } from '../lease/types.ts';
import type { CompactionRequest, DeleteRangeRequest, PutRequest, RangeRequest, TxnRequest } from '../mvcc/rpc.ts';

/** A uint64 request ID as unpadded lower-case hex ('0' is "none"). */
export type RequestID = string;

/** etcdserverpb.RequestHeader. */
export interface RequestHeader {
  /** The serving member's request ID: the key its waiter (and the result map) uses. */
  ID: RequestID;
  /** Who sent the request ('' when auth is off or no token was given). */
  username: string;
  /** The auth store revision the sender was authorized at (0 with no user). */
  authRevision: number;
}

// ---- maintenance: alarms (rpc.proto AlarmRequest / AlarmResponse), shared with clients ----
export type { AlarmAction, AlarmMember, AlarmRequest, AlarmResponse, AlarmType } from '../api/maintenance.ts';

/** The request fields of InternalRaftRequest, by their names. Exactly one is set. */
export interface InternalRequests {
  range: RangeRequest;
  put: PutRequest;
  deleteRange: DeleteRangeRequest;
  txn: TxnRequest;
  compaction: CompactionRequest;
  leaseGrant: LeaseGrantRequest;
  leaseRevoke: LeaseRevokeRequest;
  alarm: AlarmRequest;
  leaseCheckpoint: LeaseCheckpointRequest;
  authEnable: AuthEnableRequest;
  authDisable: AuthDisableRequest;
  authenticate: InternalAuthenticateRequest;
  authUserAdd: AuthUserAddRequest;
  authUserDelete: AuthUserDeleteRequest;
  authUserGet: AuthUserGetRequest;
  authUserChangePassword: AuthUserChangePasswordRequest;
  authUserGrantRole: AuthUserGrantRoleRequest;
  authUserRevokeRole: AuthUserRevokeRoleRequest;
  authUserList: AuthUserListRequest;
  authRoleList: AuthRoleListRequest;
  authRoleAdd: AuthRoleAddRequest;
  authRoleDelete: AuthRoleDeleteRequest;
  authRoleGet: AuthRoleGetRequest;
  authRoleGrantPermission: AuthRoleGrantPermissionRequest;
  authRoleRevokePermission: AuthRoleRevokePermissionRequest;
}

export type RequestKind = keyof InternalRequests;

/** The proto's oneof-by-convention: every request field optional, exactly one set. */
export type InternalRaftRequest = { header: RequestHeader } & Partial<InternalRequests>;

/** Every request kind, in raft_internal.proto's field-number order. */
export const REQUEST_KINDS: readonly RequestKind[] = [
  'range',
  'put',
  'deleteRange',
  'txn',
  'compaction',
  'leaseGrant',
  'leaseRevoke',
  'alarm',
  'leaseCheckpoint',
  'authEnable',
  'authDisable',
  'authenticate',
  'authUserAdd',
  'authUserDelete',
  'authUserGet',
  'authUserChangePassword',
  'authUserGrantRole',
  'authUserRevokeRole',
  'authUserList',
  'authRoleList',
  'authRoleAdd',
  'authRoleDelete',
  'authRoleGet',
  'authRoleGrantPermission',
  'authRoleRevokePermission',
];

/** The one request field that is set; throws if none or several are. */
export function requestKind(r: InternalRaftRequest): RequestKind {
  let kind: RequestKind | undefined;
  for (const k of REQUEST_KINDS) {
    if (r[k] === undefined) continue;
    if (kind !== undefined) throw new Error(`internal raft request sets both ${kind} and ${k}`);
    kind = k;
  }
  if (kind === undefined) throw new Error('internal raft request sets no request');
  return kind;
}

/** A request as one member sends it: a header (no user) and one request field. */
export function internalRequest<K extends RequestKind>(
  ID: RequestID,
  kind: K,
  req: InternalRequests[K],
  auth: { username: string; authRevision: number } = { username: '', authRevision: 0 },
): InternalRaftRequest {
  return { header: { ID, username: auth.username, authRevision: auth.authRevision }, [kind]: req } as InternalRaftRequest;
}
