// A call's credentials at the serving member (etcd 3.4 authStore.AuthInfoFromCtx
// with the simple token provider): the token a client sends with a call is
// resolved to the user it was issued to and the auth revision now. No token
// means nobody (permission checks then answer "user name is empty"); a token
// the member does not know is refused, even while auth is disabled, since a
// disable dropped every token (checked on etcd 3.4.23). A token names the
// raft index of its Authenticate entry, and etcd waits for the member to
// apply that index before looking it up, so a token fresh from another
// member still works here.
import type { RequestAuth, RequestError } from '../api/service.ts';
import { AuthError, ErrInvalidAuthToken } from '../auth/errors.ts';
import { simpleTokenIndex } from '../auth/simple-token.ts';
import { toApplyError } from './errors.ts';
import { fromApplyError } from './request-errors.ts';
import type { EtcdServer } from './server.ts';

export type TokenCallback = (err: RequestError | undefined, auth?: RequestAuth) => void;

function invalid(): RequestError {
  return fromApplyError(toApplyError(new AuthError(ErrInvalidAuthToken)));
}

/** How often a token lookup checks whether the member has applied the token's index. */
const INDEX_POLL_MS = 10;

/**
 * Resolves token on member s, then calls cb (synchronously when no wait is
 * needed; the call it guards answers from the event loop anyway).
 */
export function resolveToken(s: EtcdServer, token: string | undefined, cb: TokenCallback): void {
  if (token === undefined || token === '') return cb(undefined, undefined);
  const index = simpleTokenIndex(token);
  if (index === undefined) return cb(invalid());
  const deadline = s.now() + s.requestTimeout();
  const lookup = (): void => {
    // A stopped member answers through the call it guards (ErrStopped).
    if (s.stopped) return cb(undefined, undefined);
    const applied = s.node()?.applied ?? 0;
    if (applied < index) {
      if (s.now() >= deadline) return cb(invalid());
      s.after(INDEX_POLL_MS, lookup);
      return;
    }
    try {
      const ai = s.sm.auth.authInfoFromToken(token);
      cb(undefined, { username: ai.username, authRevision: ai.revision });
    } catch (e) {
      cb(fromApplyError(toApplyError(e)));
    }
  };
  lookup();
}

/**
 * The auth package's own error, as the Maintenance service returns it without
 * converting it to its rpctypes text: "auth: permission denied", code Unknown
 * (observed on etcd 3.4.23 for defragment, hash and hashkv).
 */
export function rawAuthError(err: RequestError): RequestError {
  return { message: err.message.replace(/^etcdserver: /, 'auth: '), code: 'Unknown' };
}

/**
 * The token's user right now, for a watch create (which cannot wait): null
 * when the token is not valid here (yet), undefined without a token.
 */
export function tokenAuthNow(s: EtcdServer, token: string | undefined): RequestAuth | null | undefined {
  if (token === undefined || token === '') return undefined;
  const index = simpleTokenIndex(token);
  if (index === undefined || (s.node()?.applied ?? 0) < index) return null;
  try {
    const ai = s.sm.auth.authInfoFromToken(token);
    return { username: ai.username, authRevision: ai.revision };
  } catch {
    return null;
  }
}
