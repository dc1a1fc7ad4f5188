// Recognizes a history file's format from its text and pairs it with its model,
// so callers (CLI, tests) can check any supported file without knowing its type.
import { checkOperations } from '../checker.ts';
import { createEtcdModel } from '../models/etcd.ts';
import type { EtcdInput, EtcdOutput } from '../models/etcd-types.ts';
import { kvAppendModel, type KvInput, type KvOutput } from '../models/kv-append.ts';
import { registerModel, type RegisterInput, type RegisterOutput } from '../models/register.ts';
import type { CheckOptions, CheckResult, Operation } from '../types.ts';
import { parseJepsenEtcdLog } from './jepsen-etcd.ts';
import { parseJsonHistory } from './json-history.ts';
import { parseKvEdn } from './kv-edn.ts';

export type HistoryFormat = 'empty' | 'jepsen-etcd' | 'kv-edn' | 'json';

export interface LoadedHistory {
  format: HistoryFormat;
  model: 'register' | 'kv' | 'etcd';
  operations: number;
  check(options?: CheckOptions): CheckResult;
}

export function detectFormat(text: string): HistoryFormat {
  const t = text.trimStart();
  if (t === '') return 'empty';
  if (/^\{\s*:/.test(t)) return 'kv-edn';
  if (t.startsWith('{')) return 'json';
  if (/jepsen\.util\s+-/.test(t)) return 'jepsen-etcd';
  throw new Error('unrecognized history format');
}

function registerHistory(format: HistoryFormat, ops: Operation<RegisterInput, RegisterOutput>[]): LoadedHistory {
  return { format, model: 'register', operations: ops.length, check: (o) => checkOperations(registerModel, ops, o) };
}

function kvHistory(format: HistoryFormat, ops: Operation<KvInput, KvOutput>[]): LoadedHistory {
  return { format, model: 'kv', operations: ops.length, check: (o) => checkOperations(kvAppendModel, ops, o) };
}

export function loadHistory(text: string): LoadedHistory {
  const format = detectFormat(text);
  switch (format) {
    case 'empty':
      return registerHistory(format, []);
    case 'jepsen-etcd':
      return registerHistory(format, parseJepsenEtcdLog(text));
    case 'kv-edn':
      return kvHistory(format, parseKvEdn(text));
    case 'json': {
      const h = parseJsonHistory(text);
      // The JSON carries the input/output objects as recorded; the model validates them by use.
      if (h.model === 'register') return registerHistory(format, h.operations as Operation<RegisterInput, RegisterOutput>[]);
      if (h.model === 'kv') return kvHistory(format, h.operations as Operation<KvInput, KvOutput>[]);
      const ops = h.operations as Operation<EtcdInput, EtcdOutput>[];
      const model = createEtcdModel({ initialRevision: h.initialRevision });
      return { format, model: 'etcd', operations: ops.length, check: (o) => checkOperations(model, ops, o) };
    }
  }
}
