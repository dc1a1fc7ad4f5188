// The etcd v3 KV model: request semantics (revisions, versions, txn compares)
// and small hand-made histories with known verdicts.
import { describe, expect, it } from 'vitest';
import {
  applyEtcd,
  checkOperations,
  createEtcdModel,
  etcdInitialState,
  etcdModel,
  formatWitness,
  verifyLinearization,
  type EtcdCompare,
  type EtcdInput,
  type EtcdKeyValue,
  type EtcdOutput,
  type EtcdRequestOp,
  type EtcdState,
  type Operation,
} from '../../src/engine/check/index.ts';

type Op = Operation<EtcdInput, EtcdOutput>;

const kv = (key: string, value: string, createRevision: number, modRevision: number, version: number): EtcdKeyValue => ({
  key,
  value,
  createRevision,
  modRevision,
  version,
});

function op(clientId: number, call: number, ret: number, input: EtcdInput, output: EtcdOutput): Op {
  return { clientId, call, return: output.type === 'unknown' ? Infinity : ret, input, output };
}
const put = (c: number, call: number, ret: number, key: string, value: string, revision: number | 'unknown'): Op =>
  op(c, call, ret, { type: 'put', key, value }, revision === 'unknown' ? { type: 'unknown' } : { type: 'put', revision });
const get = (c: number, call: number, ret: number, key: string, revision: number, found: EtcdKeyValue | null): Op =>
  op(c, call, ret, { type: 'get', key }, { type: 'get', revision, kvs: found ? [found] : [] });
const del = (c: number, call: number, ret: number, key: string, revision: number, deleted: number): Op =>
  op(c, call, ret, { type: 'delete', key }, { type: 'delete', revision, deleted });

function check(history: Op[]): string {
  const r = checkOperations(etcdModel, history);
  if (r.verdict === 'linearizable') expect(verifyLinearization(etcdModel, history, r.linearization![0])).toBeNull();
  return r.verdict;
}

function run(state: EtcdState, ...inputs: EtcdInput[]): EtcdState {
  for (const input of inputs) state = applyEtcd(state, input).state;
  return state;
}

describe('etcd request semantics', () => {
  const s0 = etcdInitialState();

  it('starts like a fresh cluster: revision 1, no keys', () => {
    expect(s0.revision).toBe(1);
    expect(applyEtcd(s0, { type: 'get', key: 'a' }).response).toEqual({ type: 'get', revision: 1, kvs: [] });
  });

  it('put bumps the revision and tracks create/mod revision and version', () => {
    const r1 = applyEtcd(s0, { type: 'put', key: 'a', value: 'x' });
    expect(r1.response).toEqual({ type: 'put', revision: 2 });
    const r2 = applyEtcd(r1.state, { type: 'put', key: 'a', value: 'y' });
    expect(r2.response).toEqual({ type: 'put', revision: 3 });
    expect(applyEtcd(r2.state, { type: 'get', key: 'a' }).response).toEqual({
      type: 'get',
      revision: 3,
      kvs: [kv('a', 'y', 2, 3, 2)],
    });
    expect(s0.kvs.size).toBe(0); // states are immutable
  });

  it('delete bumps the revision only when it deletes something; re-creating resets version', () => {
    const s = run(s0, { type: 'put', key: 'a', value: 'x' });
    const d = applyEtcd(s, { type: 'delete', key: 'a' });
    expect(d.response).toEqual({ type: 'delete', revision: 3, deleted: 1 });
    expect(applyEtcd(d.state, { type: 'delete', key: 'a' }).response).toEqual({ type: 'delete', revision: 3, deleted: 0 });
    const again = run(d.state, { type: 'put', key: 'a', value: 'z' });
    expect(again.kvs.get('a')).toEqual(kv('a', 'z', 4, 4, 1));
  });

  it('txn compares: a missing key fails every value compare and has zero revisions', () => {
    const txn = (compare: EtcdCompare[]) =>
      applyEtcd(s0, { type: 'txn', compare, success: [], failure: [] }).response;
    expect(txn([{ key: 'a', target: 'value', op: '!=', value: 'x' }])).toMatchObject({ succeeded: false });
    expect(txn([{ key: 'a', target: 'create', op: '=', value: 0 }])).toMatchObject({ succeeded: true });
    expect(txn([{ key: 'a', target: 'version', op: '<', value: 1 }])).toMatchObject({ succeeded: true });
    expect(txn([])).toMatchObject({ succeeded: true, revision: 1 });
    const s = run(s0, { type: 'put', key: 'a', value: 'm' });
    const t = (c: EtcdCompare) => applyEtcd(s, { type: 'txn', compare: [c], success: [], failure: [] }).response;
    expect(t({ key: 'a', target: 'value', op: '>', value: 'l' })).toMatchObject({ succeeded: true });
    expect(t({ key: 'a', target: 'value', op: '<', value: 'l' })).toMatchObject({ succeeded: false });
    expect(t({ key: 'a', target: 'mod', op: '=', value: 2 })).toMatchObject({ succeeded: true });
    expect(t({ key: 'a', target: 'version', op: '>', value: 1 })).toMatchObject({ succeeded: false });
  });

  it('a txn writes at one new revision and its gets see its earlier writes', () => {
    const ops: EtcdRequestOp[] = [
      { type: 'put', key: 'a', value: '1' },
      { type: 'put', key: 'b', value: '2' },
      { type: 'get', key: 'a' },
      { type: 'delete', key: 'zzz' },
    ];
    const r = applyEtcd(s0, { type: 'txn', compare: [], success: ops, failure: [] });
    expect(r.response).toEqual({
      type: 'txn',
      revision: 2,
      succeeded: true,
      responses: [{ type: 'put' }, { type: 'put' }, { type: 'get', kvs: [kv('a', '1', 2, 2, 1)] }, { type: 'delete', deleted: 0 }],
    });
    expect(r.state.kvs.get('b')).toEqual(kv('b', '2', 2, 2, 1));
  });

  it('a read-only txn, and the else branch, behave as etcd', () => {
    const readOnly = applyEtcd(s0, { type: 'txn', compare: [], success: [{ type: 'get', key: 'a' }], failure: [] });
    expect(readOnly.response).toMatchObject({ revision: 1, succeeded: true });
    expect(readOnly.state).toBe(s0);
    const elseBranch = applyEtcd(s0, {
      type: 'txn',
      compare: [{ key: 'a', target: 'value', op: '=', value: 'x' }],
      success: [{ type: 'put', key: 'a', value: 'then' }],
      failure: [{ type: 'put', key: 'a', value: 'else' }],
    });
    expect(elseBranch.response).toMatchObject({ revision: 2, succeeded: false });
    expect(elseBranch.state.kvs.get('a')?.value).toBe('else');
  });

  it('equal states hash equally, whatever order they were built in', () => {
    const a = run(s0, { type: 'txn', compare: [], success: [{ type: 'put', key: 'x', value: '1' }, { type: 'put', key: 'y', value: '2' }], failure: [] });
    const b = run(s0, { type: 'txn', compare: [], success: [{ type: 'put', key: 'y', value: '2' }, { type: 'put', key: 'x', value: '1' }], failure: [] });
    expect(etcdModel.equal(a, b)).toBe(true);
    expect(etcdModel.hash(a)).toBe(etcdModel.hash(b));
    const c = run(s0, { type: 'put', key: 'x', value: '1' }, { type: 'put', key: 'y', value: '2' });
    expect(etcdModel.equal(a, c)).toBe(false); // different revisions
  });

  it('is not partitioned by key: every write moves the one global revision', () => {
    expect(etcdModel.partition).toBeUndefined();
  });
});

