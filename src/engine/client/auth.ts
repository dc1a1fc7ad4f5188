// clientv3's credentials (3.4 client.go dial/getToken): a client given a user
// name and a password authenticates before its first call and sends the
// token with every call after. getToken asks the endpoints in order and
// stops at the first that answers with a token; "authentication is not
// enabled" ends the search at once, and the client then calls without a
// token (etcdctl warns and goes on). Any other refusal (a wrong password)
// moves on to the next endpoint and, if none gives a token, is the error.
// When a call is refused with "invalid auth token" (the token expired, its
// user changed password, auth was disabled and enabled again) the call path
// fetches a new token once and retries (retry_interceptor.go).
import { type EtcdService, type RequestError, ErrDeadlineExceeded } from '../api/service.ts';
import type { AuthenticateResponse } from '../auth/types.ts';
import { ErrAuthNotEnabled } from '../auth/errors.ts';

/** What the token source needs of its client. */
export interface TokenHost {
  readonly endpoints: readonly string[];
  now(): number;
  after(ms: number, fn: () => void): void;
  /** A connection to endpoint i's member, if it is up. */
  connectAt(i: number): EtcdService | undefined;
}

/** How long getToken waits before asking again when no endpoint is up. */
const NO_ENDPOINT_RETRY_MS = 25;

export class ClientCredentials {
  /** The token sent with each call, once authenticated. */
  token: string | undefined;
  /** Whether the client dialed (authenticated, or learned auth is off). */
  private didDial = false;

  get dialed(): boolean {
    return this.didDial;
  }

  constructor(
    private readonly host: TokenHost,
    readonly username: string,
    private readonly password: string,
  ) {}

  /**
   * The dial: authenticates unless done already; auth being disabled is no
   * failure (warning says so). done(err) when the client cannot dial.
   */
  dial(deadline: number, done: (err: RequestError | undefined, warning?: RequestError) => void): void {
    if (this.didDial) return done(undefined);
    this.getToken(deadline, (err) => {
      if (err && err.message !== ErrAuthNotEnabled) return done(err);
      this.didDial = true;
      done(undefined, err);
    });
  }

  /** getToken: a new token from the first endpoint that gives one. */
  getToken(deadline: number, done: (err: RequestError | undefined) => void): void {
    const h = this.host;
    let finished = false;
    const finish = (err: RequestError | undefined): void => {
      if (finished) return;
      finished = true;
      done(err);
    };
    h.after(Math.max(0, deadline - h.now()), () => finish({ message: ErrDeadlineExceeded, code: 'DeadlineExceeded' }));
    let last: RequestError | undefined;
    let reached = false;
    const tryAt = (i: number): void => {
      if (finished) return;
      if (i >= h.endpoints.length) {
        if (reached) return finish(last);
        // Nothing answered: gRPC keeps dialing until the deadline.
        h.after(NO_ENDPOINT_RETRY_MS, () => tryAt(0));
        return;
      }
      const s = h.connectAt(i);
      if (!s) return tryAt(i + 1);
      s.authenticate({ name: this.username, password: this.password }, (err, resp?: AuthenticateResponse) => {
        if (finished) return;
        if (!err) {
          this.token = resp!.token;
          return finish(undefined);
        }
        if (err.message === ErrAuthNotEnabled) return finish(err);
        // A member that is gone or unreachable is a dial failure, not an answer.
        if (err.code !== 'Unavailable') {
          reached = true;
          last = err;
        }
        tryAt(i + 1);
      });
    };
    tryAt(0);
  }
}
