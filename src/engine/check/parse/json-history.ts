// A JSON history format for histories this project records itself (e.g. from the
// simulated cluster): the Operation objects verbatim, with `return: null` for an
// unknown outcome because JSON has no Infinity.
//   { "model": "etcd", "initialRevision": 1,
//     "operations": [ { "clientId": 0, "call": 3, "return": 9,
//                       "input": { "type": "put", "key": "a", "value": "1" },
//                       "output": { "type": "put", "revision": 2 } } ] }
import type { Operation } from '../types.ts';

export type JsonModelName = 'etcd' | 'register' | 'kv';

export interface JsonHistory {
  model: JsonModelName;
  /** Only for model 'etcd'. */
  initialRevision?: number;
  operations: Operation<unknown, unknown>[];
}

interface RawOperation {
  clientId?: unknown;
  input?: unknown;
  output?: unknown;
  call?: unknown;
  return?: unknown;
}

export function parseJsonHistory(text: string): JsonHistory {
  const raw = JSON.parse(text) as { model?: unknown; initialRevision?: unknown; operations?: unknown };
  if (raw.model !== 'etcd' && raw.model !== 'register' && raw.model !== 'kv') {
    throw new Error(`"model" must be "etcd", "register" or "kv"`);
  }
  if (!Array.isArray(raw.operations)) throw new Error('"operations" must be an array');
  const operations = (raw.operations as RawOperation[]).map((o, i): Operation<unknown, unknown> => {
    if (typeof o.call !== 'number') throw new Error(`operation ${i}: "call" must be a number`);
    if (o.return !== null && typeof o.return !== 'number') {
      throw new Error(`operation ${i}: "return" must be a number or null`);
    }
    if (o.input === undefined || o.output === undefined) throw new Error(`operation ${i}: needs "input" and "output"`);
    return {
      clientId: typeof o.clientId === 'number' ? o.clientId : 0,
      input: o.input,
      call: o.call,
      output: o.output,
      return: o.return === null ? Infinity : o.return,
    };
  });
  const out: JsonHistory = { model: raw.model, operations };
  if (typeof raw.initialRevision === 'number') out.initialRevision = raw.initialRevision;
  return out;
}

/** Inverse of parseJsonHistory. */
export function serializeJsonHistory(h: JsonHistory): string {
  const operations = h.operations.map((o) => ({ ...o, return: o.return === Infinity ? null : o.return }));
  return JSON.stringify({ ...h, operations });
}
