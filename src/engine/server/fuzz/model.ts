// The etcd KV model (models/etcd.ts) extended with leases, for the fuzz's
// histories: lease grant (client-chosen IDs, so a grant whose reply was lost
// is still known), lease revoke (deletes the lease's keys in one revision),
// and put with a lease (refused when the lease is not live). A lease that
// expires is revoked by the leader at a moment no client observes: the fuzz
// adds it as a lease expiry, an operation that may take effect at any point
// after the lease's TTL ran out (from its grant's call), or never.
import { combine, hashString } from '../../check/hash.ts';
import { applyEtcd, describeEtcdInput, describeEtcdOutput, describeEtcdState, etcdInitialState, etcdResponseMatches } from '../../check/models/etcd.ts';
import type { EtcdDelete, EtcdGet, EtcdInput, EtcdOutput, EtcdPut, EtcdState, EtcdTxn } from '../../check/models/etcd-types.ts';
import type { Model } from '../../check/types.ts';

/** A put that may attach its key to a lease ('0' or absent: none). */
export interface FuzzPut extends EtcdPut {
  lease?: string;
}

export type FuzzInput =
  | EtcdGet
  | FuzzPut
  | EtcdDelete
  | EtcdTxn
  | { type: 'leaseGrant'; id: string }
  | { type: 'leaseRevoke'; id: string }
  /** The leader's revoke of an expired lease: a revoke no client asked for. */
  | { type: 'leaseExpire'; id: string };

export type FuzzOutput =
  | Exclude<EtcdOutput, { type: 'failed' }>
  | { type: 'leaseGrant' }
  | { type: 'leaseRevoke'; revision: number }
  /**
   * A definite error: the request was not applied. With leaseNotFound (etcd's
   * "requested lease not found"), the lease named was not live at that point.
   */
  | { type: 'failed'; leaseNotFound?: boolean };

export interface FuzzState {
  readonly kv: EtcdState;
  /** Live leases, sorted. */
  readonly live: readonly string[];
  /** key -> the lease it is attached to (keys without a lease are absent). */
  readonly keyLease: ReadonlyMap<string, string>;
  readonly hash: number;
}

function leaseHash(live: readonly string[], keyLease: ReadonlyMap<string, string>): number {
  let h = 0;
  for (const l of live) h = (h + hashString(l)) | 0;
  for (const [k, l] of keyLease) h = (h + hashString(l, hashString(k))) | 0;
  return h;
}

function make(kv: EtcdState, live: readonly string[], keyLease: ReadonlyMap<string, string>): FuzzState {
  return { kv, live, keyLease, hash: combine(combine(kv.revision, kv.kvHash), leaseHash(live, keyLease)) };
}

export const fuzzInitialState: FuzzState = make(etcdInitialState(1), [], new Map());

/** What the state machine does with an input: the next state and etcd's reply (or its definite refusal). */
export function applyFuzz(s: FuzzState, input: FuzzInput): { state: FuzzState; output: FuzzOutput } {
  switch (input.type) {
    case 'leaseGrant': {
      if (s.live.includes(input.id)) return { state: s, output: { type: 'failed' } };
      return { state: make(s.kv, [...s.live, input.id].sort(), s.keyLease), output: { type: 'leaseGrant' } };
    }
    case 'leaseRevoke':
    case 'leaseExpire': {
      if (!s.live.includes(input.id)) return { state: s, output: { type: 'failed', leaseNotFound: true } };
      const keys = [...s.keyLease].filter(([, l]) => l === input.id).map(([k]) => k).sort();
      const del: EtcdTxn = { type: 'txn', compare: [], success: keys.map((key) => ({ type: 'delete', key })), failure: [] };
      const { state: kv } = applyEtcd(s.kv, del);
      const keyLease = new Map(s.keyLease);
      for (const k of keys) keyLease.delete(k);
      return { state: make(kv, s.live.filter((l) => l !== input.id), keyLease), output: { type: 'leaseRevoke', revision: kv.revision } };
    }
    case 'put': {
      const lease = input.lease ?? '0';
      if (lease !== '0' && !s.live.includes(lease)) return { state: s, output: { type: 'failed', leaseNotFound: true } };
      const { state: kv, response } = applyEtcd(s.kv, input);
      const keyLease = new Map(s.keyLease);
      if (lease === '0') keyLease.delete(input.key);
      else keyLease.set(input.key, lease);
      return { state: make(kv, s.live, keyLease), output: response };
    }
    default: {
      const { state: kv, response } = applyEtcd(s.kv, input);
      if (kv === s.kv) return { state: s, output: response };
      // Writes without a lease detach their keys from any lease.
      const keyLease = new Map(s.keyLease);
      const ops = input.type === 'txn' ? (response.type === 'txn' && response.succeeded ? input.success : input.failure) : [input];
      for (const op of ops) if (op.type !== 'get') keyLease.delete(op.key);
      return { state: make(kv, s.live, keyLease), output: response };
    }
  }
}

