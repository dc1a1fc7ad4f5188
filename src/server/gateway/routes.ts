// etcd 3.4's gateway paths (the google.api.http options of its rpc.proto):
// every one is a POST whose body is the request message, routed to the same
// gRPC method a gRPC client reaches. HashKV has no path in 3.4.
import type { EtcdServiceName } from '../grpc/load.ts';

export interface GatewayRoute {
  readonly service: EtcdServiceName;
  readonly method: string;
}

const r = (service: EtcdServiceName, method: string): GatewayRoute => ({ service, method });

export const GATEWAY_ROUTES: ReadonlyMap<string, GatewayRoute> = new Map([
  ['/v3/kv/range', r('KV', 'Range')],
  ['/v3/kv/put', r('KV', 'Put')],
  ['/v3/kv/deleterange', r('KV', 'DeleteRange')],
  ['/v3/kv/txn', r('KV', 'Txn')],
  ['/v3/kv/compaction', r('KV', 'Compact')],
  ['/v3/watch', r('Watch', 'Watch')],
  ['/v3/lease/grant', r('Lease', 'LeaseGrant')],
  ['/v3/lease/revoke', r('Lease', 'LeaseRevoke')],
  ['/v3/kv/lease/revoke', r('Lease', 'LeaseRevoke')],
  ['/v3/lease/keepalive', r('Lease', 'LeaseKeepAlive')],
  ['/v3/lease/timetolive', r('Lease', 'LeaseTimeToLive')],
  ['/v3/kv/lease/timetolive', r('Lease', 'LeaseTimeToLive')],
  ['/v3/lease/leases', r('Lease', 'LeaseLeases')],
  ['/v3/kv/lease/leases', r('Lease', 'LeaseLeases')],
  ['/v3/cluster/member/add', r('Cluster', 'MemberAdd')],
  ['/v3/cluster/member/remove', r('Cluster', 'MemberRemove')],
  ['/v3/cluster/member/update', r('Cluster', 'MemberUpdate')],
  ['/v3/cluster/member/list', r('Cluster', 'MemberList')],
  ['/v3/cluster/member/promote', r('Cluster', 'MemberPromote')],
  ['/v3/maintenance/alarm', r('Maintenance', 'Alarm')],
  ['/v3/maintenance/status', r('Maintenance', 'Status')],
  ['/v3/maintenance/defragment', r('Maintenance', 'Defragment')],
  ['/v3/maintenance/hash', r('Maintenance', 'Hash')],
  ['/v3/maintenance/snapshot', r('Maintenance', 'Snapshot')],
  ['/v3/maintenance/transfer-leadership', r('Maintenance', 'MoveLeader')],
  ['/v3/auth/enable', r('Auth', 'AuthEnable')],
  ['/v3/auth/disable', r('Auth', 'AuthDisable')],
  ['/v3/auth/authenticate', r('Auth', 'Authenticate')],
  ['/v3/auth/user/add', r('Auth', 'UserAdd')],
  ['/v3/auth/user/get', r('Auth', 'UserGet')],
  ['/v3/auth/user/list', r('Auth', 'UserList')],
  ['/v3/auth/user/delete', r('Auth', 'UserDelete')],
  ['/v3/auth/user/changepw', r('Auth', 'UserChangePassword')],
  ['/v3/auth/user/grant', r('Auth', 'UserGrantRole')],
  ['/v3/auth/user/revoke', r('Auth', 'UserRevokeRole')],
  ['/v3/auth/role/add', r('Auth', 'RoleAdd')],
  ['/v3/auth/role/get', r('Auth', 'RoleGet')],
  ['/v3/auth/role/list', r('Auth', 'RoleList')],
  ['/v3/auth/role/delete', r('Auth', 'RoleDelete')],
  ['/v3/auth/role/grant', r('Auth', 'RoleGrantPermission')],
  ['/v3/auth/role/revoke', r('Auth', 'RoleRevokePermission')],
]);

/** gRPC status codes as grpc-gateway v1 (runtime.HTTPStatusFromCode) turns them into HTTP statuses. */
export const HTTP_STATUS_OF_CODE: Readonly<Record<number, number>> = {
  0: 200,
  1: 408,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 412,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};