describe('etcd histories', () => {
  it('sequential puts, gets and deletes with matching revisions are linearizable', () => {
    expect(
      check([
        put(0, 0, 1, 'a', '1', 2),
        get(1, 2, 3, 'a', 2, kv('a', '1', 2, 2, 1)),
        put(0, 4, 5, 'a', '2', 3),
        del(1, 6, 7, 'a', 4, 1),
        get(0, 8, 9, 'a', 4, null),
      ]),
    ).toBe('linearizable');
  });

  it('stale read: a get that misses an acknowledged put is not linearizable', () => {
    const history = [put(0, 0, 1, 'a', '1', 2), get(1, 2, 3, 'a', 1, null)];
    const r = checkOperations(etcdModel, history);
    expect(r.verdict).toBe('not-linearizable');
    expect(r.witness!.blocked.map((b) => b.index)).toEqual([1]);
    expect(r.witness!.stateAfterPrefix).toBe('rev 2 {a="1"@c2/m2/v1}');
    expect(formatWitness(r.witness!)).toContain('here etcd would reply rev 2 a="1"@c2/m2/v1');
    // The same get concurrent with the put may be served before it.
    expect(check([put(0, 0, 5, 'a', '1', 2), get(1, 2, 3, 'a', 1, null)])).toBe('linearizable');
  });

  it('lost write: an acknowledged put that later reads do not see is not linearizable', () => {
    const history = [put(0, 0, 1, 'a', '1', 2), put(1, 2, 3, 'b', '2', 3), get(2, 4, 5, 'a', 3, null)];
    expect(check(history)).toBe('not-linearizable');
    expect(check([...history.slice(0, 2), get(2, 4, 5, 'a', 3, kv('a', '1', 2, 2, 1))])).toBe('linearizable');
  });

  it('an indeterminate put that took effect', () => {
    const history = [put(0, 0, 0, 'a', '1', 'unknown'), get(1, 5, 6, 'a', 2, kv('a', '1', 2, 2, 1))];
    expect(check(history)).toBe('linearizable');
    // ...and it did so at a point after its call, where a later put saw its revision taken.
    expect(check([...history, put(1, 7, 8, 'b', 'x', 3)])).toBe('linearizable');
    expect(check([...history, put(1, 7, 8, 'b', 'x', 2)])).toBe('not-linearizable');
  });

  it('an indeterminate put that did not take effect', () => {
    const lost = put(0, 0, 0, 'a', '1', 'unknown');
    expect(check([lost, get(1, 5, 6, 'a', 1, null), put(1, 7, 8, 'b', 'x', 2), get(1, 9, 10, 'a', 2, null)])).toBe(
      'linearizable',
    );
    // Not yet, then yes: it took effect between the two reads.
    expect(check([lost, get(1, 5, 6, 'a', 1, null), get(1, 7, 8, 'a', 2, kv('a', '1', 2, 2, 1))])).toBe('linearizable');
    // But not back again.
    expect(
      check([lost, get(1, 5, 6, 'a', 2, kv('a', '1', 2, 2, 1)), get(1, 7, 8, 'a', 1, null)]),
    ).toBe('not-linearizable');
  });

  it('a revision that skips is not linearizable unless an indeterminate write explains it', () => {
    const skip = [put(0, 0, 1, 'a', '1', 2), put(0, 2, 3, 'b', '2', 4)];
    expect(check(skip)).toBe('not-linearizable');
    expect(check([put(1, 0, 0, 'c', '3', 'unknown'), ...skip])).toBe('linearizable');
    // A definitely failed request does not explain it.
    expect(check([op(1, 0, 9, { type: 'put', key: 'c', value: '3' }, { type: 'failed' }), ...skip])).toBe(
      'not-linearizable',
    );
  });

  it('keys do not commute: revisions order writes to different keys', () => {
    expect(check([put(0, 0, 1, 'a', '1', 2), put(1, 2, 3, 'b', '1', 3)])).toBe('linearizable');
    // Each key alone would look fine, but a finished before b began and got the later revision.
    expect(check([put(0, 0, 1, 'a', '1', 3), put(1, 2, 3, 'b', '1', 2)])).toBe('not-linearizable');
    // Concurrent, either order works.
    expect(check([put(0, 0, 5, 'a', '1', 3), put(1, 2, 3, 'b', '1', 2)])).toBe('linearizable');
    // Two writes cannot share a revision.
    expect(check([put(0, 0, 5, 'a', '1', 2), put(1, 2, 3, 'b', '1', 2)])).toBe('not-linearizable');
  });

  it('a reported revision must match the read', () => {
    expect(check([put(0, 0, 1, 'a', '1', 2), get(1, 2, 3, 'a', 2, kv('a', '1', 2, 2, 2))])).toBe('not-linearizable');
    expect(check([put(0, 0, 1, 'a', '1', 2), get(1, 2, 3, 'b', 3, null)])).toBe('not-linearizable');
  });

  it('txn compare-and-swap: two clients cannot both win the same lock', () => {
    const lock = (c: number, call: number, ret: number, succeeded: boolean, revision: number): Op =>
      op(
        c,
        call,
        ret,
        {
          type: 'txn',
          compare: [{ key: 'lock', target: 'create', op: '=', value: 0 }],
          success: [{ type: 'put', key: 'lock', value: String(c) }],
          failure: [{ type: 'get', key: 'lock' }],
        },
        { type: 'txn', succeeded, revision },
      );
    expect(check([lock(0, 0, 5, true, 2), lock(1, 1, 6, false, 2)])).toBe('linearizable');
    expect(check([lock(0, 0, 5, true, 2), lock(1, 1, 6, true, 3)])).toBe('not-linearizable');
    // With responses, the loser must see the winner's value.
    const loser = lock(1, 1, 6, false, 2);
    (loser.output as { responses?: unknown }).responses = [{ type: 'get', kvs: [kv('lock', '0', 2, 2, 1)] }];
    expect(check([lock(0, 0, 5, true, 2), loser])).toBe('linearizable');
    (loser.output as { responses?: unknown }).responses = [{ type: 'get', kvs: [kv('lock', '7', 2, 2, 1)] }];
    expect(check([lock(0, 0, 5, true, 2), loser])).toBe('not-linearizable');
  });

  it('an indeterminate txn applies its branch where it is linearized', () => {
    const maybe = op(
      0,
      0,
      0,
      {
        type: 'txn',
        compare: [{ key: 'a', target: 'value', op: '=', value: '1' }],
        success: [{ type: 'put', key: 'a', value: '2' }],
        failure: [],
      },
      { type: 'unknown' },
    );
    const history = [put(1, 1, 2, 'a', '1', 2), maybe, get(1, 3, 4, 'a', 3, kv('a', '2', 2, 3, 2))];
    expect(check(history)).toBe('linearizable');
    // Before the put its compare fails: it cannot have written '2' then.
    expect(check([maybe, get(1, 1, 2, 'a', 2, kv('a', '2', 2, 2, 1))])).toBe('not-linearizable');
  });

  it('can start from an existing store', () => {
    const model = createEtcdModel({ initialRevision: 10, initialKvs: [kv('a', 'old', 4, 7, 3)] });
    const history = [get(0, 0, 1, 'a', 10, kv('a', 'old', 4, 7, 3)), put(0, 2, 3, 'a', 'new', 11)];
    expect(checkOperations(model, history).verdict).toBe('linearizable');
    expect(checkOperations(etcdModel, history).verdict).toBe('not-linearizable');
  });
});
