// Porcupine's key/value test model: get/put/append on string keys, missing key
// reads as "". Operations on different keys commute, so the history is checked
// key by key (P-compositionality); the state is then just one key's value.
import { partitionByKey } from '../checker.ts';
import { hashString } from '../hash.ts';
import type { Model } from '../types.ts';

export interface KvInput {
  op: 'get' | 'put' | 'append';
  key: string;
  /** The value written (put/append); unused for get. */
  value?: string;
}

export interface KvOutput {
  /** The value read (get); unused otherwise. */
  value?: string;
  /**
   * Absent or 'ok': completed. 'fail': definitely not applied. 'unknown': may or
   * may not have taken effect (give it return time +Infinity).
   */
  status?: 'ok' | 'fail' | 'unknown';
}

export const kvAppendModel: Model<string, KvInput, KvOutput> = {
  init: () => '',
  step(state, input, output) {
    if (output.status === 'fail') return [true, state];
    if (output.status === 'unknown' && input.op === 'get') return [true, state];
    switch (input.op) {
      case 'get':
        return [output.value === state, state];
      case 'put':
        return [true, input.value ?? ''];
      case 'append':
        return [true, state + (input.value ?? '')];
    }
  },
  equal: (a, b) => a === b,
  hash: (s) => hashString(s),
  partition: partitionByKey<KvInput, KvOutput>((input) => input.key),
  describeOperation(input, output) {
    const k = JSON.stringify(input.key);
    const status = output.status && output.status !== 'ok' ? ` -> ${output.status}` : '';
    return input.op === 'get'
      ? `get(${k}) -> ${status ? output.status : JSON.stringify(output.value)}`
      : `${input.op}(${k}, ${JSON.stringify(input.value)})${status}`;
  },
  describeState: (s) => JSON.stringify(s),
  explain: (state, input, output) =>
    `key holds ${JSON.stringify(state)}, ${input.op} returned ${JSON.stringify(output.value)}`,
};
