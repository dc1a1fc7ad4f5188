// Fragmenting large watch responses (etcd v3rpc/watch.go sendFragments) and
// the protobuf wire size it measures them by (gogoproto's Size() of
// etcdserverpb.WatchResponse): proto3 leaves zero fields out.
import { NO_LEASE, leaseVarintSize } from './lease-id.ts';
import { intField, varintSize } from './pbsize.ts';
import type { Event, KeyValue } from './types.ts';
import type { WatchHeader, WatchResponse } from './watch-types.ts';

const utf8 = new TextEncoder();


/** A uint64 field given as a number or a hex ID string (leases, cluster and member IDs). */
/** A uint64 field holding a hex ID (cluster and member IDs); absent when 0. */
function idField(v: string): number {
  return /^0*$/.test(v) ? 0 : 1 + leaseVarintSize(v);
}

/** A length-delimited field of n bytes. */
function lenField(n: number): number {
  return 1 + varintSize(n) + n;
}

function bytesField(b: Uint8Array): number {
  return b.length === 0 ? 0 : lenField(b.length);
}

export function keyValueSize(kv: KeyValue): number {
  return (
    bytesField(kv.key) +
    intField(kv.createRevision) +
    intField(kv.modRevision) +
    intField(kv.version) +
    bytesField(kv.value) +
    (kv.lease === NO_LEASE ? 0 : 1 + leaseVarintSize(kv.lease))
  );
}

export function eventSize(ev: Event): number {
  let n = ev.type === 'DELETE' ? 2 : 0;
  n += lenField(keyValueSize(ev.kv));
  if (ev.prevKv !== undefined) n += lenField(keyValueSize(ev.prevKv));
  return n;
}

function headerSize(h: WatchHeader): number {
  return idField(h.clusterId) + idField(h.memberId) + intField(h.revision) + intField(h.raftTerm);
}

/** The marshalled size of a WatchResponse. */
export function watchResponseSize(r: WatchResponse): number {
  let n = lenField(headerSize(r.header));
  n += intField(r.watchId);
  if (r.created) n += 2;
  if (r.canceled) n += 2;
  n += intField(r.compactRevision);
  if (r.cancelReason !== '') n += lenField(utf8.encode(r.cancelReason).length);
  if (r.fragment) n += 2;
  for (const ev of r.events) n += lenField(eventSize(ev));
  return n;
}

/**
 * Splits r into responses under maxBytes, all but the last marked fragment.
 * A response already under the limit, or with fewer than two events, goes
 * whole; each fragment holds at least one event, even an oversized one.
 * Like etcd, it may split one revision's events across fragments: the
 * client reassembles them.
 */
export function fragments(r: WatchResponse, maxBytes: number): WatchResponse[] {
  if (r.events.length < 2 || watchResponseSize(r) < maxBytes) return [r];
  const out: WatchResponse[] = [];
  // Size of a fragment with no events yet; each event adds its field size.
  const base = watchResponseSize({ ...r, events: [], fragment: true });
  let idx = 0;
  while (idx < r.events.length) {
    const evs: Event[] = [];
    let size = base;
    for (; idx < r.events.length; idx++) {
      const add = lenField(eventSize(r.events[idx]!));
      if (evs.length > 0 && size + add >= maxBytes) break;
      evs.push(r.events[idx]!);
      size += add;
    }
    out.push({ ...r, events: evs, fragment: idx < r.events.length });
  }
  return out;
}
