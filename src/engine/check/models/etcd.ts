// Sequential specification of etcd v3's KV API with revisions.
// Every request that writes bumps the single store revision by one and every
// response carries the revision, so operations on different keys do not commute:
// this model is deliberately NOT partitioned by key.
import { combine, hashNumber, hashString } from '../hash.ts';
import type { Model } from '../types.ts';
import type {
  EtcdCompare,
  EtcdInput,
  EtcdKeyValue,
  EtcdOpResponse,
  EtcdOutput,
  EtcdRequestOp,
  EtcdResponse,
  EtcdState,
} from './etcd-types.ts';

function kvHashOf(kv: EtcdKeyValue): number {
  let h = hashString(kv.key);
  h = hashString(kv.value, h);
  h = combine(h, kv.createRevision);
  h = combine(h, kv.modRevision);
  return combine(h, kv.version);
}

export function etcdInitialState(initialRevision = 1, kvs: readonly EtcdKeyValue[] = []): EtcdState {
  const map = new Map<string, EtcdKeyValue>();
  let kvHash = 0;
  for (const kv of kvs) {
    map.set(kv.key, { ...kv });
    kvHash = (kvHash + kvHashOf(kv)) | 0;
  }
  return { revision: initialRevision, kvs: map, kvHash };
}

/** etcd's applyCompare: a missing key fails every value compare and has 0 version/create/mod. */
function compareHolds(kvs: ReadonlyMap<string, EtcdKeyValue>, c: EtcdCompare): boolean {
  const kv = kvs.get(c.key);
  let cmp: number;
  if (c.target === 'value') {
    if (!kv) return false;
    cmp = kv.value < c.value ? -1 : kv.value > c.value ? 1 : 0;
  } else {
    const actual = !kv ? 0 : c.target === 'version' ? kv.version : c.target === 'create' ? kv.createRevision : kv.modRevision;
    cmp = Math.sign(actual - c.value);
  }
  switch (c.op) {
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '>':
      return cmp > 0;
    case '<':
      return cmp < 0;
  }
}

/**
 * Execute a request against a state: the new state and the response etcd would
 * send. All writes of one request share revision `state.revision + 1`; the
 * revision only moves if something was actually written (a delete of a missing
 * key, a get, or a txn of such ops leaves it unchanged). Gets inside a txn see
 * the txn's earlier writes, as in etcd.
 */
export function applyEtcd(state: EtcdState, input: EtcdInput): { state: EtcdState; response: EtcdResponse } {
  const writeRev = state.revision + 1;
  let kvs: Map<string, EtcdKeyValue> | null = null; // copied on first write
  let kvHash = state.kvHash;
  const current = (): ReadonlyMap<string, EtcdKeyValue> => kvs ?? state.kvs;
  const run = (op: EtcdRequestOp): EtcdOpResponse => {
    const existing = current().get(op.key);
    switch (op.type) {
      case 'get':
        return { type: 'get', kvs: existing ? [existing] : [] };
      case 'put': {
        kvs ??= new Map(state.kvs);
        const kv: EtcdKeyValue = {
          key: op.key,
          value: op.value,
          createRevision: existing ? existing.createRevision : writeRev,
          modRevision: writeRev,
          version: existing ? existing.version + 1 : 1,
        };
        if (existing) kvHash = (kvHash - kvHashOf(existing)) | 0;
        kvHash = (kvHash + kvHashOf(kv)) | 0;
        kvs.set(op.key, kv);
        return { type: 'put' };
      }
      case 'delete':
        if (!existing) return { type: 'delete', deleted: 0 };
        kvs ??= new Map(state.kvs);
        kvs.delete(op.key);
        kvHash = (kvHash - kvHashOf(existing)) | 0;
        return { type: 'delete', deleted: 1 };
    }
  };
  const finish = (): EtcdState =>
    kvs ? { revision: writeRev, kvs, kvHash } : state;

  if (input.type !== 'txn') {
    const r = run(input);
    const next = finish();
    const revision = next.revision;
    switch (r.type) {
      case 'get':
        return { state: next, response: { type: 'get', revision, kvs: r.kvs } };
      case 'put':
        return { state: next, response: { type: 'put', revision } };
      case 'delete':
        return { state: next, response: { type: 'delete', revision, deleted: r.deleted } };
    }
  }
  const succeeded = input.compare.every((c) => compareHolds(state.kvs, c));
  const responses = (succeeded ? input.success : input.failure).map(run);
  const next = finish();
  return { state: next, response: { type: 'txn', revision: next.revision, succeeded, responses } };
}

function sameKv(a: EtcdKeyValue, b: EtcdKeyValue): boolean {
  return (
    a.key === b.key &&
    a.value === b.value &&
    a.createRevision === b.createRevision &&
    a.modRevision === b.modRevision &&
    a.version === b.version
  );
}

