// The KV, Lease and Watch services of one member (etcdserverpb), over the
// member's EtcdService. Watch and LeaseKeepAlive are bidirectional streams:
// each incoming request goes into the simulation as it arrives, and each
// engine response is written out as the engine produces it.
import type { ServiceImpl, StreamCall } from './server-call.ts';
import type { WatchStreamHandle } from '../../engine/api/service.ts';
import type { LeaseLeasesResponse } from '../../engine/lease/types.ts';
import type { CompactionResponse } from '../../engine/mvcc/rpc.ts';
import { leaseFromWire, leaseToWire, num } from './ids.ts';
import { type MemberBinding, NO_LEADER, failMalformed, failStream, leaderMissing, send, tokenOf, unary } from './call.ts';
import {
  type Wire,
  compactFromWire,
  deleteRangeFromWire,
  deleteRangeToWire,
  headerToWire,
  putFromWire,
  putToWire,
  rangeFromWire,
  rangeToWire,
  txnFromWire,
  txnToWire,
  watchRequestFromWire,
  watchResponseToWire,
} from './codec-kv.ts';
import { leaseIdResponseToWire, timeToLiveToWire, withHeader } from './codec-admin.ts';
import { STOPPED } from './status.ts';

/** Requests that always go through raft. */
const always = (): boolean => true;

/** Only a txn whose every op is a range is served without raft (etcd's isTxnReadonly; a nested txn counts as a write). */
function txnWrites(req: Wire): boolean {
  const ops: Wire[] = [...(req?.success ?? []), ...(req?.failure ?? [])];
  return ops.some((op) => op?.requestRange == null);
}

export function kvHandlers(m: MemberBinding): ServiceImpl {
  return {
    Range: unary(m, (s, req, cb, t) => s.range(rangeFromWire(req), cb, t), rangeToWire),
    Put: unary(m, (s, req, cb, t) => s.put(putFromWire(req), cb, t), putToWire, always),
    DeleteRange: unary(m, (s, req, cb, t) => s.deleteRange(deleteRangeFromWire(req), cb, t), deleteRangeToWire, always),
    Txn: unary(m, (s, req, cb, t) => s.txn(txnFromWire(req), cb, t), txnToWire, txnWrites),
    Compact: unary(
      m,
      (s, req, cb, t) => s.compact(compactFromWire(req), cb, t),
      (r: CompactionResponse) => ({ header: headerToWire(r.header) }),
      always,
    ),
  };
}

export function leaseHandlers(m: MemberBinding): ServiceImpl {
  return {
    LeaseGrant: unary(m, (s, req, cb, t) => s.leaseGrant({ TTL: num(req.TTL), ID: leaseFromWire(req.ID) }, cb, t), leaseIdResponseToWire, always),
    LeaseRevoke: unary(m, (s, req, cb, t) => s.leaseRevoke({ ID: leaseFromWire(req.ID) }, cb, t), withHeader, always),
    LeaseTimeToLive: unary(m, (s, req, cb) => s.leaseTimeToLive({ ID: leaseFromWire(req.ID), keys: !!req.keys }, cb), timeToLiveToWire),
    LeaseLeases: unary(
      m,
      (s, _req, cb) => s.leaseLeases(cb),
      (r: LeaseLeasesResponse) => ({ header: headerToWire(r.header), leases: r.leases.map((l) => ({ ID: leaseToWire(l.ID) })) }),
    ),
    LeaseKeepAlive: (call: StreamCall) => keepAliveStream(m, call),
  };
}

/**
 * v3rpc's LeaseKeepAlive: every request renews its lease and is answered on
 * the stream (TTL 0 for a lease that does not exist); any other error ends
 * the stream with that error.
 */
function keepAliveStream(m: MemberBinding, call: StreamCall): void {
  call.on('data', (req: Wire) => {
    if (failMalformed(call, req)) return;
    m.rt.enter(() => {
      const svc = m.connect();
      if (!svc) return failStream(call, STOPPED);
      svc.leaseKeepAlive(leaseFromWire(req.ID), (err, resp) => {
        if (err) return failStream(call, err);
        send(call, { header: headerToWire(resp!.header), ID: req.ID, TTL: resp!.TTL });
      });
    });
  });
  call.on('end', () => call.end());
  call.on('error', () => {});
}

export function watchHandlers(m: MemberBinding): ServiceImpl {
  return { Watch: (call: StreamCall) => watchStream(m, call) };
}

/** One Watch stream: many watchers, created, canceled and asked for progress through it. */
function watchStream(m: MemberBinding, call: StreamCall): void {
  const token = tokenOf(call.metadata);
  let handle: WatchStreamHandle | undefined;
  m.rt.enter(() => {
    const svc = m.connect();
    if (!svc) return failStream(call, STOPPED);
    if (leaderMissing(m, call.metadata)) return failStream(call, NO_LEADER);
    handle = svc.watch((err, resp) => {
      if (err) return failStream(call, err);
      send(call, watchResponseToWire(resp!));
    }, token);
  });
  const close = (): void => {
    if (!handle) return;
    const h = handle;
    handle = undefined;
    m.rt.enter(() => h.close());
  };
  call.on('data', (w: Wire) => {
    if (failMalformed(call, w)) return close();
    const req = watchRequestFromWire(w);
    const h = handle;
    if (req && h) m.rt.enter(() => h.request(req));
  });
  call.on('end', () => {
    close();
    call.end();
  });
  call.on('cancelled', close);
  call.on('close', close);
  call.on('error', close);
}