function matches(expected: FuzzOutput, actual: FuzzOutput): boolean {
  if (expected.type === 'failed' || actual.type === 'failed') {
    return expected.type === 'failed' && actual.type === 'failed' && (!actual.leaseNotFound || expected.leaseNotFound === true);
  }
  if (expected.type === 'leaseGrant' || actual.type === 'leaseGrant') return expected.type === actual.type;
  if (expected.type === 'leaseRevoke' || actual.type === 'leaseRevoke') {
    return expected.type === 'leaseRevoke' && actual.type === 'leaseRevoke' && expected.revision === actual.revision;
  }
  if (expected.type === 'unknown' || actual.type === 'unknown') return false;
  return etcdResponseMatches(expected, actual);
}

export function describeFuzzInput(i: FuzzInput): string {
  if (i.type === 'leaseGrant' || i.type === 'leaseRevoke' || i.type === 'leaseExpire') return `${i.type}(${i.id})`;
  if (i.type === 'put' && i.lease && i.lease !== '0') return `put(${i.key}, ${JSON.stringify(i.value)}, lease ${i.lease})`;
  return describeEtcdInput(i as EtcdInput);
}

export function describeFuzzOutput(o: FuzzOutput): string {
  if (o.type === 'leaseGrant') return 'granted';
  if (o.type === 'leaseRevoke') return `rev ${o.revision}`;
  if (o.type === 'failed') return o.leaseNotFound ? 'failed: lease not found' : 'failed';
  return describeEtcdOutput(o);
}

function describeState(s: FuzzState): string {
  const leases = s.live.map((l) => `${l}[${[...s.keyLease].filter(([, x]) => x === l).map(([k]) => k).sort().join(' ')}]`);
  return `${describeEtcdState(s.kv)} leases {${leases.join(', ')}}`;
}

/**
 * The model. A definite failure (code from the applier) must be what etcd
 * would do at that point; a failure with no stated reason only means "not
 * applied". An unknown outcome takes effect where it is linearized (its
 * return of +Infinity also lets it never take effect).
 */
export const fuzzModel: Model<FuzzState, FuzzInput, FuzzOutput> = {
  init: () => fuzzInitialState,
  step(state, input, output) {
    const { state: next, output: expected } = applyFuzz(state, input);
    if (output.type === 'unknown') return [true, next];
    if (output.type === 'failed' && !output.leaseNotFound) return [true, state];
    return [matches(expected, output), next];
  },
  equal(a, b) {
    if (a === b) return true;
    if (a.hash !== b.hash || a.kv.revision !== b.kv.revision || a.kv.kvs.size !== b.kv.kvs.size) return false;
    if (a.live.length !== b.live.length || a.live.some((l, i) => l !== b.live[i])) return false;
    if (a.keyLease.size !== b.keyLease.size) return false;
    for (const [k, l] of a.keyLease) if (b.keyLease.get(k) !== l) return false;
    for (const [k, kv] of a.kv.kvs) {
      const o = b.kv.kvs.get(k);
      if (!o || o.value !== kv.value || o.modRevision !== kv.modRevision || o.createRevision !== kv.createRevision || o.version !== kv.version) {
        return false;
      }
    }
    return true;
  },
  hash: (s) => s.hash,
  describeOperation: (i, o) => `${describeFuzzInput(i)} -> ${describeFuzzOutput(o)}`,
  describeState,
  explain(state, input) {
    return `here etcd would reply ${describeFuzzOutput(applyFuzz(state, input).output)}`;
  },
};
