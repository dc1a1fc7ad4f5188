// Auth errors as clients see them: etcd 3.4's rpctypes texts (api/v3rpc/rpctypes/error.go)
// with their gRPC codes, so the server can answer exactly as etcd does. Each was checked
// against a real etcd 3.4.23 (etcdctl and the JSON gateway).

/** The gRPC status codes auth errors use. */
export type AuthErrorCode =
  | 'FailedPrecondition'
  | 'InvalidArgument'
  | 'PermissionDenied'
  | 'Unauthenticated'
  | 'Unknown';

export const ErrRootUserNotExist = 'etcdserver: root user does not exist';
export const ErrRootRoleNotExist = 'etcdserver: root user does not have root role';
export const ErrUserAlreadyExist = 'etcdserver: user name already exists';
export const ErrUserEmpty = 'etcdserver: user name is empty';
export const ErrUserNotFound = 'etcdserver: user name not found';
export const ErrRoleAlreadyExist = 'etcdserver: role name already exists';
export const ErrRoleNotFound = 'etcdserver: role name not found';
export const ErrRoleEmpty = 'etcdserver: role name is empty';
export const ErrAuthFailed = 'etcdserver: authentication failed, invalid user ID or password';
export const ErrPermissionDenied = 'etcdserver: permission denied';
export const ErrRoleNotGranted = 'etcdserver: role is not granted to the user';
export const ErrPermissionNotGranted = 'etcdserver: permission is not granted to the role';
export const ErrAuthNotEnabled = 'etcdserver: authentication is not enabled';
export const ErrInvalidAuthToken = 'etcdserver: invalid auth token';
export const ErrInvalidAuthMgmt = 'etcdserver: invalid auth management';
export const ErrAuthOldRevision = 'etcdserver: revision of auth store is old';
/**
 * etcd 3.4 has no rpctypes entry for this one, so gRPC passes the auth package's own text
 * through with code Unknown (observed: `Error: rpc error: code = Unknown desc = auth: ...`).
 */
export const ErrNoPasswordUser = 'auth: authentication failed, password was given for no password user';

const CODES: Record<string, AuthErrorCode> = {
  [ErrRootUserNotExist]: 'FailedPrecondition',
  [ErrRootRoleNotExist]: 'FailedPrecondition',
  [ErrUserAlreadyExist]: 'FailedPrecondition',
  [ErrUserEmpty]: 'InvalidArgument',
  [ErrUserNotFound]: 'FailedPrecondition',
  [ErrRoleAlreadyExist]: 'FailedPrecondition',
  [ErrRoleNotFound]: 'FailedPrecondition',
  [ErrRoleEmpty]: 'InvalidArgument',
  [ErrAuthFailed]: 'InvalidArgument',
  [ErrPermissionDenied]: 'PermissionDenied',
  [ErrRoleNotGranted]: 'FailedPrecondition',
  [ErrPermissionNotGranted]: 'FailedPrecondition',
  [ErrAuthNotEnabled]: 'FailedPrecondition',
  [ErrInvalidAuthToken]: 'Unauthenticated',
  [ErrInvalidAuthMgmt]: 'InvalidArgument',
  [ErrAuthOldRevision]: 'InvalidArgument',
  [ErrNoPasswordUser]: 'Unknown',
};

/** An auth store refusal: message is etcd's exact text, code its gRPC status code. */
export class AuthError extends Error {
  readonly code: AuthErrorCode;

  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
    this.code = CODES[message] ?? 'Unknown';
  }
}
