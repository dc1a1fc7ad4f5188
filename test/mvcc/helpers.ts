// Shared helpers for the MVCC tests: text <-> bytes and compact views of responses.
import { expect } from 'vitest';
import { KVStore, KvError, type KeyValue, type StoreOptions } from '../../src/engine/mvcc/index.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Text as key/value bytes. */
export const b = (s: string): Uint8Array => encoder.encode(s);
/** Bytes as text. */
export const t = (u: Uint8Array): string => decoder.decode(u);
/** The "\0" range end: every key from key on. */
export const FROM_KEY = new Uint8Array([0]);

/** A KeyValue as [key, value, create, mod, version, lease]. */
export function kvRow(kv: KeyValue): [string, string, number, number, number, string] {
  return [t(kv.key), t(kv.value), kv.createRevision, kv.modRevision, kv.version, kv.lease];
}

export const keysOf = (kvs: KeyValue[]): string[] => kvs.map((kv) => t(kv.key));

/** A store with etcd's put3TestKVs: foo, foo1, foo2 at revisions 2, 3, 4. */
export function put3(opts?: StoreOptions): KVStore {
  const s = new KVStore(opts);
  s.put({ key: b('foo'), value: b('bar') });
  s.put({ key: b('foo1'), value: b('bar1') });
  s.put({ key: b('foo2'), value: b('bar2') });
  return s;
}

/** Runs fn expecting a KvError with exactly this message (and, if given, this rpc text). */
export function expectKvError(fn: () => unknown, message: string, rpcMessage?: string): KvError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(KvError);
  const err = caught as KvError;
  expect(err.message).toBe(message);
  if (rpcMessage !== undefined) expect(err.rpcMessage).toBe(rpcMessage);
  return err;
}
