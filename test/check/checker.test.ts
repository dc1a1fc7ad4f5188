// The search itself, on small register histories whose verdicts are easy to see
// by hand: real-time order, unknown outcomes, budgets, partitions, witnesses.
import { describe, expect, it } from 'vitest';
import {
  checkOperations,
  determinize,
  formatWitness,
  kvAppendModel,
  registerModel,
  verifyLinearization,
  type KvInput,
  type KvOutput,
  type Model,
  type NondeterministicModel,
  type Operation,
  type RegisterInput,
  type RegisterOutput,
  type RegisterValue,
} from '../../src/engine/check/index.ts';

type RegOp = Operation<RegisterInput, RegisterOutput>;

const write = (clientId: number, call: number, ret: number, value: RegisterValue, status: 'ok' | 'unknown' = 'ok'): RegOp => ({
  clientId,
  call,
  return: status === 'unknown' ? Infinity : ret,
  input: { type: 'write', value },
  output: { status },
});
const read = (clientId: number, call: number, ret: number, value: RegisterValue | null): RegOp => ({
  clientId,
  call,
  return: ret,
  input: { type: 'read' },
  output: { status: 'ok', value },
});
const cas = (
  clientId: number,
  call: number,
  ret: number,
  from: RegisterValue,
  to: RegisterValue,
  status: 'ok' | 'fail' | 'unknown',
): RegOp => ({
  clientId,
  call,
  return: status === 'unknown' ? Infinity : ret,
  input: { type: 'cas', from, to },
  output: { status },
});

function verdict(history: RegOp[]): string {
  const r = checkOperations(registerModel, history);
  if (r.verdict === 'linearizable') {
    expect(verifyLinearization(registerModel, history, r.linearization![0])).toBeNull();
  }
  return r.verdict;
}

describe('register histories', () => {
  it('the empty history is linearizable', () => {
    expect(verdict([])).toBe('linearizable');
  });

  it('reads see the latest completed write', () => {
    expect(verdict([write(0, 0, 1, 1), read(1, 2, 3, 1)])).toBe('linearizable');
    expect(verdict([write(0, 0, 1, 1), read(1, 2, 3, null)])).toBe('not-linearizable');
    expect(verdict([read(1, 0, 1, null), write(0, 2, 3, 1)])).toBe('linearizable');
  });

  it('a read concurrent with a write may see either value', () => {
    expect(verdict([write(0, 0, 10, 1), read(1, 2, 3, null)])).toBe('linearizable');
    expect(verdict([write(0, 0, 10, 1), read(1, 2, 3, 1)])).toBe('linearizable');
    // ...but not go back once it has seen the new value.
    expect(verdict([write(0, 0, 10, 1), read(1, 2, 3, 1), read(2, 4, 5, null)])).toBe('not-linearizable');
  });

  it('touching intervals count as concurrent', () => {
    expect(verdict([write(0, 0, 5, 1), read(1, 5, 6, null)])).toBe('linearizable');
    expect(verdict([write(0, 0, 5, 1), read(1, 6, 7, null)])).toBe('not-linearizable');
  });

  it('an unknown write may take effect later, or never', () => {
    const w = write(0, 0, 0, 1, 'unknown');
    expect(verdict([w, read(1, 5, 6, null), read(1, 7, 8, 1)])).toBe('linearizable');
    expect(verdict([w, read(1, 5, 6, null), read(1, 7, 8, null)])).toBe('linearizable');
    // But it cannot take effect before it was called.
    expect(verdict([read(1, 0, 1, 1), { ...w, call: 2 }])).toBe('not-linearizable');
    // And once seen it cannot be undone.
    expect(verdict([w, read(1, 5, 6, 1), read(1, 7, 8, null)])).toBe('not-linearizable');
  });

  it('a failed cas must see a different value; a successful one the same', () => {
    expect(verdict([write(0, 0, 1, 1), cas(1, 2, 3, 1, 2, 'fail')])).toBe('not-linearizable');
    expect(verdict([write(0, 0, 1, 1), cas(1, 2, 3, 3, 2, 'fail'), read(0, 4, 5, 1)])).toBe('linearizable');
    expect(verdict([write(0, 0, 1, 1), cas(1, 2, 3, 1, 2, 'ok'), read(0, 4, 5, 2)])).toBe('linearizable');
    expect(verdict([cas(1, 0, 1, 1, 2, 'ok')])).toBe('not-linearizable');
  });

  it('an unknown cas applies only if its compare holds where it is placed', () => {
    const history = [write(0, 0, 1, 1), cas(1, 2, 0, 1, 2, 'unknown'), read(0, 3, 4, 2)];
    expect(verdict(history)).toBe('linearizable');
    expect(verdict([write(0, 0, 1, 1), cas(1, 2, 0, 5, 2, 'unknown'), read(0, 3, 4, 2)])).toBe('not-linearizable');
  });

  it('finds the order among many concurrent writes', () => {
    // Five concurrent writes, then reads that pin the last two.
    const history: RegOp[] = [0, 1, 2, 3, 4].map((v) => write(v, 0, 10, v));
    history.push(read(9, 11, 12, 3));
    expect(verdict(history)).toBe('linearizable');
    history.push(read(9, 13, 14, 2));
    expect(verdict(history)).toBe('not-linearizable');
  });

  it('rejects operations that return before they are called', () => {
    expect(() => checkOperations(registerModel, [read(0, 5, 4, null)])).toThrow(/before its call/);
  });
});

