// etcd 3.4's auth store (auth/store.go): users, roles and their key permissions, the
// enabled flag, simple tokens, and the auth revision that every change bumps so requests
// authorized against an older auth state are refused (ErrAuthOldRevision).
//
// Management calls run where etcd runs them, when a raft entry is applied, and throw an
// AuthError with etcd's exact text. Permission checks return the AuthError (or null when
// permitted), as etcd's return an error, because callers answer with it rather than fail.
// Which caller may manage auth (isAdminPermitted) is for the server to enforce, as in etcd.

import type { Prng } from '../util/prng.ts';
import { utf8 } from '../util/bytes.ts';
import {
  AuthError,
  ErrAuthFailed,
  ErrAuthNotEnabled,
  ErrAuthOldRevision,
  ErrInvalidAuthMgmt,
  ErrInvalidAuthToken,
  ErrNoPasswordUser,
  ErrPermissionDenied,
  ErrPermissionNotGranted,
  ErrRoleAlreadyExist,
  ErrRoleEmpty,
  ErrRoleNotFound,
  ErrRoleNotGranted,
  ErrRootRoleNotExist,
  ErrRootUserNotExist,
  ErrUserAlreadyExist,
  ErrUserEmpty,
  ErrUserNotFound,
} from './errors.ts';
import { compareBytes } from './interval.ts';
import { checkPassword, hashPassword } from './password.ts';
import { isRangeOpPermitted, RangePermCache, type PermissionCheck } from './range-perm-cache.ts';
import { SimpleTokenProvider, genTokenPrefix, type AuthClock } from './simple-token.ts';
import { decodeAuthState, encodeAuthState } from './snapshot.ts';
import type * as pb from './types.ts';
import type { AuthInfo, Permission, Role, User } from './types.ts';

export const ROOT_USER = 'root';
export const ROOT_ROLE = 'root';

export interface AuthStoreOptions {
  /** Salts for password hashes and simple-token letters; give each member its own fork. */
  prng: Prng;
  /** Virtual time for simple-token TTLs. */
  clock: AuthClock;
  /** etcd's --auth-token-ttl in ms (default 300 s). */
  tokenTtlMs?: number;
}

/** Go's string order (byte-wise over UTF-8), which etcd's sorted roles and bucket listings use. */
function compareNames(a: string, b: string): number {
  return compareBytes(utf8(a), utf8(b));
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return compareBytes(a, b) === 0;
}

function copyPerm(p: Permission): Permission {
  return { permType: p.permType, key: p.key.slice(), rangeEnd: p.rangeEnd.slice() };
}

function copyUser(u: User): User {
  return { name: u.name, password: u.password.slice(), roles: [...u.roles], options: { ...u.options } };
}

function copyRole(r: Role): Role {
  return { name: r.name, keyPermission: r.keyPermission.map(copyPerm) };
}

function hasRootRole(u: User): boolean {
  return u.roles.includes(ROOT_ROLE);
}

export class AuthStore {
  private enabled = false;
  /** A fresh etcd auth store commits revision 1 at creation (observed on etcd 3.4.23). */
  private rev = 1;
  private readonly users = new Map<string, User>();
  private readonly roles = new Map<string, Role>();
  private readonly permCache = new RangePermCache();
  private readonly tokens: SimpleTokenProvider;
  private readonly prng: Prng;

  constructor(opts: AuthStoreOptions) {
    this.prng = opts.prng;
    this.tokens = new SimpleTokenProvider(opts.clock, opts.tokenTtlMs);
  }

  isAuthEnabled(): boolean {
    return this.enabled;
  }

  /** The auth revision: bumped by every change except enabling and no-op grants. */
  revision(): number {
    return this.rev;
  }

  /** Every auth change: bump the revision and drop cached merged permissions. */
  private commitRevision(): void {
    this.rev++;
    this.permCache.clear();
  }

  // ---- enable / disable -------------------------------------------------------------

