// The auth store's data, shaped like etcd 3.4's authpb (auth/authpb/auth.proto) and the
// Auth* messages of etcdserverpb (etcdserver/etcdserverpb/rpc.proto), in camelCase.
// Protobuf `bytes` are Uint8Array; protobuf enums are their names as string literals.
// The auth store leaves headers unset and the server fills them (in etcd the header
// revision of an auth response is the KV store's revision, not the auth store's).
import type { ResponseHeader } from '../api/header.ts';

// ---------------------------------------------------------------------------------------
// authpb

/** authpb.Permission.Type: READ = 0, WRITE = 1, READWRITE = 2. */
export type PermissionType = 'READ' | 'WRITE' | 'READWRITE';

/**
 * authpb.Permission: access to the key range [key, rangeEnd). An empty rangeEnd means the
 * single key; rangeEnd "\0" means every key >= key (etcdctl's --from-key, and --prefix of "").
 */
export interface Permission {
  permType: PermissionType;
  key: Uint8Array;
  rangeEnd: Uint8Array;
}

/** authpb.UserAddOptions. */
export interface UserAddOptions {
  /** A user that can never authenticate with a password (etcd 3.4's `user add --no-password`). */
  noPassword: boolean;
}

/** authpb.User, as stored in etcd's authUsers bucket. */
export interface User {
  name: string;
  /** The hashed password (etcd: bcrypt; here a salted SHA-256, see password.ts); empty for noPassword users. */
  password: Uint8Array;
  /** Sorted byte-wise, like etcd (hasRootRole binary-searches it). */
  roles: string[];
  options: UserAddOptions;
}

/** authpb.Role: permissions kept sorted by key (etcd sorts on key only, stably). */
export interface Role {
  name: string;
  keyPermission: Permission[];
}

// ---------------------------------------------------------------------------------------
// etcdserverpb

/** Every Auth*Response carries an optional header, filled in by the server. */
export interface AuthResponseBase {
  header?: ResponseHeader;
}

/** auth.AuthInfo: who a request runs as, and the auth store revision it was authorized at. */
export interface AuthInfo {
  username: string;
  /** 0 means "no user given" (etcd's empty AuthInfo{}): permission checks answer ErrUserEmpty. */
  revision: number;
}

export type AuthEnableRequest = Record<string, never>;
export type AuthEnableResponse = AuthResponseBase;
export type AuthDisableRequest = Record<string, never>;
export type AuthDisableResponse = AuthResponseBase;

export interface AuthenticateRequest {
  name: string;
  password: string;
}

/**
 * etcdserverpb.InternalAuthenticateRequest: what goes through raft after the password was
 * checked at the API layer. The password stays out of the log; simpleToken is the random
 * prefix the serving member generated.
 */
export interface InternalAuthenticateRequest {
  name: string;
  simpleToken: string;
}

export interface AuthenticateResponse extends AuthResponseBase {
  token: string;
}

export interface AuthUserAddRequest {
  name: string;
  password: string;
  options?: UserAddOptions;
}
export type AuthUserAddResponse = AuthResponseBase;

export interface AuthUserGetRequest {
  name: string;
}
export interface AuthUserGetResponse extends AuthResponseBase {
  roles: string[];
}

export type AuthUserListRequest = Record<string, never>;
export interface AuthUserListResponse extends AuthResponseBase {
  users: string[];
}

export interface AuthUserDeleteRequest {
  name: string;
}
export type AuthUserDeleteResponse = AuthResponseBase;

export interface AuthUserChangePasswordRequest {
  name: string;
  password: string;
}
export type AuthUserChangePasswordResponse = AuthResponseBase;

export interface AuthUserGrantRoleRequest {
  user: string;
  role: string;
}
export type AuthUserGrantRoleResponse = AuthResponseBase;

export interface AuthUserRevokeRoleRequest {
  name: string;
  role: string;
}
export type AuthUserRevokeRoleResponse = AuthResponseBase;

export interface AuthRoleAddRequest {
  name: string;
}
export type AuthRoleAddResponse = AuthResponseBase;

export interface AuthRoleGetRequest {
  role: string;
}
export interface AuthRoleGetResponse extends AuthResponseBase {
  perm: Permission[];
}

export type AuthRoleListRequest = Record<string, never>;
export interface AuthRoleListResponse extends AuthResponseBase {
  roles: string[];
}

export interface AuthRoleDeleteRequest {
  role: string;
}
export type AuthRoleDeleteResponse = AuthResponseBase;

/**
 * perm is required: etcd 3.4.23 dereferences a missing perm and the member panics while
 * applying the entry (observed with the JSON gateway); 3.5 answers "permission not given".
 */
export interface AuthRoleGrantPermissionRequest {
  name: string;
  perm: Permission;
}
export type AuthRoleGrantPermissionResponse = AuthResponseBase;

export interface AuthRoleRevokePermissionRequest {
  role: string;
  key: Uint8Array;
  /** Must equal the granted permission's rangeEnd exactly (empty for a single key). */
  rangeEnd: Uint8Array;
}
export type AuthRoleRevokePermissionResponse = AuthResponseBase;
