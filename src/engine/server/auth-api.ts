// The Auth service at the serving member (etcd 3.4 v3_server.go): every call
// but Authenticate is a raft request applied by every member (apply-auth.ts
// checks who may make it). Authenticate checks the password here first, so it
// never enters the log, then proposes the user and a fresh token prefix; the
// applied entry's index completes the token "<prefix>.<index>". Also the
// admin check that membership changes and some maintenance calls make at the
// API layer (checkMembershipOperationPermission, authMaintenanceServer).
import type { RequestAuth, RequestError } from '../api/service.ts';
import type { AuthenticateRequest, AuthenticateResponse } from '../auth/types.ts';
import { unavailable } from './cluster-api.ts';
import { toApplyError } from './errors.ts';
import type { InternalRequests, RequestKind } from './internal.ts';
import { type Callback, ErrStopped, fromApplyError } from './request-errors.ts';
import type { EtcdServer } from './server.ts';

/** The auth request kinds a client may send (Authenticate has its own path). */
export type AuthRequestKind = Exclude<Extract<RequestKind, `auth${string}`>, 'authenticate'>;

/** An auth management call: through raft as the token's user (learners refuse it). */
export function authRequest<K extends AuthRequestKind>(
  s: EtcdServer,
  kind: K,
  req: InternalRequests[K],
  cb: Callback<unknown>,
  auth?: RequestAuth,
  deadline?: number,
): void {
  if (unavailable(s, () => authRequest(s, kind, req, cb, auth, deadline), cb)) return;
  s.raftRequest(kind, req, cb, auth, deadline);
}

/**
 * Authenticate: waits for a linearizable read point, checks the password
 * against this member's auth store, then proposes. If the auth store changed
 * between the check and the apply (a password change, say), it checks again.
 */
export function authenticate(s: EtcdServer, r: AuthenticateRequest, cb: Callback<AuthenticateResponse>): void {
  if (unavailable(s, () => authenticate(s, r, cb), cb)) return;
  s.linearizableReadNotify((err) => {
    if (err) return s.complete(cb, err);
    if (s.stopped) return s.fail(cb, ErrStopped);
    let checked: number;
    try {
      checked = s.sm.auth.checkPassword(r.name, r.password);
    } catch (e) {
      return s.complete(cb, fromApplyError(toApplyError(e)));
    }
    const simpleToken = s.sm.auth.genTokenPrefix();
    s.raftRequest('authenticate', { name: r.name, simpleToken }, (err2, resp) => {
      if (err2) return cb(err2);
      if (checked !== s.sm.auth.revision()) return authenticate(s, r, cb);
      cb(undefined, resp as AuthenticateResponse);
    });
  });
}

/** IsAdminPermitted for the caller (the root role, or auth off); its rpctypes error otherwise. */
export function adminError(s: EtcdServer, auth: RequestAuth | undefined): RequestError | undefined {
  const err = s.sm.auth.isAdminPermitted({ username: auth?.username ?? '', revision: auth?.authRevision ?? 0 });
  return err ? fromApplyError(toApplyError(err)) : undefined;
}
