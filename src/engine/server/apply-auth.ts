// The auth half of etcd's applier: auth management requests applied to the
// AuthStore (applierV3backend's Auth*/User*/Role* methods), and the admin
// checks authApplierV3 adds in front of them (etcdserver/apply_auth.go, 3.4).
// Store refusals are thrown as AuthError; the applier answers with them.
import type { AuthStore } from '../auth/store.ts';
import type * as pb from '../auth/types.ts';
import type { InternalRaftRequest } from './internal.ts';

/** Any Auth* response (the applier sets their header). */
export type AuthResponse =
  | pb.AuthEnableResponse
  | pb.AuthDisableResponse
  | pb.AuthenticateResponse
  | pb.AuthUserAddResponse
  | pb.AuthUserDeleteResponse
  | pb.AuthUserGetResponse
  | pb.AuthUserChangePasswordResponse
  | pb.AuthUserGrantRoleResponse
  | pb.AuthUserRevokeRoleResponse
  | pb.AuthUserListResponse
  | pb.AuthRoleAddResponse
  | pb.AuthRoleDeleteResponse
  | pb.AuthRoleGetResponse
  | pb.AuthRoleGrantPermissionResponse
  | pb.AuthRoleRevokePermissionResponse
  | pb.AuthRoleListResponse;

/**
 * etcd's needAdminPermission: requests only a root-role user may apply while
 * auth is on. User get and role get are not in it: they have their own
 * check, which lets users read themselves and their own roles.
 */
export function needAdminPermission(r: InternalRaftRequest): boolean {
  return (
    r.authEnable !== undefined ||
    r.authDisable !== undefined ||
    r.authUserAdd !== undefined ||
    r.authUserDelete !== undefined ||
    r.authUserChangePassword !== undefined ||
    r.authUserGrantRole !== undefined ||
    r.authUserRevokeRole !== undefined ||
    r.authRoleAdd !== undefined ||
    r.authRoleGrantPermission !== undefined ||
    r.authRoleRevokePermission !== undefined ||
    r.authRoleDelete !== undefined ||
    r.authUserList !== undefined ||
    r.authRoleList !== undefined
  );
}

/** Whether r is an auth request this module applies. */
export function isAuthRequest(r: InternalRaftRequest): boolean {
  return needAdminPermission(r) || r.authenticate !== undefined || r.authUserGet !== undefined || r.authRoleGet !== undefined;
}

/**
 * Applies an auth request. `checked` says whether authApplierV3 is in the
 * applier chain (it is not while an alarm raised at run time is in force),
 * which decides whether user get and role get check the caller. `index` is
 * the entry's raft index, which a simple token carries.
 */
export function applyAuth(as: AuthStore, r: InternalRaftRequest, ai: pb.AuthInfo, checked: boolean, index: number): AuthResponse {
  if (r.authEnable) return as.authEnable();
  // etcd ignores AuthDisable's outcome: disabling twice is fine.
  if (r.authDisable) return as.authDisable();
  if (r.authenticate) return as.authenticate(r.authenticate, index);
  if (r.authUserAdd) return as.userAdd(r.authUserAdd);
  if (r.authUserDelete) return as.userDelete(r.authUserDelete);
  if (r.authUserChangePassword) return as.userChangePassword(r.authUserChangePassword);
  if (r.authUserGrantRole) return as.userGrantRole(r.authUserGrantRole);
  if (r.authUserRevokeRole) return as.userRevokeRole(r.authUserRevokeRole);
  if (r.authUserList) return as.userList();
  if (r.authRoleAdd) return as.roleAdd(r.authRoleAdd);
  if (r.authRoleDelete) return as.roleDelete(r.authRoleDelete);
  if (r.authRoleGrantPermission) return as.roleGrantPermission(r.authRoleGrantPermission);
  if (r.authRoleRevokePermission) return as.roleRevokePermission(r.authRoleRevokePermission);
  if (r.authRoleList) return as.roleList();
  if (r.authUserGet) {
    // A user may read itself without admin rights.
    const err = checked ? as.isAdminPermitted(ai) : null;
    if (err && r.authUserGet.name !== ai.username) throw err;
    return as.userGet(r.authUserGet);
  }
  if (r.authRoleGet) {
    // A user may read a role it holds without admin rights.
    const err = checked ? as.isAdminPermitted(ai) : null;
    if (err && !as.hasRole(ai.username, r.authRoleGet.role)) throw err;
    return as.roleGet(r.authRoleGet);
  }
  throw new Error('applyAuth: not an auth request');
}
