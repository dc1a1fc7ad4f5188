// A single compare-and-set register whose initial value is absent (null).
// This is the model of Jepsen's etcd "cas-register" test.
import { hashNumber, hashString } from '../hash.ts';
import type { Model } from '../types.ts';

export type RegisterValue = number | string;
/** null: the register (key) does not exist. */
export type RegisterState = RegisterValue | null;

export type RegisterInput =
  | { type: 'read' }
  | { type: 'write'; value: RegisterValue }
  | { type: 'cas'; from: RegisterValue; to: RegisterValue };

/**
 * - ok:      read returned `value`; write done; cas compared equal and swapped.
 * - fail:    definitely not applied (a cas whose compare failed; a read that returned nothing).
 * - unknown: timed out; may or may not have taken effect (give it return time +Infinity).
 */
export type RegisterOutput =
  | { status: 'ok'; value?: RegisterState }
  | { status: 'fail' }
  | { status: 'unknown' };

function show(v: RegisterState | undefined): string {
  return v === null || v === undefined ? 'nil' : String(v);
}

export const registerModel: Model<RegisterState, RegisterInput, RegisterOutput> = {
  init: () => null,
  step(state, input, output) {
    switch (input.type) {
      case 'read':
        if (output.status !== 'ok') return [true, state]; // returned nothing: constrains nothing
        return [(output.value ?? null) === state, state];
      case 'write':
        if (output.status === 'fail') return [true, state];
        return [true, input.value];
      case 'cas': {
        const matches = state === input.from;
        if (output.status === 'ok') return [matches, input.to];
        if (output.status === 'fail') return [!matches, state];
        return [true, matches ? input.to : state];
      }
    }
  },
  equal: (a, b) => a === b,
  hash: (s) => (s === null ? 0x2545f491 : typeof s === 'number' ? hashNumber(s) : hashString(s)),
  describeOperation(input, output) {
    const res =
      output.status === 'unknown' ? '?' : output.status === 'fail' ? 'fail' : input.type === 'read' ? show(output.value) : 'ok';
    switch (input.type) {
      case 'read':
        return `read -> ${res}`;
      case 'write':
        return `write ${show(input.value)} -> ${res}`;
      case 'cas':
        return `cas ${show(input.from)}->${show(input.to)} -> ${res}`;
    }
  },
  describeState: (s) => show(s),
  explain(state, input, output) {
    if (input.type === 'read' && output.status === 'ok') {
      return `register holds ${show(state)}, read returned ${show(output.value)}`;
    }
    if (input.type === 'cas') {
      return output.status === 'ok'
        ? `register holds ${show(state)}, so cas from ${show(input.from)} cannot succeed`
        : `register holds ${show(state)}, so cas from ${show(input.from)} cannot fail`;
    }
    return 'rejected';
  },
};