describe('witness', () => {
  it('names the longest linearizable prefix and the operations that cannot follow it', () => {
    const history = [
      write(0, 0, 1, 1), // #0
      write(0, 2, 3, 2), // #1
      read(1, 4, 10, 1), // #2: stale
      read(2, 5, 6, 2), // #3
    ];
    const r = checkOperations(registerModel, history);
    expect(r.verdict).toBe('not-linearizable');
    const w = r.witness!;
    expect(w.partitionSize).toBe(4);
    expect(w.prefix.map((o) => o.index)).toEqual([0, 1, 3]);
    expect(w.stateAfterPrefix).toBe('2');
    expect(w.blocked).toHaveLength(1);
    expect(w.blocked[0]).toMatchObject({ index: 2, clientId: 1, text: 'read -> 1' });
    expect(w.blocked[0].detail).toBe('register holds 2, read returned 1');
    const text = formatWitness(w);
    expect(text).toContain('longest linearizable prefix: 3 of 4 ops');
    expect(text).toContain('#2 client 1 [4, 10] read -> 1 -- register holds 2, read returned 1');
  });

  it('lists every operation that could come next, each rejected by the model', () => {
    // Both reads may follow the writes, but neither sees a value the register can hold.
    const history = [write(0, 0, 1, 1), write(1, 2, 3, 2), read(2, 4, 9, 1), read(3, 5, 11, 3)];
    const r = checkOperations(registerModel, history);
    expect(r.verdict).toBe('not-linearizable');
    expect(r.witness!.prefix.map((o) => o.index)).toEqual([0, 1]);
    expect(r.witness!.blocked.map((b) => [b.index, b.detail])).toEqual([
      [2, 'register holds 2, read returned 1'],
      [3, 'register holds 2, read returned 3'],
    ]);
  });
});

describe('budget', () => {
  // Many concurrent unknown writes, which makes the search space large.
  const big: RegOp[] = [];
  for (let i = 0; i < 12; i++) big.push(write(i, i, 0, i, 'unknown'));
  for (let i = 0; i < 12; i++) big.push(read(20 + i, 100 + 2 * i, 101 + 2 * i, i % 2 === 0 ? i : 99));

  it('answers unknown when the step budget runs out', () => {
    const r = checkOperations(registerModel, big, { maxSteps: 50 });
    expect(r.verdict).toBe('unknown');
    expect(r.steps).toBe(50);
    expect(r.witness).toBeUndefined();
  });

  it('answers unknown when the host says stop', () => {
    let polls = 0;
    const r = checkOperations(registerModel, big, { shouldStop: () => ++polls >= 2, pollEvery: 10 });
    expect(r.verdict).toBe('unknown');
    expect(polls).toBe(2);
  });

  it('reaches the verdict when the budget suffices', () => {
    expect(checkOperations(registerModel, big).verdict).toBe('not-linearizable');
  });
});