  /** Needs a root user holding the root role; enabling twice is a no-op. Does not bump the revision. */
  authEnable(): pb.AuthEnableResponse {
    if (this.enabled) return {};
    const root = this.users.get(ROOT_USER);
    if (!root) throw new AuthError(ErrRootUserNotExist);
    if (!hasRootRole(root)) throw new AuthError(ErrRootRoleNotExist);
    this.enabled = true;
    this.tokens.enable();
    this.permCache.clear();
    return {};
  }

  /** Invalidates every token; disabling twice is a no-op. */
  authDisable(): pb.AuthDisableResponse {
    if (!this.enabled) return {};
    this.enabled = false;
    this.commitRevision();
    this.tokens.disable();
    return {};
  }

  // ---- authentication ---------------------------------------------------------------

  /**
   * CheckPassword, run by the serving member before proposing an Authenticate entry.
   * Returns the auth revision it checked against (etcd retries if it moved meanwhile).
   */
  checkPassword(name: string, password: string): number {
    if (!this.enabled) throw new AuthError(ErrAuthNotEnabled);
    const user = this.users.get(name);
    if (!user) throw new AuthError(ErrAuthFailed);
    if (user.options.noPassword) throw new AuthError(ErrNoPasswordUser);
    if (!checkPassword(user.password, password)) throw new AuthError(ErrAuthFailed);
    return this.rev;
  }

  /** GenTokenPrefix: the random half of a simple token, drawn by the serving member. */
  genTokenPrefix(): string {
    return genTokenPrefix(this.prng);
  }

  /** Authenticate, applied from the raft entry at `index`: records "<simpleToken>.<index>" for the user. */
  authenticate(r: pb.InternalAuthenticateRequest, index: number): pb.AuthenticateResponse {
    if (!this.enabled) throw new AuthError(ErrAuthNotEnabled);
    const user = this.users.get(r.name);
    if (!user || user.options.noPassword) throw new AuthError(ErrAuthFailed);
    return { token: this.tokens.assign(r.name, r.simpleToken, index) };
  }

  /**
   * The user behind a token, at the current auth revision. Unknown, expired or malformed
   * tokens are ErrInvalidAuthToken, even while auth is disabled (etcd 3.4 still looks a
   * sent token up then; disabling dropped them all).
   */
  authInfoFromToken(token: string): AuthInfo {
    const username = this.tokens.info(token);
    if (username === undefined) throw new AuthError(ErrInvalidAuthToken);
    return { username, revision: this.rev };
  }

  /** The TTL keeper's sweep (lookups also expire lazily); returns how many tokens went. */
  expireTokens(): number {
    return this.tokens.expire();
  }

  // ---- users ------------------------------------------------------------------------

  userAdd(r: pb.AuthUserAddRequest): pb.AuthUserAddResponse {
    if (r.name.length === 0) throw new AuthError(ErrUserEmpty);
    if (this.users.has(r.name)) throw new AuthError(ErrUserAlreadyExist);
    const noPassword = r.options?.noPassword === true;
    this.users.set(r.name, {
      name: r.name,
      password: noPassword ? new Uint8Array(0) : hashPassword(r.password, this.prng),
      roles: [],
      options: { noPassword },
    });
    this.commitRevision();
    return {};
  }

  /** The root user cannot be deleted while auth is enabled. Drops the user's tokens. */
  userDelete(r: pb.AuthUserDeleteRequest): pb.AuthUserDeleteResponse {
    if (this.enabled && r.name === ROOT_USER) throw new AuthError(ErrInvalidAuthMgmt);
    if (!this.users.delete(r.name)) throw new AuthError(ErrUserNotFound);
    this.commitRevision();
    this.tokens.invalidateUser(r.name);
    return {};
  }

  /** Keeps roles and options (a noPassword user stays one); drops the user's tokens. */
  userChangePassword(r: pb.AuthUserChangePasswordRequest): pb.AuthUserChangePasswordResponse {
    const user = this.users.get(r.name);
    if (!user) throw new AuthError(ErrUserNotFound);
    user.password = hashPassword(r.password, this.prng);
    this.commitRevision();
    this.tokens.invalidateUser(r.name);
    return {};
  }

