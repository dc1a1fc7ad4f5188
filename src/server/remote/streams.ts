// The streaming calls of a remote member: Watch (one bidirectional stream
// carrying the client's watchers), a lease keep-alive (clientv3's
// KeepAliveOnce: a stream of its own, one request, the first answer) and
// Snapshot (the member's pieces, joined).
import type { ServiceError } from '@grpc/grpc-js';
import type { Callback, RequestError, SnapshotResponse, WatchStreamCallback, WatchStreamHandle } from '../../engine/api/service.ts';
import type { LeaseID, LeaseKeepAliveResponse } from '../../engine/lease/types.ts';
import type { WatchCreateRequest, WatchRequest } from '../../engine/mvcc/watch-types.ts';
import type { Wire } from '../grpc/codec-kv.ts';
import { leaseToWire } from '../grpc/ids.ts';
import { keepAliveFromWire } from './codec-admin.ts';
import { bytesFromWire, headerFromWire, watchResponseFromWire } from './codec-kv.ts';
import type { CallSetup, RemoteEndpoint } from './endpoint.ts';
import { fromStatus } from './status.ts';

/** What a stream that ended without a status reads as (its connection went away). */
const STREAM_CLOSED: RequestError = { message: 'transport is closing', code: 'Unavailable' };

/** A Watch stream; the member's responses and its end go to cb, until close(). */
export function openWatch(ep: RemoteEndpoint, token: string | undefined, cb: WatchStreamCallback): WatchStreamHandle {
  // etcdctl's watches carry clientv3.WithRequireLeader.
  const call = ep.bidiStream('Watch', 'Watch', { token, requireLeader: true });
  let open = true;
  const fail = (err: RequestError): void => {
    if (!open) return;
    open = false;
    cb(err);
  };
  call.on('data', (w: Wire) => {
    if (open) cb(undefined, watchResponseFromWire(w));
  });
  call.on('error', (e: ServiceError) => fail(fromStatus(e)));
  call.on('end', () => fail(STREAM_CLOSED));
  const send = (msg: Wire): void => {
    if (open) call.write(msg);
  };
  return {
    create(req: WatchCreateRequest): number {
      send({ createRequest: req });
      // The member assigns the ID; it comes back in the created response.
      return 0;
    },
    request(req: WatchRequest): void {
      send(req);
    },
    requestProgress(): void {
      send({ progressRequest: {} });
    },
    close(): void {
      if (!open) return;
      open = false;
      call.cancel();
    },
  };
}

/** One renewal over a stream of its own; the stream closes on the first answer or error. */
export function keepAliveOnce(ep: RemoteEndpoint, id: LeaseID, setup: CallSetup, cb: Callback<LeaseKeepAliveResponse>): void {
  const call = ep.bidiStream('Lease', 'LeaseKeepAlive', setup);
  let done = false;
  const finish = (err: RequestError | undefined, resp?: LeaseKeepAliveResponse): void => {
    if (done) return;
    done = true;
    call.cancel();
    cb(err, resp);
  };
  call.on('data', (w: Wire) => finish(undefined, keepAliveFromWire(w)));
  call.on('error', (e: ServiceError) => finish(fromStatus(e)));
  call.on('end', () => finish(STREAM_CLOSED));
  call.write({ ID: leaseToWire(id) });
}

/** The member's snapshot: every piece's blob, in order (the store, then its sha256). */
export function fetchSnapshot(ep: RemoteEndpoint, setup: CallSetup, cb: Callback<SnapshotResponse>): void {
  const call = ep.serverStream('Maintenance', 'Snapshot', {}, setup);
  const pieces: Uint8Array[] = [];
  let header: Wire = null;
  let done = false;
  call.on('data', (w: Wire) => {
    header ??= w.header;
    pieces.push(bytesFromWire(w.blob));
  });
  call.on('error', (e: ServiceError) => {
    if (done) return;
    done = true;
    cb(fromStatus(e));
  });
  call.on('end', () => {
    if (done) return;
    done = true;
    const size = pieces.reduce((n, p) => n + p.length, 0);
    const blob = new Uint8Array(size);
    let at = 0;
    for (const p of pieces) {
      blob.set(p, at);
      at += p.length;
    }
    cb(undefined, { header: headerFromWire(header), blob });
  });
}