describe('partitions (P-compositionality)', () => {
  const kv = (clientId: number, call: number, ret: number, input: KvInput, output: KvOutput = {}): Operation<KvInput, KvOutput> => ({
    clientId,
    call,
    return: ret,
    input,
    output,
  });

  it('checks keys independently and reports the failing key', () => {
    const history = [
      kv(0, 0, 1, { op: 'put', key: 'a', value: 'x' }),
      kv(1, 2, 3, { op: 'append', key: 'b', value: 'y' }),
      kv(0, 4, 5, { op: 'get', key: 'a' }, { value: 'x' }),
      kv(1, 6, 7, { op: 'get', key: 'b' }, { value: '' }), // lost append
    ];
    const r = checkOperations(kvAppendModel, history);
    expect(r.partitions).toBe(2);
    expect(r.verdict).toBe('not-linearizable');
    expect(r.witness!.partition).toBe('b');
    expect(r.witness!.prefix.map((o) => o.index)).toEqual([1]);
    expect(r.witness!.blocked.map((o) => o.index)).toEqual([3]);
  });

  it('a key that fails quickly is found even when another key is slow', () => {
    // Key 'slow': many concurrent appends and a final get that fits no order, so
    // refuting it takes a long search; key 'fast' fails at once.
    const history: Operation<KvInput, KvOutput>[] = [];
    for (let i = 0; i < 12; i++) history.push(kv(i, 0, 50, { op: 'append', key: 'slow', value: String.fromCharCode(97 + i) }));
    history.push(kv(20, 60, 61, { op: 'get', key: 'slow' }, { value: 'impossible' }));
    history.push(kv(21, 0, 1, { op: 'get', key: 'fast' }, { value: 'nothing was written' }));
    const r = checkOperations(kvAppendModel, history);
    expect(r.verdict).toBe('not-linearizable');
    expect(r.witness!.partition).toBe('fast');
    expect(r.steps).toBeLessThan(10_000);
  });
});

describe('determinize', () => {
  // A register where a write may be silently lost: the nondeterminism lives in the model.
  const lossy: NondeterministicModel<number, RegisterInput, RegisterOutput> = {
    init: () => [0],
    step(s, input, output) {
      if (input.type === 'write') return [s, input.value as number];
      if (input.type === 'read') return output.status === 'ok' && output.value === s ? [s] : [];
      return [];
    },
    equal: (a, b) => a === b,
    hash: (s) => s,
  };
  const model: Model<number[], RegisterInput, RegisterOutput> = determinize(lossy);

  it('accepts outputs some member state allows and keeps every successor', () => {
    expect(model.init()).toEqual([0]);
    const [ok, states] = model.step([0], { type: 'write', value: 1 }, { status: 'ok' });
    expect(ok).toBe(true);
    expect(states).toEqual([0, 1]);
    expect(model.step([0, 1], { type: 'read' }, { status: 'ok', value: 1 })).toEqual([true, [1]]);
    expect(model.step([0, 1], { type: 'read' }, { status: 'ok', value: 7 })[0]).toBe(false);
    expect(model.equal([0, 1], [1, 0])).toBe(true);
    expect(model.hash([0, 1])).toBe(model.hash([1, 0]));
  });

  it('checks histories through the set-of-states model', () => {
    const w = (c: number, t: number, v: number): Operation<RegisterInput, RegisterOutput> => ({
      clientId: c,
      call: t,
      return: t + 1,
      input: { type: 'write', value: v },
      output: { status: 'ok' },
    });
    const r = (c: number, t: number, v: number): Operation<RegisterInput, RegisterOutput> => ({
      clientId: c,
      call: t,
      return: t + 1,
      input: { type: 'read' },
      output: { status: 'ok', value: v },
    });
    // The write of 1 was lost: fine for the lossy register, not for the real one.
    const history = [w(0, 0, 1), r(1, 2, 0)];
    expect(checkOperations(model, history).verdict).toBe('linearizable');
    expect(checkOperations(registerModel, history).verdict).toBe('not-linearizable');
    expect(checkOperations(model, [w(0, 0, 1), r(1, 2, 2)]).verdict).toBe('not-linearizable');
  });
});
