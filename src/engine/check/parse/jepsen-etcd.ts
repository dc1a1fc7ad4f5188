// Parser for Jepsen's etcd cas-register logs (Porcupine's test_data/jepsen):
//   INFO  jepsen.util - <client> :<invoke|ok|fail|info> :<read|write|cas> <value>
// Line order is the only clock: times are 1-based line numbers, so witnesses
// point into the file. See shared/linearizability/README.md.
import type { RegisterInput, RegisterOutput, RegisterState, RegisterValue } from '../models/register.ts';
import type { Operation } from '../types.ts';

type JepsenValue = RegisterState | RegisterValue[];

function parseValue(text: string): JepsenValue {
  const t = text.trim();
  if (t === 'nil' || t === '') return null;
  if (t.startsWith('[') && t.endsWith(']')) {
    return t
      .slice(1, -1)
      .trim()
      .split(/\s+/)
      .filter((s) => s !== '')
      .map((s) => parseValue(s) as RegisterValue);
  }
  if (/^-?\d+$/.test(t)) return Number(t);
  return t; // keywords such as :timed-out stay strings
}

function scalar(v: JepsenValue, line: number): RegisterValue {
  if (v === null || Array.isArray(v)) throw new Error(`line ${line}: expected a single value, got ${JSON.stringify(v)}`);
  return v;
}

interface Pending {
  f: string;
  value: JepsenValue;
  call: number;
}

function toInput(p: Pending, line: number): RegisterInput {
  switch (p.f) {
    case 'read':
      return { type: 'read' };
    case 'write':
      return { type: 'write', value: scalar(p.value, line) };
    case 'cas': {
      const v = p.value;
      if (!Array.isArray(v) || v.length !== 2) throw new Error(`line ${line}: cas needs [from to]`);
      return { type: 'cas', from: v[0], to: v[1] };
    }
    default:
      throw new Error(`line ${line}: unknown function :${p.f}`);
  }
}

/**
 * Reads that returned no value (`:fail` / `:info` / never completed) constrain
 * nothing and are dropped. `:info` and never-completed writes and cas get return
 * time +Infinity and an unknown outcome; `:fail` ones definitely did not apply.
 */
export function parseJepsenEtcdLog(text: string): Operation<RegisterInput, RegisterOutput>[] {
  const ops: Operation<RegisterInput, RegisterOutput>[] = [];
  const pending = new Map<number, Pending>();
  const lines = text.split(/\r?\n/);
  const finish = (client: number, p: Pending, output: RegisterOutput, ret: number, line: number): void => {
    const input = toInput(p, line);
    if (input.type === 'read' && output.status !== 'ok') return;
    ops.push({ clientId: client, input, call: p.call, output, return: ret });
  };
  for (let i = 0; i < lines.length; i++) {
    const m = /jepsen\.util\s+-\s+(.*)$/.exec(lines[i]);
    if (!m) {
      if (lines[i].trim() !== '') throw new Error(`line ${i + 1}: not a jepsen.util event`);
      continue;
    }
    const tokens = m[1].trim().split(/\s+/);
    if (tokens.length < 3 || !/^\d+$/.test(tokens[0])) throw new Error(`line ${i + 1}: malformed event`);
    const client = Number(tokens[0]);
    const type = tokens[1].replace(/^:/, '');
    const f = tokens[2].replace(/^:/, '');
    const value = parseValue(tokens.slice(3).join(' '));
    if (type === 'invoke') {
      if (pending.has(client)) throw new Error(`line ${i + 1}: client ${client} invoked twice`);
      pending.set(client, { f, value, call: i + 1 });
      continue;
    }
    const p = pending.get(client);
    if (!p || p.f !== f) throw new Error(`line ${i + 1}: :${type} without a matching :invoke :${f}`);
    pending.delete(client);
    switch (type) {
      case 'ok': {
        if (Array.isArray(value)) {
          if (p.f === 'read') throw new Error(`line ${i + 1}: a read returned a list`);
        }
        const output: RegisterOutput =
          p.f === 'read' ? { status: 'ok', value: value as RegisterState } : { status: 'ok' };
        finish(client, p, output, i + 1, i + 1);
        break;
      }
      case 'fail':
        finish(client, p, { status: 'fail' }, i + 1, i + 1);
        break;
      case 'info':
        finish(client, p, { status: 'unknown' }, Infinity, i + 1);
        break;
      default:
        throw new Error(`line ${i + 1}: unknown event type :${type}`);
    }
  }
  for (const [client, p] of pending) finish(client, p, { status: 'unknown' }, Infinity, lines.length);
  ops.sort((a, b) => a.call - b.call);
  return ops;
}
