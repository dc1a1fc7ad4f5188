// Public surface of the auth store (etcd 3.4's auth package).
export * from './types.ts';
export * from './errors.ts';
export { AuthStore, ROOT_ROLE, ROOT_USER, type AuthStoreOptions } from './store.ts';
export { SimpleTokenProvider, SIMPLE_TOKEN_TTL_DEFAULT_MS, genTokenPrefix, simpleTokenIndex, type AuthClock } from './simple-token.ts';
export { checkPassword, hashPassword } from './password.ts';
export {
  RangePermCache,
  getMergedPerms,
  isRangeOpPermitted,
  type PermissionCheck,
  type UnifiedRangePermissions,
} from './range-perm-cache.ts';
export { compareAffine, compareBytes, covers, intersects, overlaps, pointInterval, type KeyInterval } from './interval.ts';
export {
  checkDeleteRangeAuth,
  checkLeaseKeysAuth,
  checkPutAuth,
  checkRangeAuth,
  checkTxnAuth,
  isWatchPermitted,
  type CompareLike,
  type DeleteRangeRequestLike,
  type PutRequestLike,
  type RangeRequestLike,
  type RequestOpLike,
  type TxnAuthOptions,
  type TxnRequestLike,
} from './request-perm.ts';
export { decodeAuthState, encodeAuthState, type AuthState } from './snapshot.ts';