  /** The root role may be granted before it exists; granting a held role changes nothing. */
  userGrantRole(r: pb.AuthUserGrantRoleRequest): pb.AuthUserGrantRoleResponse {
    const user = this.users.get(r.user);
    if (!user) throw new AuthError(ErrUserNotFound);
    if (r.role !== ROOT_ROLE && !this.roles.has(r.role)) throw new AuthError(ErrRoleNotFound);
    if (user.roles.includes(r.role)) return {};
    user.roles = [...user.roles, r.role].sort(compareNames);
    this.commitRevision();
    return {};
  }

  userGet(r: pb.AuthUserGetRequest): pb.AuthUserGetResponse {
    const user = this.users.get(r.name);
    if (!user) throw new AuthError(ErrUserNotFound);
    return { roles: [...user.roles] };
  }

  userList(): pb.AuthUserListResponse {
    return { users: [...this.users.keys()].sort(compareNames) };
  }

  /** The root user cannot lose the root role while auth is enabled. */
  userRevokeRole(r: pb.AuthUserRevokeRoleRequest): pb.AuthUserRevokeRoleResponse {
    if (this.enabled && r.name === ROOT_USER && r.role === ROOT_ROLE) throw new AuthError(ErrInvalidAuthMgmt);
    const user = this.users.get(r.name);
    if (!user) throw new AuthError(ErrUserNotFound);
    if (!user.roles.includes(r.role)) throw new AuthError(ErrRoleNotGranted);
    user.roles = user.roles.filter((role) => role !== r.role);
    this.commitRevision();
    return {};
  }

  // ---- roles ------------------------------------------------------------------------

  roleAdd(r: pb.AuthRoleAddRequest): pb.AuthRoleAddResponse {
    if (r.name.length === 0) throw new AuthError(ErrRoleEmpty);
    if (this.roles.has(r.name)) throw new AuthError(ErrRoleAlreadyExist);
    this.roles.set(r.name, { name: r.name, keyPermission: [] });
    this.commitRevision();
    return {};
  }

  /** The role's stored permissions (etcd 3.4 shows none for root: its power is implicit). */
  roleGet(r: pb.AuthRoleGetRequest): pb.AuthRoleGetResponse {
    const role = this.roles.get(r.role);
    if (!role) throw new AuthError(ErrRoleNotFound);
    return { perm: role.keyPermission.map(copyPerm) };
  }

  roleList(): pb.AuthRoleListResponse {
    return { roles: [...this.roles.keys()].sort(compareNames) };
  }

  /** The root role cannot be deleted while auth is enabled. Users holding the role lose it. */
  roleDelete(r: pb.AuthRoleDeleteRequest): pb.AuthRoleDeleteResponse {
    if (this.enabled && r.role === ROOT_ROLE) throw new AuthError(ErrInvalidAuthMgmt);
    if (!this.roles.delete(r.role)) throw new AuthError(ErrRoleNotFound);
    for (const user of this.users.values()) {
      if (user.roles.includes(r.role)) user.roles = user.roles.filter((role) => role !== r.role);
    }
    this.commitRevision();
    return {};
  }

  /**
   * Adds a permission, or changes the type of an equal one. Like etcd, only the first
   * permission whose key is >= the new key is compared, so with two grants on one key
   * ([a, b) then [a, c)) re-granting [a, c) appends a duplicate (observed on 3.4.23).
   * Ranges are not validated: 3.4.23 accepts an empty key and rangeEnd < key.
   */
  roleGrantPermission(r: pb.AuthRoleGrantPermissionRequest): pb.AuthRoleGrantPermissionResponse {
    const role = this.roles.get(r.name);
    if (!role) throw new AuthError(ErrRoleNotFound);
    const perms = role.keyPermission;
    const idx = perms.findIndex((p) => compareBytes(p.key, r.perm.key) >= 0);
    const at = idx < 0 ? undefined : perms[idx];
    if (at && bytesEqual(at.key, r.perm.key) && bytesEqual(at.rangeEnd, r.perm.rangeEnd)) {
      at.permType = r.perm.permType;
    } else {
      perms.push(copyPerm(r.perm));
      // Array.prototype.sort is stable, as Go's insertion sort is for etcd's short lists.
      perms.sort((a, b) => compareBytes(a.key, b.key));
    }
    this.commitRevision();
    return {};
  }

