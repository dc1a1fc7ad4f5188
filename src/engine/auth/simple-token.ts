// etcd's "simple" token provider (auth/simple_token.go). A token is
// "<16 random letters>.<raft index of the Authenticate entry>"; the member serving the
// request draws the letters, and every member records token -> user when it applies the
// entry. Tokens live only in memory, expire after a TTL of idle time (each use restarts
// it; etcd's --auth-token-ttl, 300 s by default), and all go when auth is disabled.

import type { Prng } from '../util/prng.ts';

/** Virtual time in milliseconds (the cluster's VirtualClock fits). */
export interface AuthClock {
  now(): number;
}

export const SIMPLE_TOKEN_TTL_DEFAULT_MS = 300_000;
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SIMPLE_TOKEN_LENGTH = 16;

/** genTokenPrefix: 16 letters drawn uniformly from [a-zA-Z]. */
export function genTokenPrefix(prng: Prng): string {
  let s = '';
  for (let i = 0; i < SIMPLE_TOKEN_LENGTH; i++) s += LETTERS[prng.int(LETTERS.length)];
  return s;
}

const MAX_U64 = (1n << 64n) - 1n;

/**
 * The raft index a simple token was issued at, or undefined when the token is not of the
 * form "<prefix>.<uint64>" (isValidSimpleToken). etcd then waits until its applied index
 * reaches that index before looking the token up; that wait is the server's job.
 */
export function simpleTokenIndex(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[0-9]+$/.test(parts[1]!)) return undefined;
  const index = BigInt(parts[1]!);
  return index <= MAX_U64 ? Number(index) : undefined;
}

interface TokenEntry {
  username: string;
  /** Virtual ms after which the token is gone. */
  deadline: number;
}

/** tokenSimple with its TTL keeper; expiry is checked lazily against the injected clock. */
export class SimpleTokenProvider {
  private readonly tokens = new Map<string, TokenEntry>();
  private enabled = false;

  constructor(
    private readonly clock: AuthClock,
    readonly ttlMs: number = SIMPLE_TOKEN_TTL_DEFAULT_MS,
  ) {}

  /** Starts accepting tokens (auth enabled, or recovered as enabled). */
  enable(): void {
    this.enabled = true;
  }

  /** Drops every token: disabling auth invalidates all of them. */
  disable(): void {
    this.enabled = false;
    this.tokens.clear();
  }

  /**
   * assign: records token -> username and returns the token. While disabled nothing is
   * recorded (etcd has no TTL keeper then), so the returned token never validates.
   */
  assign(username: string, prefix: string, index: number): string {
    const token = `${prefix}.${index}`;
    if (!this.enabled) return token;
    if (this.tokens.has(token)) throw new Error(`auth: token ${token} was already assigned`);
    this.tokens.set(token, { username, deadline: this.clock.now() + this.ttlMs });
    return token;
  }

  /** info: the token's user, restarting its TTL; undefined when unknown, malformed or expired. */
  info(token: string): string | undefined {
    if (simpleTokenIndex(token) === undefined) return undefined;
    const entry = this.tokens.get(token);
    if (!entry) return undefined;
    const now = this.clock.now();
    if (now > entry.deadline) {
      this.tokens.delete(token);
      return undefined;
    }
    entry.deadline = now + this.ttlMs;
    return entry.username;
  }

  /** invalidateUser: a deleted user, or one whose password changed, loses every token. */
  invalidateUser(username: string): void {
    for (const [token, entry] of this.tokens) {
      if (entry.username === username) this.tokens.delete(token);
    }
  }

  /** The TTL keeper's sweep: forgets expired tokens; returns how many went. */
  expire(): number {
    const now = this.clock.now();
    let n = 0;
    for (const [token, entry] of this.tokens) {
      if (now > entry.deadline) {
        this.tokens.delete(token);
        n++;
      }
    }
    return n;
  }

  /** Live (unexpired as of the last sweep or lookup) tokens. */
  get size(): number {
    return this.tokens.size;
  }
}
