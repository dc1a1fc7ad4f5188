// Records -> the API's mvccpb shapes: KeyValue and Event (etcd's
// watchable_store_txn.go End() and kvsToEvents).
import { fromBinary } from './binary.ts';
import type { KvRecord } from './backend.ts';
import { NO_LEASE } from './lease-id.ts';
import type { Event, KeyValue } from './types.ts';

/** A record as a KeyValue with fresh byte arrays (keysOnly leaves the value empty). */
export function toKeyValue(r: KvRecord, keysOnly = false): KeyValue {
  return {
    key: fromBinary(r.key),
    createRevision: r.createRevision,
    modRevision: r.modRevision,
    version: r.version,
    value: keysOnly ? new Uint8Array(0) : r.value.slice(),
    lease: r.lease,
  };
}

/** The event of one stored change: a DELETE carries only the key and its revision. */
export function toEvent(r: KvRecord, prev: KvRecord | undefined): Event {
  const ev: Event = r.tombstone
    ? {
        type: 'DELETE',
        kv: { key: fromBinary(r.key), createRevision: 0, modRevision: r.modRevision, version: 0, value: new Uint8Array(0), lease: NO_LEASE },
      }
    : { type: 'PUT', kv: toKeyValue(r) };
  if (prev !== undefined) ev.prevKv = toKeyValue(prev);
  return ev;
}

/** The events of one committed write txn, in sub-revision order. */
export function txnEvents(changes: readonly KvRecord[], prevs: readonly (KvRecord | undefined)[]): Event[] {
  const evs: Event[] = new Array<Event>(changes.length);
  for (let i = 0; i < changes.length; i++) evs[i] = toEvent(changes[i]!, prevs[i]);
  return evs;
}