  /** Removes every permission with exactly this key and rangeEnd. */
  roleRevokePermission(r: pb.AuthRoleRevokePermissionRequest): pb.AuthRoleRevokePermissionResponse {
    const role = this.roles.get(r.role);
    if (!role) throw new AuthError(ErrRoleNotFound);
    const kept = role.keyPermission.filter((p) => !bytesEqual(p.key, r.key) || !bytesEqual(p.rangeEnd, r.rangeEnd));
    if (kept.length === role.keyPermission.length) throw new AuthError(ErrPermissionNotGranted);
    role.keyPermission = kept;
    this.commitRevision();
    return {};
  }

  // ---- permission checks ------------------------------------------------------------

  /**
   * isOpPermitted. null = permitted. With auth disabled everything is. No user (null or
   * revision 0) is ErrUserEmpty; an AuthInfo from before the latest auth change is
   * ErrAuthOldRevision; a vanished user is ErrPermissionDenied; root-role holders pass.
   */
  private isOpPermitted(ai: AuthInfo | null, key: Uint8Array, rangeEnd: Uint8Array, check: PermissionCheck): AuthError | null {
    if (!this.enabled) return null;
    if (!ai || ai.revision === 0) return new AuthError(ErrUserEmpty);
    if (ai.revision < this.rev) return new AuthError(ErrAuthOldRevision);
    const user = this.users.get(ai.username);
    if (!user) return new AuthError(ErrPermissionDenied);
    if (hasRootRole(user)) return null;
    const perms = this.permCache.get(user, (name) => this.roles.get(name));
    return isRangeOpPermitted(perms, key, rangeEnd, check) ? null : new AuthError(ErrPermissionDenied);
  }

  isPutPermitted(ai: AuthInfo | null, key: Uint8Array): AuthError | null {
    return this.isOpPermitted(ai, key, new Uint8Array(0), 'WRITE');
  }

  /** rangeEnd: empty for one key, "\0" for every key >= key. */
  isRangePermitted(ai: AuthInfo | null, key: Uint8Array, rangeEnd: Uint8Array = new Uint8Array(0)): AuthError | null {
    return this.isOpPermitted(ai, key, rangeEnd, 'READ');
  }

  isDeleteRangePermitted(ai: AuthInfo | null, key: Uint8Array, rangeEnd: Uint8Array = new Uint8Array(0)): AuthError | null {
    return this.isOpPermitted(ai, key, rangeEnd, 'WRITE');
  }

  /** Auth management, member and maintenance calls need the root role (no revision check, as in etcd). */
  isAdminPermitted(ai: AuthInfo | null): AuthError | null {
    if (!this.enabled) return null;
    if (!ai || ai.username === '') return new AuthError(ErrUserEmpty);
    const user = this.users.get(ai.username);
    if (!user) return new AuthError(ErrUserNotFound);
    return hasRootRole(user) ? null : new AuthError(ErrPermissionDenied);
  }

  hasRole(username: string, role: string): boolean {
    return this.users.get(username)?.roles.includes(role) ?? false;
  }

  // ---- persistence ------------------------------------------------------------------

  /** Users, roles, the enabled flag and the revision; tokens stay in memory, as in etcd. */
  snapshot(): Uint8Array {
    return encodeAuthState({
      enabled: this.enabled,
      revision: this.rev,
      users: [...this.users.values()].map(copyUser),
      roles: [...this.roles.values()].map(copyRole),
    });
  }

  /**
   * Recover from a snapshot. Tokens already issued here survive if auth stays enabled
   * (etcd keeps its in-memory tokens too); restoring a disabled state drops them.
   */
  restore(bytes: Uint8Array): void {
    const state = decodeAuthState(bytes);
    this.users.clear();
    this.roles.clear();
    for (const u of state.users) this.users.set(u.name, { ...u, roles: [...u.roles].sort(compareNames) });
    for (const r of state.roles) this.roles.set(r.name, r);
    this.enabled = state.enabled;
    this.rev = state.revision;
    this.permCache.clear();
    if (this.enabled) this.tokens.enable();
    else this.tokens.disable();
  }
}