function sameKvs(a: readonly EtcdKeyValue[], b: readonly EtcdKeyValue[]): boolean {
  return a.length === b.length && a.every((kv, i) => sameKv(kv, b[i]));
}

function sameOpResponse(a: EtcdOpResponse, b: EtcdOpResponse): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'get') return sameKvs(a.kvs, (b as typeof a).kvs);
  if (a.type === 'delete') return a.deleted === (b as typeof a).deleted;
  return true;
}

/** Does the observed response equal the one the model computed? */
export function etcdResponseMatches(expected: EtcdResponse, actual: EtcdResponse): boolean {
  if (expected.type !== actual.type || expected.revision !== actual.revision) return false;
  switch (expected.type) {
    case 'get':
      return sameKvs(expected.kvs, (actual as typeof expected).kvs);
    case 'put':
      return true;
    case 'delete':
      return expected.deleted === (actual as typeof expected).deleted;
    case 'txn': {
      const a = actual as typeof expected;
      if (a.succeeded !== expected.succeeded) return false;
      if (!a.responses) return true;
      const exp = expected.responses ?? [];
      return a.responses.length === exp.length && a.responses.every((r, i) => sameOpResponse(exp[i], r));
    }
  }
}

function showKvs(kvs: readonly EtcdKeyValue[]): string {
  if (kvs.length === 0) return '(none)';
  return kvs.map((kv) => `${kv.key}=${JSON.stringify(kv.value)}@c${kv.createRevision}/m${kv.modRevision}/v${kv.version}`).join(',');
}

function showReq(op: EtcdRequestOp): string {
  return op.type === 'put' ? `put(${op.key}, ${JSON.stringify(op.value)})` : `${op.type}(${op.key})`;
}

function showCompare(c: EtcdCompare): string {
  return `${c.target}(${c.key}) ${c.op} ${JSON.stringify(c.value)}`;
}

export function describeEtcdInput(input: EtcdInput): string {
  if (input.type !== 'txn') return showReq(input);
  return `txn(if ${input.compare.map(showCompare).join(' && ') || 'true'} then [${input.success
    .map(showReq)
    .join(', ')}] else [${input.failure.map(showReq).join(', ')}])`;
}

export function describeEtcdOutput(output: EtcdOutput): string {
  switch (output.type) {
    case 'unknown':
      return '? (unknown outcome)';
    case 'failed':
      return 'failed';
    case 'get':
      return `rev ${output.revision} ${showKvs(output.kvs)}`;
    case 'put':
      return `rev ${output.revision}`;
    case 'delete':
      return `rev ${output.revision} deleted ${output.deleted}`;
    case 'txn':
      return `rev ${output.revision} ${output.succeeded ? 'succeeded' : 'failed compare'}`;
  }
}

export function describeEtcdState(s: EtcdState): string {
  const keys = [...s.kvs.keys()].sort();
  return `rev ${s.revision} {${keys.map((k) => showKvs([s.kvs.get(k)!])).join(', ')}}`;
}

export interface EtcdModelOptions {
  /** Revision of the store before the history (a fresh etcd cluster is at 1). */
  initialRevision?: number;
  initialKvs?: readonly EtcdKeyValue[];
}

export function createEtcdModel(options: EtcdModelOptions = {}): Model<EtcdState, EtcdInput, EtcdOutput> {
  const init = etcdInitialState(options.initialRevision ?? 1, options.initialKvs ?? []);
  return {
    init: () => init,
    step(state, input, output) {
      if (output.type === 'failed') return [true, state];
      const { state: next, response } = applyEtcd(state, input);
      // Unknown outcome: it took effect here (a return of +Infinity also lets it never take effect).
      if (output.type === 'unknown') return [true, next];
      return [etcdResponseMatches(response, output), next];
    },
    equal(a, b) {
      if (a === b) return true;
      if (a.revision !== b.revision || a.kvHash !== b.kvHash || a.kvs.size !== b.kvs.size) return false;
      for (const [k, kv] of a.kvs) {
        const other = b.kvs.get(k);
        if (!other || !sameKv(kv, other)) return false;
      }
      return true;
    },
    hash: (s) => combine(hashNumber(s.revision), s.kvHash),
    describeOperation: (input, output) => `${describeEtcdInput(input)} -> ${describeEtcdOutput(output)}`,
    describeState: describeEtcdState,
    explain(state, input) {
      const { response } = applyEtcd(state, input);
      return `here etcd would reply ${describeEtcdOutput(response)}`;
    },
  };
}

/** The model with a fresh cluster's initial state (revision 1, no keys). */
export const etcdModel = createEtcdModel();
