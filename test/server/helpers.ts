// Shared set-up for the server apply-layer tests: a member's state machine fed
// encoded entries one by one, as raft would commit them.
import { expect } from 'vitest';
import { IdGenerator } from '../../src/engine/lease/idgen.ts';
import type { Entry } from '../../src/engine/raft/types.ts';
import {
  EtcdStateMachine,
  encodeInternalRaftRequest,
  internalRequest,
  type ApplyResult,
  type EtcdStateMachineOptions,
  type InternalRequests,
  type RequestKind,
} from '../../src/engine/server/index.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Text as bytes. */
export const b = (s: string): Uint8Array => encoder.encode(s);
/** Bytes as text. */
export const t = (u: Uint8Array): string => decoder.decode(u);
/** The "\0" range end: every key from key on. */
export const FROM_KEY = new Uint8Array([0]);

export const MEMBER = '8e9e05c52164694d';
export const CLUSTER = 'cdf818194e3a8c32';

export interface Auth {
  username: string;
  authRevision: number;
}

/** One member's state machine plus a raft log stand-in: every exec is the next entry. */
export class Member {
  readonly sm: EtcdStateMachine;
  readonly ids: IdGenerator;
  index = 0;
  term = 2;
  now = 0;
  /** Every entry applied so far, for replaying. */
  readonly log: Entry[] = [];

  constructor(opts: EtcdStateMachineOptions = {}, memberId = MEMBER) {
    this.sm = new EtcdStateMachine({ nodeId: memberId }, { clusterId: CLUSTER, clock: { now: () => this.now }, ...opts });
    this.ids = new IdGenerator(memberId, 1_600_000_000_000);
  }

  /** Commits and applies the entry carrying one request; returns its result. */
  exec<K extends RequestKind>(kind: K, req: InternalRequests[K], auth?: Auth): ApplyResult {
    const id = this.ids.next();
    this.commit(encodeInternalRaftRequest(internalRequest(id, kind, req, auth)));
    const res = this.sm.takeResult(id);
    if (!res) throw new Error(`no result for request ${id}`);
    return res;
  }

  /** Like exec, but expects success and returns the response. */
  ok<K extends RequestKind>(kind: K, req: InternalRequests[K], auth?: Auth): NonNullable<ApplyResult['resp']> {
    const res = this.exec(kind, req, auth);
    expect(res.err).toBeUndefined();
    return res.resp!;
  }

  /** Like exec, but expects this error text and returns the result. */
  fails<K extends RequestKind>(kind: K, req: InternalRequests[K], message: string, auth?: Auth): ApplyResult {
    const res = this.exec(kind, req, auth);
    expect(res.err?.message).toBe(message);
    return res;
  }

  /** Appends one entry (empty data: a leader's no-op) and applies it. */
  commit(data: Uint8Array = new Uint8Array(0)): Entry {
    const e: Entry = { term: this.term, index: ++this.index, type: 'EntryNormal', data };
    this.log.push(e);
    this.sm.apply(e);
    return e;
  }

  get rev(): number {
    return this.sm.kv.rev;
  }
}

/** The header every response of Member gets at revision rev. */
export function hdr(rev: number, term = 2): { clusterId: string; memberId: string; revision: number; raftTerm: number } {
  return { clusterId: CLUSTER, memberId: MEMBER, revision: rev, raftTerm: term };
}

/** Every live key as "key=value". */
export function dump(m: Member): string[] {
  const resp = m.sm.kv.range({ key: FROM_KEY, rangeEnd: FROM_KEY });
  return resp.kvs.map((kv) => `${t(kv.key)}=${t(kv.value)}`);
}

/** A root user with the root role, auth enabled; returns root's auth info. */
export function enableAuth(m: Member): Auth {
  m.ok('authUserAdd', { name: 'root', password: 'rootpw' });
  m.ok('authRoleAdd', { name: 'root' });
  m.ok('authUserGrantRole', { user: 'root', role: 'root' });
  m.ok('authEnable', {});
  return asUser(m, 'root');
}

/** A user's auth info at the store's current auth revision (what a fresh token gives). */
export function asUser(m: Member, username: string): Auth {
  return { username, authRevision: m.sm.auth.revision() };
}
